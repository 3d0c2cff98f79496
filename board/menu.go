package board

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"unicode"

	"github.com/x84bbs/x84/ui"
)

// Entry is one choice on the main menu.
type Entry struct {
	// Key picks the entry (a letter or digit; case does not matter).
	Key rune
	// Label describes it.
	Label string
	// SysopOnly hides the entry from callers who are not sysops.
	SysopOnly bool
	// Run is the screen. It returns to the menu when it returns; returning
	// ErrLogoff ends the call.
	Run func(ctx context.Context, c *Call) error
}

// Menu is the main menu's registry of entries. Screens added by later
// features or by a sysop's own board plug in here without changing the
// menu's code. It is safe for concurrent use.
type Menu struct {
	mu      sync.Mutex
	entries []Entry
	// views are what callers and sysops see, made once and shared by
	// every caller at the menu (read only); a change makes them anew.
	views [2]*menuView
}

// menuView is the menu as one kind of caller sees it.
type menuView struct {
	entries []Entry
	items   []ui.MenuItem
}

// Add puts an entry on the menu, before the standard logoff entry. Its
// key must be free.
func (m *Menu) Add(e Entry) error {
	if e.Run == nil || e.Label == "" || !(unicode.IsLetter(e.Key) || unicode.IsDigit(e.Key)) {
		return fmt.Errorf("board: menu entry %q needs a letter or digit key, a label and a screen", e.Label)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.entries {
		if unicode.ToLower(x.Key) == unicode.ToLower(e.Key) {
			return fmt.Errorf("board: menu key %q is taken by %q", e.Key, x.Label)
		}
	}
	// Keep logoff last: it is where callers expect it.
	n := len(m.entries)
	if n > 0 && m.entries[n-1].Key == logoffKey {
		m.entries = append(m.entries[:n-1], e, m.entries[n-1])
	} else {
		m.entries = append(m.entries, e)
	}
	m.views = [2]*menuView{}
	return nil
}

// Entries returns the entries a caller may see, in menu order.
func (m *Menu) Entries(sysop bool) []Entry { return slices.Clone(m.view(sysop).entries) }

// view returns the shared view for a caller or a sysop.
func (m *Menu) view(sysop bool) *menuView {
	i := 0
	if sysop {
		i = 1
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v := m.views[i]; v != nil {
		return v
	}
	v := &menuView{}
	for _, e := range m.entries {
		if !e.SysopOnly || sysop {
			v.entries = append(v.entries, e)
			v.items = append(v.items, ui.MenuItem{Key: e.Key, Label: e.Label})
		}
	}
	m.views[i] = v
	return v
}

const logoffKey = 'g'

// addStandard puts the default board's screens on the menu.
func (m *Menu) addStandard() {
	for _, e := range []Entry{
		{Key: 'w', Label: "Who's online", Run: whoOnline},
		{Key: 'o', Label: "One-liners", Run: oneliners},
		{Key: 'c', Label: "Chat", Run: chatScreen},
		{Key: 'm', Label: "Messages", Run: messageAreas},
		{Key: 'v', Label: "Voting booth", Run: voting},
		{Key: 'l', Label: "Last callers", Run: lastCallers},
		{Key: 'p', Label: "Your profile", Run: profile},
		{Key: 'k', Label: "Keyboard test", Run: keyTestScreen},
		{Key: 'u', Label: "User list", SysopOnly: true, Run: userList},
		{Key: 'b', Label: "Broadcast", SysopOnly: true, Run: func(ctx context.Context, c *Call) error {
			redraw := func() { c.Board.drawMain(c, mainArtRows) }
			redraw()
			return broadcastScreen(ctx, c, redraw)
		}},
		{Key: logoffKey, Label: "Goodbye (log off)", Run: logoff},
	} {
		if err := m.Add(e); err != nil {
			panic(err) // the standard menu is fixed; a clash is a bug here
		}
	}
}
