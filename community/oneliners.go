package community

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
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

	wall wall
}

// wall keeps the newest one-liners for List: every caller watching the
// wall reloads it when a line is posted, and thousands of them should
// cost one read of the store, not thousands. A post here makes it stale,
// and so does another node's, as its event arrives (New hooks a
// cluster's bus) before any screen hears of it; so does age, in case an
// event was missed.
type wall struct {
	mu      sync.Mutex
	list    []store.Oneliner
	n       int       // how many were asked for when list was read
	at      time.Time // when list was read; zero: stale
	gen     uint64    // counts the changes, so a read that raced one is not kept
	loading chan struct{}
}

// wallLife is the longest the wall is kept without a change heard.
const wallLife = 5 * time.Second

// stale marks the wall as changed.
func (w *wall) stale() {
	w.mu.Lock()
	w.gen++
	w.at = time.Time{}
	w.mu.Unlock()
}

// MaxLength is the longest one-liner, in characters.
func (o *Oneliners) MaxLength() int { return o.length }

// List returns the newest n one-liners, newest first. Callers asking at
// once share one read of the store.
func (o *Oneliners) List(ctx context.Context, n int) ([]store.Oneliner, error) {
	w := &o.wall
	for {
		w.mu.Lock()
		if !w.at.IsZero() && time.Since(w.at) < wallLife && w.n >= n {
			list := slices.Clone(w.list[:min(n, len(w.list))])
			w.mu.Unlock()
			return list, nil
		}
		if ch := w.loading; ch != nil {
			w.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("community: %w", ctx.Err())
			}
		}
		ch := make(chan struct{})
		w.loading, w.gen = ch, w.gen+1
		gen := w.gen
		w.mu.Unlock()

		list, err := o.store.Oneliners(ctx, n)
		w.mu.Lock()
		w.loading = nil
		close(ch)
		if err == nil && w.gen == gen {
			w.list, w.n, w.at = list, n, time.Now()
		}
		w.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("community: %w", err)
		}
		return slices.Clone(list), nil
	}
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
	// At once, not when the event comes back: the poster's own screen
	// reloads next and must show the line.
	o.wall.stale()
	o.bus.Publish(events.Event{Topic: events.TopicOneliner, Data: events.OnelinerPosted{ID: ol.ID}})
	return ol, nil
}
