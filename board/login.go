package board

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/ui"
)

// Words callers may type at the login prompt instead of a handle.
var (
	newWords  = []string{"new", "apply"}
	byeWords  = []string{"bye", "logoff", "logout", "quit", "exit", "g"}
	anonWords = []string{"anonymous", "guest"}
)

// failDelay is the pause after a failed login, the same whether the
// handle exists or not, so that guessing is slow and says nothing.
const failDelay = 700 * time.Millisecond

// Login errors.
var (
	// ErrLoginFailed means no such handle or a wrong password (callers are
	// not told which).
	ErrLoginFailed = errors.New("board: login failed")
	// ErrBanned means the failure just banned the caller's address.
	ErrBanned = errors.New("board: address banned after failed logins")
	// ErrLocked means the password was right but a sysop locked the
	// account.
	ErrLocked = errors.New("board: this account is locked")
)

// Login checks a handle and password from addr, as the login screen does
// and the web API's basic authentication: the same time for an unknown
// handle as for a wrong password, a pause after a failure, the failure
// counted toward the address's ban, and a stored hash brought up to date
// after a success.
func (b *Board) Login(ctx context.Context, handle, password string, addr netip.Addr) (*store.User, error) {
	u, err := b.authenticate(ctx, handle, password)
	if err != nil {
		return nil, err
	}
	if b.OnLogin != nil {
		b.OnLogin(u != nil)
	}
	if u != nil {
		if u.InGroup(store.GroupLocked) {
			return nil, ErrLocked
		}
		return u, nil
	}
	if err := sleep(ctx, failDelay); err != nil {
		return nil, err
	}
	if b.Ban != nil && addr.IsValid() {
		banned, err := b.Ban.Failed(ctx, addr)
		if err != nil {
			b.Log.Error("recording a failed login", "err", err)
		}
		if banned {
			if b.OnBan != nil {
				b.OnBan()
			}
			return nil, ErrBanned
		}
	}
	return nil, ErrLoginFailed
}

// loginScreen is the login screen's layout and its last message.
type loginScreen struct {
	b        *Board
	s        *session.Session
	msg      string
	msgStyle string
	handle   int // rows of the fields and the message
	password int
	message  int
	typed    string // the handle, while the password is asked for
}

func (l *loginScreen) draw() {
	s, b := l.s, l.b
	row := b.header(s, "login", 12)
	sz := s.Size()
	lines := []string{
		fmt.Sprintf("%s:: %sConnected to %s%s%s, node %d.", styleLabel, styleText, styleValue, clean(b.Name), styleText, s.Node()),
		styleText + "Log in with your handle. New here? Type " + styleKey + "new" + styleText + " to apply for an account.",
	}
	if b.AllowAnonymous {
		lines = append(lines, styleText+"Just looking around? Log in as "+styleKey+"anonymous"+styleText+".")
	}
	// Keep the prompts on screen on a short window.
	row = min(row, max(1, sz.Rows-len(lines)-5))
	for i, line := range lines {
		s.WriteString(ui.MoveTo(row+i, 2) + ui.ClearEOL + ui.Truncate(line, sz.Cols-2) + ui.Reset)
	}
	row += len(lines) + 1
	l.handle, l.password, l.message = row, row+1, row+3
	s.WriteString(ui.MoveTo(l.handle, 2) + styleLabel + "Handle:   " + ui.Reset + styleValue + ui.Truncate(l.typed, 24) + ui.Reset)
	s.WriteString(ui.MoveTo(l.password, 2) + styleLabel + "Password: " + ui.Reset)
	if l.msg != "" {
		say(s, l.message, l.msgStyle, l.msg)
	}
}

// login runs the login screen until someone logs in or the call ends.
func (b *Board) login(ctx context.Context, s *session.Session) (*store.User, error) {
	l := &loginScreen{b: b, s: s}
	addr := addrOf(s.RemoteAddr())
	failures := 0
	// A name the caller gave its protocol (rlogin, ssh) is taken as typed
	// at the first prompt: one of the words ("new") acts at once, and a
	// handle goes straight on to the password (which the caller types
	// next without looking); Esc there asks for another handle.
	offered, _ := s.OfferedUser()
	offered = strings.TrimSpace(clean(offered))
	if slices.Contains(byeWords, strings.ToLower(offered)) {
		offered = "" // a name, not a wish to leave before arriving
	}
	isWord := func(s string) bool {
		w := strings.ToLower(s)
		return slices.Contains(newWords, w) || b.AllowAnonymous && slices.Contains(anonWords, w)
	}
	if offered != "" && !isWord(offered) {
		l.msg, l.msgStyle = "Press Esc to log in with another handle.", styleDim
	}
	for {
		l.typed = ""
		if !isWord(offered) {
			l.typed = offered
		}
		l.draw()
		var handle string
		var err error
		if offered != "" {
			handle = offered
		} else {
			handle, err = l.field(l.handle, 24, 0).Read(ctx, s)
		}
		offered = ""
		if errors.Is(err, ui.ErrCancel) {
			continue
		}
		if err != nil {
			return nil, err
		}
		handle = strings.TrimSpace(handle)
		l.typed = handle
		word := strings.ToLower(handle)
		switch {
		case handle == "":
			continue
		case slices.Contains(newWords, word):
			u, err := b.apply(ctx, s)
			if errors.Is(err, ui.ErrCancel) {
				l.msg = ""
				continue
			}
			return u, err
		case slices.Contains(byeWords, word):
			s.WriteString(ui.MoveTo(l.message, 2) + ui.ClearEOL + styleText + "Goodbye!" + ui.Reset + "\r\n")
			return nil, ErrLogoff
		case b.AllowAnonymous && slices.Contains(anonWords, word):
			return &store.User{Handle: "anonymous", Encoding: store.EncodingAuto}, nil
		}
		password, err := l.passwordField().Read(ctx, s)
		if errors.Is(err, ui.ErrCancel) {
			l.msg = ""
			continue
		}
		if err != nil {
			return nil, err
		}
		u, err := b.Login(ctx, handle, password, addr)
		if err == nil {
			return u, nil
		}
		if errors.Is(err, ErrLocked) {
			say(s, l.message, styleError, "This account is locked; ask the sysop.")
			s.WriteString("\r\n")
			return nil, ErrLogoff
		}
		if !errors.Is(err, ErrLoginFailed) && !errors.Is(err, ErrBanned) {
			return nil, err
		}
		failures++
		b.Log.Info("login failed", "node", s.Node(), "handle", clean(handle), "remote", s.RemoteAddr(), "failures", failures)
		if errors.Is(err, ErrBanned) {
			say(s, l.message, styleError, "Too many failed logins from your address; it is banned for a while.")
			s.WriteString("\r\n")
			return nil, err
		}
		if failures >= b.MaxLoginAttempts {
			say(s, l.message, styleError, "Too many failed logins. Goodbye.")
			s.WriteString("\r\n")
			return nil, ErrLogoff
		}
		l.msg, l.msgStyle = "Login failed: no such handle, or a wrong password.", styleError
	}
}

// passwordFieldMax is the most characters a password field takes: more
// than any password the rules allow (128 by default), so that whatever
// was set from the shell can be typed; the field scrolls.
const passwordFieldMax = 1024

// passwordField is the login screen's password field.
func (l *loginScreen) passwordField() *ui.Field {
	f := l.field(l.password, 24, '*')
	f.Max = passwordFieldMax
	return f
}

// field returns a login field on a row; it follows the screen through
// resizes.
func (l *loginScreen) field(row, width int, mask rune) *ui.Field {
	f := &ui.Field{Row: row, Col: 12, Max: width, Width: width, Mask: mask}
	f.Relayout = func() (int, int) {
		l.draw()
		if mask != 0 {
			return l.password, 12
		}
		return l.handle, 12
	}
	return f
}

// authenticate returns the account if password is right, nil if not.
// An unknown handle costs the same hashing as a known one.
func (b *Board) authenticate(ctx context.Context, handle, password string) (*store.User, error) {
	u, err := b.Store.Users.User(ctx, handle)
	if errors.Is(err, store.ErrNotFound) {
		b.Passwords.Verify(ctx, b.dummy(), password)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ok, rehash, err := b.Passwords.Verify(ctx, u.Password, password)
	if err != nil {
		b.Log.Error("checking a password", "user", u.Handle, "err", err)
		return nil, nil
	}
	if !ok {
		return nil, nil
	}
	if rehash {
		if fresh, err := store.Rehash(ctx, b.Store.Users, u, password, b.Passwords.Hash); err != nil {
			b.Log.Error("storing a rehashed password", "user", u.Handle, "err", err)
		} else {
			u = fresh
		}
	}
	return u, nil
}

// dummy returns a hash of a random password, checked against for unknown
// handles so that they take as long as known ones.
func (b *Board) dummy() string {
	b.dummyOnce.Do(func() {
		b.dummyHash, _ = b.Passwords.Hash(context.Background(), rand.Text())
	})
	return b.dummyHash
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// addrOf returns the IP address of "host:port".
func addrOf(hostport string) netip.Addr {
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
