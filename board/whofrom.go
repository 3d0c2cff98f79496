package board

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/store"
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
	// A handle with no account (anonymous callers, often most of those
	// online) is from nowhere, and is remembered so too: asking the store
	// again for every row of every watcher is what the cache is for.
	var location string
	switch u, err := b.cfg.Accounts.User(ctx, handle); {
	case err == nil:
		location = u.Location
	case !errors.Is(err, store.ErrNotFound):
		return "", false
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= fromMax {
		c.entries = make(map[string]fromEntry)
	}
	c.entries[handle] = fromEntry{location, now}
	c.mu.Unlock()
	return location, true
}

// forget drops what the cache knows of handle, after an edit.
func (c *fromCache) forget(handle string) {
	c.mu.Lock()
	delete(c.entries, handle)
	c.mu.Unlock()
}

// whoShare is how old a shared table of who's online may be, and how
// often one watcher redraws it for arrivals and departures.
const whoShare = time.Second

// whoCache is who's online as every watcher sees it (but for the
// highlight of their own row), made at most once per whoShare for a
// language and a width: with thousands online and hundreds watching, each
// arrival would otherwise make every watcher format every session. The
// rows are in one language (idle times, "(logging in)", the columns'
// widths follow its headings), so each language has its own tables.
type whoCache struct {
	mu     sync.Mutex
	tables map[whoKey]*whoTable
}

// whoKey names one of whoCache's tables.
type whoKey struct {
	lang  string // the language's tag
	width int
}

type whoTable struct {
	made  time.Time
	nodes []int    // the node of each row
	rows  []string // shared: never changed once made
}

// table returns a table of the sessions online no older than whoShare,
// in the board's default language.
func (w *whoCache) table(ctx context.Context, b *Board, width int) *whoTable {
	return w.tableIn(ctx, b, b.printer(), width)
}

// tableIn returns a table of the sessions online no older than
// whoShare, in p's language.
func (w *whoCache) tableIn(ctx context.Context, b *Board, p *lang.Printer, width int) *whoTable {
	now := time.Now()
	key := whoKey{p.Tag(), width}
	w.mu.Lock()
	defer w.mu.Unlock() // one watcher makes it; the others wait and share
	if t := w.tables[key]; t != nil && now.Sub(t.made) < whoShare {
		return t
	}
	if w.tables == nil || len(w.tables) > 32 {
		w.tables = make(map[whoKey]*whoTable) // windows of many widths: start over
	}
	_, cols := whoHeadings(p)
	t := &whoTable{made: now}
	for _, sn := range b.cfg.Community.Presence.Online() {
		handle := sn.User
		from := ""
		if handle == "" {
			handle = p.T("who.logging_in")
		} else if loc, ok := b.from.location(ctx, b, handle); ok {
			from = loc
		}
		t.nodes = append(t.nodes, sn.Node)
		t.rows = append(t.rows, b.theme.Text+whoRow(width, cols, fmt.Sprint(sn.Node), clean(handle), clean(sn.ActivityIn(p)),
			idleText(p, now.Sub(sn.LastInput)), clean(from), string(sn.Kind)))
	}
	w.tables[key] = t
	return t
}
