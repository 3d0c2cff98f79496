package board

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/ui"
)

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
	// failures counts the call's wrong passwords, second-factor codes
	// and reset codes (reset.go) together: MaxLoginAttempts of them end
	// the call.
	failures int
	// introduced: accessible mode said the screen's lines already.
	introduced bool
	// startedPlain: the call started on plain screens (startPlain), which
	// the screen's first line says.
	startedPlain bool
}

func (l *loginScreen) draw() {
	s, b, t := l.s, l.b, l.b.themeFor(l.s)
	if s.Accessible() {
		l.drawPlain()
		return
	}
	row := b.header(s, t, "login", 12)
	sz := s.Size()
	lines := []string{
		t.Label + ":: " + t.Text + fill(t.Strings.LoginConnected,
			"board", t.Value+clean(b.cfg.Name)+t.Text, "node", strconv.Itoa(s.Node())),
		t.Text + fill(t.Strings.LoginHelp, "new", t.Key+"new"+t.Text),
	}
	if b.cfg.Accounts.AllowAnonymous() {
		lines = append(lines, t.Text+fill(t.Strings.LoginAnonymous, "anonymous", t.Key+"anonymous"+t.Text))
	}
	if b.cfg.Accounts.ResetOffered() {
		lines = append(lines, t.Text+fill(t.Strings.LoginForgot, "forgot", t.Key+"forgot"+t.Text))
	}
	lines = append(lines, t.Text+fill(t.Strings.LoginAccessible, "a", t.Key+"a"+t.Text))
	// Keep the prompts on screen on a short window.
	row = min(row, max(1, sz.Rows-len(lines)-5))
	for i, line := range lines {
		s.WriteString(ui.MoveTo(row+i, 2) + ui.ClearEOL + ui.Truncate(line, sz.Cols-2) + ui.Reset)
	}
	row += len(lines) + 1
	l.handle, l.password, l.message = row, row+1, row+3
	w := l.fieldCol() - 2
	s.WriteString(ui.MoveTo(l.handle, 2) + t.Label + ui.Pad(t.Strings.LoginHandle, w) + ui.Reset + t.Value + ui.Truncate(l.typed, 24) + ui.Reset)
	s.WriteString(ui.MoveTo(l.password, 2) + t.Label + ui.Pad(t.Strings.LoginPassword, w) + ui.Reset)
	if l.msg != "" {
		Say(s, l.message, l.msgStyle, l.msg)
	}
}

// login runs the login screen until someone logs in or the call ends.
func (b *Board) login(ctx context.Context, s *session.Session) (*store.User, error) {
	accounts := b.cfg.Accounts
	l := &loginScreen{b: b, s: s, startedPlain: startPlain(s)}
	addr := addrOf(s.Info().RemoteAddr)
	// A name the caller gave its protocol (rlogin, ssh) is taken as typed
	// at the first prompt: one of the words ("new") acts at once, and a
	// handle goes straight on to the password (which the caller types
	// next without looking); Esc there asks for another handle.
	offered := strings.TrimSpace(clean(s.Info().User))
	if accounts.Intent(offered) == account.IntentLeave {
		offered = "" // a name, not a wish to leave before arriving
	}
	isWord := func(s string) bool { return accounts.Intent(s) != account.IntentLogin }
	if offered != "" && !isWord(offered) {
		l.msg, l.msgStyle = l.b.themeFor(l.s).Strings.LoginOtherHandle, l.b.themeFor(l.s).Dim
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
			handle, err = l.handleField().Read(ctx, s)
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
		switch intent := accounts.Intent(handle); {
		case handle == "":
			continue
		case intent == account.IntentApply:
			u, err := b.apply(ctx, s)
			if errors.Is(err, ui.ErrCancel) {
				l.msg = ""
				continue
			}
			return u, err
		case intent == account.IntentLeave:
			Say(s, l.message, l.b.themeFor(l.s).Text, l.b.themeFor(l.s).Strings.LoginLeave)
			s.WriteString("\r\n")
			return nil, ErrLogoff
		case intent == account.IntentAccessible:
			l.switchPlain()
			continue
		case intent == account.IntentGuest:
			return account.Guest(), nil
		}
		var password string
		if accounts.Intent(handle) == account.IntentReset {
			// A password set with a mailed code logs in as any would.
			handle, password, err = l.forgot(ctx, addr)
		} else if password, err = l.passwordField().Read(ctx, s); errors.Is(err, ui.ErrCancel) {
			l.msg = ""
		}
		if errors.Is(err, ui.ErrCancel) {
			continue
		}
		if err != nil {
			return nil, err
		}
		u, err := accounts.Login(ctx, handle, password, addr)
		if err == nil && account.HasTOTP(u) {
			u, err = l.secondFactor(ctx, u, addr)
			if errors.Is(err, ui.ErrCancel) {
				l.msg = ""
				continue
			}
		}
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, account.ErrLoginFailed) && !errors.Is(err, account.ErrBanned) {
			return nil, err
		}
		l.failures++
		b.log.Info("login failed", "node", s.Node(), "handle", clean(handle), "remote", addr.String(), "failures", l.failures)
		if errors.Is(err, account.ErrBanned) {
			Say(s, l.message, l.b.themeFor(l.s).Error, l.s.T("login.banned"))
			s.WriteString("\r\n")
			return nil, err
		}
		if l.failures >= b.cfg.MaxLoginAttempts {
			Say(s, l.message, l.b.themeFor(l.s).Error, l.b.themeFor(l.s).Strings.LoginTooMany)
			s.WriteString("\r\n")
			return nil, ErrLogoff
		}
		l.msg, l.msgStyle = l.b.themeFor(l.s).Strings.LoginFailed, l.b.themeFor(l.s).Error
		if errors.As(err, new(codeRefused)) {
			l.msg = l.b.themeFor(l.s).Strings.LoginCodeWrong
		}
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

// fieldCol is the column of the fields, after the longer label and a
// space (12 with the default theme's "Handle:" and "Password:").
func (l *loginScreen) fieldCol() int {
	ss := l.b.themeFor(l.s).Strings
	return 2 + min(max(ui.Width(ss.LoginHandle), ui.Width(ss.LoginPassword))+1, maxLoginLabel)
}

// maxLoginLabel bounds the cells of the login labels, which a theme sets,
// so that the fields stay on an 80-column screen.
const maxLoginLabel = 30

// field returns a login field on a row; it follows the screen through
// resizes.
func (l *loginScreen) field(row, width int, mask rune) *ui.Field {
	f := &ui.Field{Row: row, Col: l.fieldCol(), Max: width, Width: width, Mask: mask, Style: l.b.themeFor(l.s).Bar,
		Prompt: l.b.themeFor(l.s).Strings.LoginHandle + " "}
	if mask != 0 {
		f.Prompt = l.b.themeFor(l.s).Strings.LoginPassword + " "
	}
	f.Relayout = func() (int, int) {
		l.draw()
		if mask != 0 {
			return l.password, l.fieldCol()
		}
		return l.handle, l.fieldCol()
	}
	return f
}

// addrOf returns the IP address of a caller's network address; an
// invalid one for a caller not on IP.
func addrOf(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	if a == nil {
		return netip.Addr{}
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
