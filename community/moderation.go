package community

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
)

// The sysop's moderation of what callers wrote: the web admin's
// one-liners and messages pages call these.

// Delete removes the one-liner with the ID, for a sysop (ErrNotAllowed
// for anyone else); one that is gone already is an error matching
// store.ErrNotFound. Live walls, on every node, read the wall again.
func (o *Oneliners) Delete(ctx context.Context, by *store.User, id int64) error {
	if anonymous(by) || !by.InGroup(store.GroupSysop) {
		return ErrNotAllowed
	}
	if err := o.store.DeleteOneliner(ctx, id); err != nil {
		return fmt.Errorf("community: %w", err)
	}
	o.wall.stale()
	o.log.Info("one-liner deleted", "id", id, "by", by.Handle)
	o.bus.Publish(events.Event{Topic: events.TopicOneliner, Data: events.OnelinerPosted{ID: id}})
	return nil
}

// Page returns, for a sysop (ErrNotAllowed for anyone else), up to limit
// messages of a public area (ErrNoArea for another) with IDs above
// after, oldest first, and how many messages the area holds past after.
// limit is held to 1 to ListMax.
func (m *Messages) Page(ctx context.Context, by *store.User, area string, after int64, limit int) ([]store.Message, int, error) {
	if anonymous(by) || !by.InGroup(store.GroupSysop) {
		return nil, 0, ErrNotAllowed
	}
	if area == MailArea || !slices.Contains(m.areas, area) {
		return nil, 0, ErrNoArea
	}
	q := store.MessageQuery{Area: area, AfterID: max(after, 0), Limit: min(max(limit, 1), ListMax)}
	list, err := m.store.ListMessages(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("community: %w", err)
	}
	total, err := m.store.CountAfter(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("community: %w", err)
	}
	return list, total, nil
}

// Delete removes the message with the ID, for a sysop (ErrNotAllowed for
// anyone else), as Reading.Delete does; a message that does not exist is
// an error matching store.ErrNotFound.
func (m *Messages) Delete(ctx context.Context, by *store.User, id int64) error {
	if anonymous(by) || !by.InGroup(store.GroupSysop) {
		return ErrNotAllowed
	}
	msg, err := m.store.Message(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("community: no message %d: %w", id, err)
	}
	if err != nil {
		return fmt.Errorf("community: %w", err)
	}
	return m.Reading(by).Delete(ctx, *msg)
}
