package board

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sync"
	"time"
	"unicode"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/menus"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/ui"
)

// builtinMenus are the default board's menus; a sysop's DATA/menus/NAME.toml
// replaces one.
//
//go:embed menus/*.toml
var builtinMenus embed.FS

// BuiltinMenus returns the default board's menu files, NAME.toml at the
// root, for a sysop to copy.
func BuiltinMenus() fs.FS {
	sub, err := fs.Sub(builtinMenus, "menus")
	if err != nil {
		panic(err) // the embedded folder is fixed
	}
	return sub
}

// mainMenuName is the menu a call starts in.
const mainMenuName = "main"

// maxMenuDepth bounds how many menus deep a caller may go, so that menus
// that open each other cannot grow a call without end.
const maxMenuDepth = 8

// Entry is one choice on the main menu added in Go, by a sysop's own
// board.
type Entry struct {
	// Key picks the entry (a letter or digit; case does not matter).
	Key rune
	// Label describes it.
	Label string
	// SysopOnly hides the entry from callers who are not sysops.
	SysopOnly bool
	// Need hides the entry from callers below its level or outside its
	// group (see package access).
	Need access.Need
	// Run is the screen. It returns to the menu when it returns; returning
	// ErrLogoff ends the call.
	Run func(ctx context.Context, c *Call) error
}

// Menu holds the entries a sysop's own board adds to the main menu in
// Go; they come before the main menu file's log off entry. The menus
// themselves are files (see package menus). It is safe for concurrent
// use.
type Menu struct {
	addMu sync.Mutex // one Add at a time, from its check to its change
	mu    sync.Mutex
	board *Board
	added []Entry
	// views are what each audience (sysops; others by level and
	// groups) sees of each menu, made once and shared by every caller at
	// it (read only). They hold while the
	// menus do (their generation) and for viewLife at most, since a
	// script an entry names may come or go.
	views map[viewKey]*menuView
}

type viewKey struct {
	menu     *menus.Menu
	audience audience
	gen      uint64 // the menus' generation
	epoch    int64  // the time, in viewLife steps
}

// maxViews bounds the views kept; past it they are made afresh.
const maxViews = 1024

// viewLife is how long a view is shared before it is made again.
const viewLife = 5 * time.Second

// menuView is a menu as one audience sees it.
type menuView struct {
	entries []Entry
	items   []ui.MenuItem // labels as written
	// shown holds the items in each language the view was drawn in
	// (see itemsFor), by printer.
	mu    sync.Mutex
	shown map[*lang.Printer][]ui.MenuItem
}

// maxShown bounds the languages a view keeps its items in.
const maxShown = 16

// itemsFor returns the view's items with their labels in the caller's
// language (see menuText), made once per language and shared.
func (v *menuView) itemsFor(c *Call, menu string) []ui.MenuItem {
	p := c.Lang()
	v.mu.Lock()
	defer v.mu.Unlock()
	if items, ok := v.shown[p]; ok {
		return items
	}
	items, copied := v.items, false // as written, unless a label is translated
	for i, it := range v.items {
		label := c.menuText(menu, entryField(it.Key), it.Label)
		if label == it.Label {
			continue
		}
		if !copied {
			items, copied = slices.Clone(v.items), true
		}
		items[i].Label = label
	}
	if len(v.shown) >= maxShown || v.shown == nil {
		v.shown = map[*lang.Printer][]ui.MenuItem{}
	}
	v.shown[p] = items
	return items
}

// Menu files are written in one language (the built-in ones in English).
// A caller sees each of a file's texts in their own language when the
// catalogs have it: menus.NAME.title, menus.NAME.prompt and
// menus.NAME.entry.KEY (the entries a board adds in Go too, on the main
// menu), else as written.

// entryField is the field of an entry's label in a menu's messages:
// "entry.w".
func entryField(key rune) string { return "entry." + string(unicode.ToLower(key)) }

// menuText returns a menu file's text — field "title", "prompt" or
// entryField(key) of the menu called menu — in the caller's language.
// The board's own translations are of its built-in menus' words: where
// a sysop's file says something else, only a translation the sysop wrote
// (in DATA/lang) replaces it.
func (c *Call) menuText(menu, field, text string) string {
	id := "menus." + menu + "." + field
	p := c.Lang()
	if p.Own(id) && c.Board.translatesOther(p, menu, field, text, id) {
		return text
	}
	return p.Or(id, text)
}

// builtinLang is the board's own catalogs, without the sysop's.
var builtinLang = sync.OnceValue(func() *lang.Catalog {
	c, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		panic("board: the built-in catalogs: " + err.Error()) // lang's TestBuiltin
	}
	return c
})

// translatesOther reports whether p's message id is the board's own
// translation of a built-in menu's text that a sysop's file changed to
// text.
func (b *Board) translatesOther(p *lang.Printer, menu, field, text, id string) bool {
	builtin := b.menus.Builtin(menu)
	if builtin == nil {
		return false // the sysop's own menu: the translations are theirs
	}
	if orig, ok := menuField(builtin, field); ok && orig == text {
		return false
	}
	own := builtinLang().Printer(p.Tag())
	return own.Tag() == p.Tag() && own.Own(id) && own.T(id) == p.T(id)
}

// menuField returns the text of a menu's field (see menuText).
func menuField(m *menus.Menu, field string) (string, bool) {
	switch field {
	case "title":
		return m.Title, true
	case "prompt":
		return m.Prompt, true
	}
	for _, e := range m.Entries {
		if entryField(e.Key) == field {
			return e.Label, true
		}
	}
	return "", false
}

// Add puts an entry on the main menu, before its log off entry. Its key
// must be free.
func (m *Menu) Add(e Entry) error {
	if e.Run == nil || e.Label == "" || !(unicode.IsLetter(e.Key) || unicode.IsDigit(e.Key)) || unicode.ToLower(e.Key) == 'q' {
		return fmt.Errorf("board: menu entry %q needs a letter or digit key other than q, a label and a screen", e.Label)
	}
	m.addMu.Lock()
	defer m.addMu.Unlock()
	for _, x := range m.EntriesFor(sysopUser()) {
		if unicode.ToLower(x.Key) == unicode.ToLower(e.Key) {
			return fmt.Errorf("board: menu key %q is taken by %q", e.Key, x.Label)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.added = append(m.added, e)
	clear(m.views)
	return nil
}

// Entries returns the main menu's entries a sysop, or else an ordinary
// caller at the default level (store.DefaultLevel, in no group), may
// see, in menu order.
func (m *Menu) Entries(sysop bool) []Entry {
	if sysop {
		return m.EntriesFor(sysopUser())
	}
	return m.EntriesFor(&store.User{Level: store.DefaultLevel})
}

// EntriesFor returns the main menu's entries the account u may see, in
// menu order.
func (m *Menu) EntriesFor(u *store.User) []Entry {
	if m.board == nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		return slices.Clone(m.added)
	}
	main := m.board.menus.Get(mainMenuName)
	if main == nil {
		return nil
	}
	return slices.Clone(m.view(main, u).entries)
}

// view returns the view of menu that u shares with its audience.
func (m *Menu) view(menu *menus.Menu, u *store.User) *menuView {
	b := m.board
	key := viewKey{menu: menu, audience: audienceOf(u), gen: b.menus.Generation(), epoch: time.Now().UnixNano() / int64(viewLife)}
	m.mu.Lock()
	v := m.views[key]
	added := m.added
	m.mu.Unlock()
	if v != nil {
		return v
	}
	// Made without the lock: it looks at menus and scripts on disk. Two
	// callers may make it at once; one view is kept.
	v = &menuView{}
	add := func(e Entry) {
		if (!e.SysopOnly || u.Sysop()) && e.Need.Allows(u) {
			v.entries = append(v.entries, e)
			v.items = append(v.items, ui.MenuItem{Key: e.Key, Label: e.Label})
		}
	}
	isMain := menu.Name == mainMenuName
	// The file's entries first claim their keys, so that one added in Go
	// never takes the key of an entry further down.
	var entries []Entry
	var kinds []menus.Kind
	taken := map[rune]bool{}
	for _, fe := range menu.Entries {
		if e, ok := b.entry(fe, u); ok {
			entries = append(entries, e)
			kinds = append(kinds, fe.Kind)
			taken[fe.Key] = true
		}
	}
	addedGo := !isMain
	for i, e := range entries {
		if kinds[i] == menus.Logoff && !addedGo {
			b.addGoEntries(added, taken, add)
			addedGo = true
		}
		add(e)
	}
	if !addedGo {
		b.addGoEntries(added, taken, add)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.views) >= maxViews {
		clear(m.views)
	}
	if m.views == nil {
		m.views = map[viewKey]*menuView{}
	}
	m.views[key] = v
	return v
}

// addGoEntries adds the entries a sysop's board added in Go whose keys
// the menu file leaves free.
func (b *Board) addGoEntries(added []Entry, taken map[rune]bool, add func(Entry)) {
	for _, e := range added {
		k := unicode.ToLower(e.Key)
		if taken[k] {
			if _, warned := b.clashes.LoadOrStore(k, true); warned {
				continue
			}
			b.log.Warn("menus: an entry added in Go has a key the main menu file uses; the file's entry wins", "key", string(e.Key), "label", e.Label)
			continue
		}
		taken[k] = true
		add(e)
	}
}

// screen is a screen a menu file can name.
type screen struct {
	run func(ctx context.Context, c *Call) error
	// shown reports whether the screen is there for the account u; nil
	// means always.
	shown func(u *store.User) bool
}

// AddScreen names a screen, so that menu files can open it with
// screen = "name". It must be called before the board serves anyone; a
// name that is taken is an error.
func (b *Board) AddScreen(name string, run func(ctx context.Context, c *Call) error) error {
	if !menus.ValidName(name) || run == nil {
		return fmt.Errorf("board: screen %q needs a name of lower-case letters, digits, '-' or '_' and a function", name)
	}
	if _, ok := b.screens[name]; ok {
		return fmt.Errorf("board: a screen is already named %q", name)
	}
	b.screens[name] = screen{run: run}
	return nil
}

// StandardScreens returns the names of the default board's screens, which
// menu files open with screen = "name"; "doors" and "files" are shown
// only on boards with doors and file areas.
func StandardScreens() []string {
	b := &Board{}
	b.addStandardScreens()
	names := slices.Collect(maps.Keys(b.screens))
	slices.Sort(names)
	return names
}

// addStandardScreens names the default board's screens.
func (b *Board) addStandardScreens() {
	sysopOnly := (*store.User).Sysop
	b.screens = map[string]screen{
		"who":         {run: whoOnline},
		"oneliners":   {run: oneliners},
		"chat":        {run: chatScreen},
		"messages":    {run: messageAreas},
		"voting":      {run: voting},
		"lastcallers": {run: lastCallers},
		"profile":     {run: profile},
		"keytest":     {run: keyTestScreen},
		"gallery":     {run: artGallery},
		"userlist":    {run: userList, shown: sysopOnly},
		"broadcast": {shown: sysopOnly, run: func(ctx context.Context, c *Call) error {
			return broadcastScreen(ctx, c, c.redrawMenu)
		}},
		"logoff": {run: logoff},
		"doors": {run: doorsScreen, shown: func(u *store.User) bool {
			return slices.ContainsFunc(b.doors, func(d *doorEntry) bool { return d.allows(u) })
		}},
		"files": {run: filesScreen, shown: func(*store.User) bool { return b.cfg.Files != nil }},
	}
}

// entry makes a menu file's entry into one the account u runs; false
// when u cannot have it (a sysop's entry, a level or group u lacks, or a
// screen, menu, door or script this board lacks).
func (b *Board) entry(fe menus.Entry, u *store.User) (Entry, bool) {
	e := Entry{Key: fe.Key, Label: fe.Label, SysopOnly: fe.Sysop, Need: fe.Need()}
	if fe.Sysop && !u.Sysop() || !e.Need.Allows(u) {
		return e, false
	}
	switch fe.Kind {
	case menus.Screen:
		s, ok := b.screens[fe.Target]
		if !ok || s.shown != nil && !s.shown(u) {
			return e, false
		}
		e.Run = s.run
	case menus.Submenu:
		if b.menus.Get(fe.Target) == nil {
			return e, false
		}
		e.Run = privately(fe.Sysop, e.Need, func(ctx context.Context, c *Call) error { return b.runMenu(ctx, c, fe.Target) })
	case menus.Door:
		i := slices.IndexFunc(b.doors, func(d *doorEntry) bool { return d.cfg.Name == fe.Target })
		if i < 0 || !b.doors[i].allows(u) {
			return e, false
		}
		d := b.doors[i]
		e.Run = privately(fe.Sysop, e.Need, func(ctx context.Context, c *Call) error { return c.runOneDoor(ctx, d) })
	case menus.Art:
		e.Run = func(ctx context.Context, c *Call) error { return c.ShowArt(ctx, fe.Target) }
	case menus.Script:
		if b.cfg.Scripts == nil || !b.cfg.Scripts.Has(fe.Target) {
			return e, false
		}
		e.Run = func(ctx context.Context, c *Call) error { return b.cfg.Scripts.Run(ctx, c, fe.Target) }
	case menus.Logoff:
		e.Run = logoff
	default:
		return e, false
	}
	return e, true
}

// runOneDoor runs a door a menu entry names, and shows how it ended.
func (c *Call) runOneDoor(ctx context.Context, d *doorEntry) error {
	msg, err := c.runDoor(ctx, d)
	if err != nil || msg == "" {
		return err
	}
	show := func() { c.redrawMenu(); c.Say(c.Size().Rows, c.Theme.Text, msg) }
	show()
	return c.AnyKey(ctx, show)
}

// ScriptRunner runs sysops' scripts as screens (package script).
type ScriptRunner interface {
	// Has reports whether a script of the name exists.
	Has(name string) bool
	// Run runs the script for the caller; it returns when the caller
	// leaves it.
	Run(ctx context.Context, c *Call, name string) error
}

// runMenu shows the named menu and runs the entries picked until the
// caller goes back (Esc or q; not from the main menu), logs off or goes
// away.
func (b *Board) runMenu(ctx context.Context, c *Call, name string) error {
	if c.menuDepth >= maxMenuDepth {
		show := func() {
			c.redrawMenu()
			c.Say(c.Size().Rows, c.Theme.Error, c.T("menu.too_deep"))
		}
		show()
		return c.AnyKey(ctx, show)
	}
	c.menuDepth++
	outer := c.menuRedraw
	defer func() { c.menuDepth--; c.menuRedraw = outer }()
	m := &ui.Menu{}
	selected := 0
	for {
		menu := b.menus.Get(name)
		if menu == nil {
			b.log.Error("menus: no such menu", "menu", name)
			return nil
		}
		c.menuActivity(menu)
		// The account may have changed since the last visit: the sysop
		// edits it, or locks it.
		if err := c.refreshUser(ctx); err != nil {
			return err
		}
		if menu.Greeting {
			c.newMessages, c.newLetters, c.newErr = c.reading.NewCounts(ctx)
		}
		// Shared with every caller at the menu: one copy, not thousands.
		view := b.Menu.view(menu, c.User)
		if len(view.items) == 0 {
			return c.emptyMenu(ctx, menu)
		}
		m.Items = view.itemsFor(c, menu.Name)
		m.Selected = min(selected, max(len(view.items)-1, 0))
		// On a short window the art gives way, so that the menu never
		// runs into the status line.
		layout := func() (int, int, int) {
			sz := c.Size()
			m.Width = sz.Cols - 4
			top := 0
			for _, art := range []int{menu.ArtRows, 0} {
				top = b.drawMenu(c, menu, art)
				m.Rows = max(1, sz.Rows-top-1)
				if m.Height() <= m.Rows {
					break
				}
			}
			return top, 3, m.Width
		}
		m.Relayout = layout
		c.menuRedraw = func() { b.drawMenu(c, menu, menu.ArtRows) }
		i, err := c.runMenu(ctx, m)
		if errors.Is(err, ui.ErrCancel) {
			if name == mainMenuName && c.menuDepth == 1 {
				continue // Esc or q: the menu stays; log off with its entry
			}
			return nil
		}
		if err != nil {
			return err
		}
		selected = i
		e := view.entries[i]
		// The menu was drawn for the account as it was: the sysop may
		// have changed it since.
		// (It names the entry as the caller saw it.)
		shown := e
		shown.Label = m.Items[i].Label
		if ok, err := c.stillAllowed(ctx, shown); !ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		if err := e.Run(ctx, c); err != nil {
			// A connection to the database that broke is not the caller's.
			if SessionOver(ctx, err) && !store.Unavailable(err) {
				return err
			}
			b.log.Error("screen failed", "screen", e.Label, "user", c.User.Handle, "err", err)
			why := c.Theme.Strings.ScreenFailed
			if store.Unavailable(err) {
				why = c.Theme.Strings.DatabaseAway
			}
			failed := func() { c.Say(c.Size().Rows, c.Theme.Error, why) }
			failed()
			if err := c.AnyKey(ctx, failed); err != nil {
				return err
			}
		}
	}
}

// emptyMenu tells a caller whom a menu offers nothing (a sysop's file
// with only sysop entries, or screens this board lacks), and takes them
// back, or off the board from the main menu, which has no way back.
func (c *Call) emptyMenu(ctx context.Context, menu *menus.Menu) error {
	c.Board.log.Error("menus: a menu has no entry for a caller", "menu", menu.Name, "user", c.User.Handle)
	then := c.T("menu.empty_back")
	if c.menuDepth == 1 {
		then = c.T("menu.empty_logoff")
	}
	show := func() {
		c.Clear()
		c.Say(2, c.Theme.Error, c.T("menu.empty"))
		c.Say(4, c.Theme.Text, then)
	}
	show()
	if err := c.AnyKey(ctx, show); err != nil || c.menuDepth > 1 {
		return err
	}
	return ErrLogoff
}

// redrawMenu draws the menu the caller is in again, for screens that
// draw over it (a broadcast typed on its bottom row).
func (c *Call) redrawMenu() {
	if c.menuRedraw != nil {
		c.menuRedraw()
	}
}
