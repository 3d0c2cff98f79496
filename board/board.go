package board

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/menus"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Config configures a Board. Store, Events, Accounts and Community are
// required; the other fields' zero values mean their defaults.
type Config struct {
	// Name is the BBS's name. Default "x84".
	Name string
	// MaxLoginAttempts is how many wrong passwords, second-factor codes
	// and reset codes, counted together, end a call. Default 3.
	MaxLoginAttempts int
	// LoginTimeout is how long a caller has to log in, or to apply for
	// an account, before the call ends. Default 5 minutes.
	LoginTimeout time.Duration
	// OnelinerCount is how many one-liners the wall shows. Default 20.
	OnelinerCount int
	// LastCallers is how many calls the last callers screen shows.
	// Default 20.
	LastCallers int

	Store     *store.Store
	Events    events.Bus
	Accounts  *account.Service
	Community *community.Services
	// Art is where screens find their art. Default: the built-in art
	// only.
	Art *art.Library
	// Logger receives the board's log. Default: none.
	Logger *slog.Logger
	// Doors are the Doors menu's programs; with none there is no menu.
	Doors []Door
	// Files is the file areas' service; nil means no Files screen.
	Files *files.Service
	// DataDir is the board's data directory: doors' working directories
	// are made under DataDir/doors unless they name their own.
	DataDir string
	// MenuDir holds the sysop's menu files (DATA/menus), which replace
	// the built-in menus of the same name; "" means the built-in only.
	MenuDir string
	// Scripts runs the scripts menu entries name; nil leaves those
	// entries off.
	Scripts ScriptRunner
	// CallerColors lets callers colour their one-liners with pipe codes;
	// false shows the codes as typed.
	CallerColors bool
	// Theme names the screens' theme (see LoadTheme): a built-in one or
	// a file of ThemeDir. Default "default".
	Theme string
	// ThemeDir holds a sysop's themes, NAME.toml (typically
	// DATA/themes); "" means the built-in themes only.
	ThemeDir string
	// Lang holds the languages the screens speak (see package lang);
	// nil means the built-in catalogs, English by default. A theme's
	// strings replace its default language's.
	Lang *lang.Catalog
}

// Board is the default board. Build one with New, add your own screens to
// its Menu, and serve it: it is a session.Handler.
type Board struct {
	cfg Config
	log *slog.Logger
	// Menu holds the main menu's entries; add yours with Menu.Add.
	Menu *Menu
	// chatRows holds chat lines formatted for the room's callers.
	chatRows chatRowCache
	// from holds callers' locations for who's online, who its rows.
	from fromCache
	who  whoCache
	// doors are the Doors menu's programs.
	doors []*doorEntry
	// menus are the menu files; screens are what they may open.
	menus   *menus.Set
	screens map[string]screen
	// theme is the screens' look as the theme file gives it; themes
	// holds it per language and mode (themeFor), shared by every call.
	theme  *Theme
	themes sync.Map // themeKey → *Theme
	// lang is what the screens say in each language; printers holds a
	// printer per language, shared by every call.
	lang     *lang.Catalog
	printers sync.Map // tag → *lang.Printer
	// clashes are the keys of Go entries a menu file took, warned of.
	clashes sync.Map
	// artMissing holds the header art names looked for, so that a
	// missing one is logged once.
	artMissing sync.Map
}

// New returns the default board with its standard menu.
func New(cfg Config) (*Board, error) {
	if cfg.Store == nil || cfg.Events == nil || cfg.Accounts == nil || cfg.Community == nil {
		return nil, errors.New("board: Config.Store, Events, Accounts and Community are required")
	}
	if cfg.Name == "" {
		cfg.Name = "x84"
	}
	defaults.Positive(&cfg.LoginTimeout, 5*time.Minute)
	defaults.Positive(&cfg.MaxLoginAttempts, 3)
	defaults.Positive(&cfg.OnelinerCount, 20)
	defaults.Positive(&cfg.LastCallers, 20)
	if cfg.Art == nil {
		cfg.Art = art.NewLibrary("")
	}
	if cfg.Theme == "" {
		cfg.Theme = "default"
	}
	theme, err := LoadTheme(cfg.ThemeDir, cfg.Theme)
	if err != nil {
		return nil, err
	}
	if cfg.Lang == nil {
		if cfg.Lang, err = lang.Load(lang.Builtin(), "", ""); err != nil {
			return nil, fmt.Errorf("board: %w", err)
		}
	}
	b := &Board{cfg: cfg, log: cfg.Logger, theme: theme, lang: cfg.Lang}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.Menu = &Menu{board: b}
	if err := b.addDoors(cfg.Doors); err != nil {
		return nil, err
	}
	b.addStandardScreens()
	set, err := menus.NewSet(cfg.MenuDir, BuiltinMenus(), b.log)
	if err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	b.menus = set
	return b, nil
}

// ReloadMenus reads the sysop's menu files now, rather than at the next
// menu drawn after a second; the server calls it on SIGHUP.
func (b *Board) ReloadMenus() { b.menus.Reload() }

// MenuProblems returns the sysop's menu files that were refused, each
// naming its file, line and key.
func (b *Board) MenuProblems() []error { return b.menus.Problems() }

// Name returns the BBS's name.
func (b *Board) Name() string { return b.cfg.Name }

// Store returns the board's storage.
func (b *Board) Store() *store.Store { return b.cfg.Store }

// Events returns the board's event bus.
func (b *Board) Events() events.Bus { return b.cfg.Events }

// Accounts returns the account service: logins, applications, passwords,
// keys.
func (b *Board) Accounts() *account.Service { return b.cfg.Accounts }

// Community returns the community services: one-liners, chat, pages,
// broadcasts, messages, polls, who is online.
func (b *Board) Community() *community.Services { return b.cfg.Community }

// Art returns the board's art library.
func (b *Board) Art() *art.Library { return b.cfg.Art }

// Log returns the board's logger.
func (b *Board) Log() *slog.Logger { return b.log }

// Theme returns the board's theme, which every call starts with. It is
// shared: treat it as read-only.
func (b *Board) Theme() *Theme { return b.theme }

// Call is one caller's visit, as screens see it: the session and the
// account logged in.
type Call struct {
	*session.Session
	Board *Board
	// User is the caller's account; for an anonymous caller it is not
	// stored and its ID is 0.
	User *store.User
	// Theme is the call's look: the palette (c.Theme.Text, c.Theme.Key
	// …), box characters and prompts. It is the board's theme, shared
	// with other calls: replace it rather than change it.
	Theme *Theme

	// previousCall is when the caller called before this call (zero on
	// the first); User.LastCall is this call once the account is re-read.
	previousCall time.Time
	// Unread counts for the main menu, counted once a visit.
	newMessages, newLetters int
	newErr                  error
	reading                 *community.Reading
	// menuDepth is how many menus deep the caller is; menuRedraw draws
	// the innermost again.
	menuDepth  int
	menuRedraw func()
	// private: the caller is inside something a menu entry that needs a
	// level, a group or a sysop opened, which who's online must not name.
	private bool
	// greeted: the main menu greeted the caller in accessible mode,
	// which says it once a call.
	greeted bool
}

// errAccountGone ends the call of a user whose account was deleted or
// locked while they were on; it is a logoff, not a failure.
var errAccountGone = fmt.Errorf("%w: the account was deleted or locked", ErrLogoff)

// accountGone tells the caller, and ends the call.
func (c *Call) accountGone() error {
	c.Clear()
	c.WriteString("\r\n" + c.T("call.account_gone") + "\r\n")
	return errAccountGone
}

// refreshUser reads the caller's account again. A deleted or locked
// account ends the call, with a line saying so.
func (c *Call) refreshUser(ctx context.Context) error {
	if c.Anonymous() {
		return nil
	}
	u, err := c.Board.cfg.Accounts.Current(ctx, c.User.Handle)
	switch {
	// A new account with the handle of a deleted one is not the caller's.
	case errors.Is(err, store.ErrNotFound) || errors.Is(err, account.ErrLocked) || err == nil && u.ID != c.User.ID:
		return c.accountGone()
	case store.Unavailable(err):
		// The database is away: the call goes on with the account as it
		// was, and the screens that need the database say so.
		return nil
	case err != nil:
		return err
	}
	*c.User = *u
	return nil
}

// changed keeps c.User up to date after a change through the account
// service, and ends the call if the account is gone.
func (c *Call) changed(u *store.User, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return c.accountGone()
	}
	if err != nil {
		return err
	}
	*c.User = *u
	return nil
}

// Anonymous reports whether the caller has no account.
func (c *Call) Anonymous() bool { return c.User.ID == 0 }

// Sysop reports whether the caller may use the sysop's screens.
func (c *Call) Sysop() bool { return c.User.InGroup(store.GroupSysop) }

// ErrLogoff ends a call normally: a screen returns it when the caller
// chose to leave.
var ErrLogoff = errors.New("board: the caller logged off")

// ServeSession runs one call: login (or the new-user application), then
// the main menu until the caller logs off.
func (b *Board) ServeSession(ctx context.Context, s *session.Session) error {
	s.SetActivityMessage("activity.logging_in")
	b.chooseLanguage(s, nil)
	// Broadcasts reach every session, shown once the caller is in.
	defer s.Inbox().WatchNotices(b.cfg.Events, events.TopicBroadcast)()
	var u *store.User
	var err error
	if info := s.Info(); info.UserVerified {
		// The protocol authenticated the caller (ssh): no second login.
		u, err = b.cfg.Accounts.Current(ctx, info.User)
		if errors.Is(err, account.ErrLocked) {
			s.WriteString(s.T("call.locked") + "\r\n")
			return nil
		}
		if err == nil && !u.Accessible && startPlain(s) {
			writeLine(s, s.T("login.plain_start_ssh"))
		}
	} else {
		u, err = b.loginInTime(ctx, s)
	}
	if err == nil {
		var c *Call
		if c, err = b.startCall(ctx, s, u); err == nil {
			// Pages and letters travel on the bus to the caller's own topic.
			defer s.Inbox().WatchNotices(b.cfg.Events, events.UserTopic(store.HandleKey(u.Handle)))()
			err = b.mainMenu(ctx, c)
		}
	}
	if store.Unavailable(err) && ctx.Err() == nil {
		if !s.Accessible() {
			s.WriteString(ui.Reset)
		}
		s.WriteString("\r\n\r\n" + s.T("call.database_away") + "\r\n")
	}
	return ignoreLogoff(err)
}

// errLoginTime ends a call that took too long to log in.
var errLoginTime = fmt.Errorf("%w: login timed out", ErrLogoff)

// loginInTime runs the login screen (and the application from it) for at
// most LoginTimeout, so that a caller cannot hold a node at the login
// prompt, typing now and then to keep it from going idle.
//
// The limit is the session's deadline, not a context's: thousands of
// callers may rest at the login screen, and a context with a deadline
// would hold a timer and a cancellation tree for each.
func (b *Board) loginInTime(ctx context.Context, s *session.Session) (*store.User, error) {
	deadline := time.Now().Add(b.cfg.LoginTimeout)
	s.SetDeadline(deadline, errLoginTime)
	defer s.SetDeadline(time.Time{}, nil)
	u, err := b.login(ctx, s)
	if err != nil && ctx.Err() == nil && (errors.Is(err, errLoginTime) || !time.Now().Before(deadline)) {
		clearScreen(s)
		s.WriteString("\r\n" + b.themeFor(s).Strings.LoginTooSlow + "\r\n")
		return nil, errLoginTime
	}
	return u, err
}

func ignoreLogoff(err error) error {
	if errors.Is(err, ErrLogoff) {
		return nil
	}
	return err
}

// startCall records the call and makes the session the caller's.
func (b *Board) startCall(ctx context.Context, s *session.Session, u *store.User) (*Call, error) {
	if u.Accessible {
		s.SetAccessible(true) // the account's choice, whatever the login screen was
	}
	b.chooseLanguage(s, u)
	c := &Call{Session: s, Board: b, User: u, Theme: b.themeFor(s), reading: b.cfg.Community.Messages.Reading(u)}
	s.SetUser(u.Handle)
	switch u.Encoding {
	case store.EncodingUTF8, store.EncodingCP437:
		s.SetEncoding(term.Encoding(u.Encoding))
	}
	if !c.Anonymous() {
		c.previousCall = u.LastCall
		call, err := b.cfg.Store.Calls.RecordCall(ctx, u.Handle, string(s.Info().Kind), time.Now())
		if err != nil {
			return nil, err
		}
		u.Calls = call.Calls
		b.log.Info("login", "node", s.Node(), "user", u.Handle, "calls", u.Calls)
	}
	b.cfg.Events.Publish(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
	return c, nil
}

// SessionOver reports whether err means the caller is gone (or the board
// is stopping), as opposed to a screen failing: a screen returns such an
// error as it is, and reports the others.
func SessionOver(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, io.EOF) || errors.Is(err, session.ErrClosed) ||
		errors.Is(err, session.ErrIdle) || errors.Is(err, ErrLogoff) || hungUp(err)
}

// hungUp reports a connection the caller's side broke (reset, or gone
// while we wrote): a caller leaving, not a screen failing.
func hungUp(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}
