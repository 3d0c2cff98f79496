package board

import (
	"context"
	"sync"
	"time"
)

// fromCache keeps where callers are from (their accounts' locations) for
// who's online, shared by every caller watching it: each arrival or
// departure redraws the list for all of them, and reading every online
// account from the store for every watcher would make the store's work
// grow with the square of the callers online. A location changed in the
// profile or the user editor is forgotten at once; one changed elsewhere
// (x84 user, the web API) shows within fromTTL.
type fromCache struct {
	mu      sync.Mutex
	entries map[string]fromEntry
}

type fromEntry struct {
	location string
	at       time.Time
}

const (
	fromTTL = 10 * time.Second
	// fromMax bounds the cache: it is emptied when it holds more.
	fromMax = 20000
)

// location returns where handle is from, reading the account if the cache
// has no fresh answer.
func (c *fromCache) location(ctx context.Context, b *Board, handle string) (string, bool) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[handle]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < fromTTL {
		return e.location, true
	}
	u, err := b.cfg.Accounts.User(ctx, handle)
	if err != nil {
		return "", false
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= fromMax {
		c.entries = make(map[string]fromEntry)
	}
	c.entries[handle] = fromEntry{u.Location, now}
	c.mu.Unlock()
	return u.Location, true
}

// forget drops what the cache knows of handle, after an edit.
func (c *fromCache) forget(handle string) {
	c.mu.Lock()
	delete(c.entries, handle)
	c.mu.Unlock()
}
