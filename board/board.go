package board

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/rlogin"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Passwords hashes and checks passwords (x84 uses argon2id).
type Passwords interface {
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches hash, and whether the hash
	// should be replaced by a fresh one (older scheme or parameters).
	Verify(ctx context.Context, hash, password string) (ok, rehash bool, err error)
}

// Rules checks account fields against the board's rules. An error that
// has a UserMessage() string method is shown to the caller by that text.
type Rules interface {
	CheckHandle(handle string) error
	CheckPassword(password string) error
	CheckRealName(name string) error
	CheckLocation(location string) error
	CheckEmail(email string) error
}

// LoginBan counts failed logins per address.
type LoginBan interface {
	// Failed records a failed login and reports whether the address is
	// now banned.
	Failed(ctx context.Context, addr netip.Addr) (banned bool, err error)
}

// Settings are the board's tunable values; the zero value of each means
// its default.
type Settings struct {
	// Name is the BBS's name. Default "x84".
	Name string
	// MaxLoginAttempts is how many wrong passwords end a call. Default 3.
	MaxLoginAttempts int
	// LoginTimeout is how long a caller has to log in, or to apply for
	// an account, before the call ends. Default 5 minutes.
	LoginTimeout time.Duration
	// AllowAnonymous lets callers in as "anonymous" without an account.
	AllowAnonymous bool
	// OnelinerCount is how many one-liners the wall shows. Default 20.
	OnelinerCount int
	// OnelinerLength is the longest one-liner. Default 60.
	OnelinerLength int
	// OnelinerInterval is how long a caller waits between one-liners.
	// Default one minute; negative means no wait.
	OnelinerInterval time.Duration
	// LastCallers is how many calls the last callers screen shows.
	// Default 20.
	LastCallers int
	// Areas are the public message areas' tags. Default "general", "x84".
	Areas []string
}

func (s *Settings) defaults() {
	if s.Name == "" {
		s.Name = "x84"
	}
	defaults.Positive(&s.LoginTimeout, 5*time.Minute)
	defaults.Positive(&s.MaxLoginAttempts, 3)
	defaults.Positive(&s.OnelinerCount, 20)
	defaults.Positive(&s.OnelinerLength, 60)
	if s.OnelinerInterval == 0 {
		s.OnelinerInterval = time.Minute
	}
	defaults.Positive(&s.LastCallers, 20)
	if len(s.Areas) == 0 {
		s.Areas = []string{"general", "x84"}
	}
}

// Board is the default board. Build one with New, add your own screens to
// its Menu, and serve it: it is a session.Handler.
type Board struct {
	Settings
	Store     *store.Store
	Art       *art.Library
	Sessions  *session.Registry
	Events    events.Bus
	Passwords Passwords
	Rules     Rules
	// Ban counts failed logins; nil counts nothing.
	Ban LoginBan
	// Menu holds the main menu's entries; add yours with Menu.Add.
	Menu *Menu
	Log  *slog.Logger
	// OnLogin, if non-nil, hears of every password checked at the login
	// screen, and OnBan of every address banned by failed logins (for
	// metrics).
	OnLogin func(ok bool)
	OnBan   func()

	dummyOnce sync.Once
	dummyHash string
	chat      chatHub
}

// New returns the default board with its standard menu. Store, Art,
// Sessions, Events, Passwords and Rules are required.
func New(settings Settings, st *store.Store, lib *art.Library, reg *session.Registry, bus events.Bus, pw Passwords, rules Rules) *Board {
	settings.defaults()
	b := &Board{
		Settings:  settings,
		Store:     st,
		Art:       lib,
		Sessions:  reg,
		Events:    bus,
		Passwords: pw,
		Rules:     rules,
		Menu:      &Menu{},
		Log:       slog.New(slog.DiscardHandler),
	}
	b.Menu.addStandard()
	return b
}

// Call is one caller's visit, as screens see it: the session and the
// account logged in.
type Call struct {
	*session.Session
	Board *Board
	// User is the caller's account; for an anonymous caller it is not
	// stored and its ID is 0.
	User *store.User

	lastPage time.Time // when this caller last paged someone
	// previousCall is when the caller called before this call (zero on
	// the first); User.LastCall is this call once the account is re-read.
	previousCall time.Time
	// Unread counts for the main menu, counted once a visit.
	newMessages, newLetters int
	newErr                  error
	reading                 map[string]*readState // by area
}

// errAccountGone ends the call of a user whose account was deleted or
// locked while they were on; it is a logoff, not a failure.
var errAccountGone = fmt.Errorf("%w: the account was deleted or locked", ErrLogoff)

// accountGone tells the caller, and ends the call.
func (c *Call) accountGone() error {
	c.WriteString(ui.ClearScreen + "\r\nYour account is no longer available. Goodbye.\r\n")
	return errAccountGone
}

// refreshUser reads the caller's account again. A deleted or locked
// account ends the call, with a line saying so.
func (c *Call) refreshUser(ctx context.Context) error {
	if c.Anonymous() {
		return nil
	}
	u, err := c.Board.Store.Users.User(ctx, c.User.Handle)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && (u.ID != c.User.ID || u.InGroup(store.GroupLocked)):
		return c.accountGone()
	case err != nil:
		return err
	}
	*c.User = *u
	return nil
}

// changeUser changes fields of the caller's account, atomically (see
// store.Users.ModifyUser), and keeps c.User up to date.
func (c *Call) changeUser(ctx context.Context, set func(*store.User)) error {
	u, err := c.Board.Store.Users.ModifyUser(ctx, c.User.ID, func(u *store.User) error {
		set(u)
		return nil
	})
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
	s.SetActivity("logging in")
	// Broadcasts reach every session, shown once the caller is in.
	defer s.WatchNotices(b.Events, events.TopicBroadcast)()
	// rlogin clients handle ^S/^Q themselves until told otherwise; the
	// board wants every key.
	s.Urgent(rlogin.ControlRaw)
	var u *store.User
	var err error
	if name, verified := s.OfferedUser(); verified {
		// The protocol authenticated the caller (ssh): no second login.
		u, err = b.Store.Users.User(ctx, name)
		if err == nil && u.InGroup(store.GroupLocked) {
			s.WriteString("This account is locked; ask the sysop.\r\n")
			return nil
		}
	} else {
		u, err = b.loginInTime(ctx, s)
	}
	if err != nil {
		return ignoreLogoff(err)
	}
	c, err := b.startCall(ctx, s, u)
	if err != nil {
		return err
	}
	// Pages and letters travel on the bus to the caller's own topic.
	defer s.WatchNotices(b.Events, events.UserTopic(store.HandleKey(u.Handle)))()
	return ignoreLogoff(b.mainMenu(ctx, c))
}

// errLoginTime ends a call that took too long to log in.
var errLoginTime = fmt.Errorf("%w: login timed out", ErrLogoff)

// loginInTime runs the login screen (and the application from it) for at
// most LoginTimeout, so that a caller cannot hold a node at the login
// prompt, typing now and then to keep it from going idle.
func (b *Board) loginInTime(ctx context.Context, s *session.Session) (*store.User, error) {
	lctx, cancel := context.WithTimeoutCause(ctx, b.LoginTimeout, errLoginTime)
	defer cancel()
	u, err := b.login(lctx, s)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(lctx), errLoginTime) {
		s.WriteString(ui.ClearScreen + "\r\nYou took too long to log in. Goodbye.\r\n")
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
	c := &Call{Session: s, Board: b, User: u}
	s.SetUser(u.Handle)
	switch u.Encoding {
	case store.EncodingUTF8, store.EncodingCP437:
		s.SetEncoding(term.Encoding(u.Encoding))
	}
	if !c.Anonymous() {
		c.previousCall = u.LastCall
		call, err := b.Store.Calls.RecordCall(ctx, u.Handle, string(s.Kind()), time.Now())
		if err != nil {
			return nil, err
		}
		u.Calls = call.Calls
		b.Log.Info("login", "node", s.Node(), "user", u.Handle, "calls", u.Calls)
	}
	b.Events.Publish(events.Event{Topic: events.TopicPresence})
	return c, nil
}

// sessionOver reports whether err means the caller is gone (or the board
// is stopping), as opposed to a screen failing.
func sessionOver(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, io.EOF) || errors.Is(err, session.ErrClosed) ||
		errors.Is(err, session.ErrIdle) || errors.Is(err, ErrLogoff)
}
