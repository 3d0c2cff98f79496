package community

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Oneliners is the wall of one-liners: short lines anyone with an account
// may post, one per interval.
type Oneliners struct {
	store    store.Oneliners
	bus      events.Bus
	length   int
	interval time.Duration // 0: no wait
	log      *slog.Logger
}

// MaxLength is the longest one-liner, in characters.
func (o *Oneliners) MaxLength() int { return o.length }

// List returns the newest n one-liners, newest first.
func (o *Oneliners) List(ctx context.Context, n int) ([]store.Oneliner, error) {
	list, err := o.store.Oneliners(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("community: %w", err)
	}
	return list, nil
}

// Wait returns nil if u may post now, ErrAnonymous, or a *WaitError
// saying how long is left; a screen asks before the caller types.
func (o *Oneliners) Wait(ctx context.Context, u *store.User) error {
	if anonymous(u) {
		return ErrAnonymous
	}
	if o.interval <= 0 {
		return nil
	}
	last, err := o.store.LastOnelinerBy(ctx, u.Handle)
	if err != nil {
		return fmt.Errorf("community: %w", err)
	}
	if wait := o.interval - time.Since(last); wait > 0 {
		return &WaitError{Wait: wait}
	}
	return nil
}

// Post checks a one-liner against the rules (an account, not empty once
// terminal control sequences are stripped, MaxLength, one per interval),
// stores it and tells the live screens.
func (o *Oneliners) Post(ctx context.Context, u *store.User, text string) (*store.Oneliner, error) {
	if anonymous(u) {
		return nil, ErrAnonymous
	}
	text = strings.TrimSpace(term.Sanitize(text))
	switch {
	case text == "":
		return nil, ErrEmpty
	case utf8.RuneCountInString(text) > o.length:
		return nil, ErrTooLong
	}
	if err := o.Wait(ctx, u); err != nil {
		return nil, err
	}
	// The store keeps milliseconds: say what it keeps.
	ol := &store.Oneliner{Handle: u.Handle, Text: text, Posted: time.Now().Truncate(time.Millisecond)}
	// The store checks the interval again as it writes: two posts at
	// once (two sessions, or a burst of API calls) both pass the check
	// above, and only one may land.
	var soon *store.TooSoonError
	if err := o.store.AddOneliner(ctx, ol, o.interval); errors.As(err, &soon) {
		// A racing post stamped later than this one can make the wait
		// look longer than the interval: it is never more.
		return nil, &WaitError{Wait: min(o.interval-ol.Posted.Sub(soon.Last), o.interval)}
	} else if err != nil {
		return nil, fmt.Errorf("community: %w", err)
	}
	o.bus.Publish(events.Event{Topic: events.TopicOneliner, Data: events.OnelinerPosted{ID: ol.ID}})
	return ol, nil
}
