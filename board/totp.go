package board

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/qrtext"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Two-factor login on the board: the login screen's code after the
// password, and the profile's screens that turn it on and off. The rules
// (which codes pass, strikes, replay) are the account service's.

// codeFieldMax takes a recovery code with dashes and spaces to spare.
const codeFieldMax = 32

// codeRefused is a wrong code at the login screen: a failed login, which
// the screen words as a wrong code.
type codeRefused struct{ err error }

func (e codeRefused) Error() string { return e.err.Error() }
func (e codeRefused) Unwrap() error { return e.err }

// secondFactor asks a caller whose password was right for the code of
// their authenticator app, or a recovery code, below the password. A
// wrong code is returned as a codeRefused around the service's
// ErrLoginFailed or ErrBanned; Esc as ui.ErrCancel. Enter alone is no
// try: the code is asked again.
func (l *loginScreen) secondFactor(ctx context.Context, u *store.User, addr netip.Addr) (*store.User, error) {
	b, s, t := l.b, l.s, l.b.themeFor(l.s)
	row := l.password + 1
	label := func() {
		if !s.Accessible() {
			s.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + t.Label + ui.Pad(t.Strings.LoginCode, l.fieldCol()-2) + ui.Reset)
		}
		Say(s, l.message, t.Dim, t.Strings.LoginCodeHelp)
	}
	label()
	var code string
	for strings.TrimSpace(code) == "" {
		f := &ui.Field{Row: row, Col: l.fieldCol(), Max: codeFieldMax, Width: 20, Style: t.Bar, Prompt: t.Strings.LoginCode + " "}
		f.Relayout = func() (int, int) {
			l.draw()
			row = l.password + 1
			label()
			return row, l.fieldCol()
		}
		var err error
		if code, err = f.Read(ctx, s); err != nil {
			return nil, err
		}
	}
	fresh, err := b.cfg.Accounts.LoginSecondFactor(ctx, u.Handle, code, addr)
	if errors.Is(err, account.ErrLoginFailed) || errors.Is(err, account.ErrBanned) {
		return nil, codeRefused{err}
	}
	return fresh, err
}

// twoFactor is the profile's two-factor login: turning it on, or, when
// it is on, off or new recovery codes.
func twoFactor(ctx context.Context, c *Call) (string, string, error) {
	if !account.HasTOTP(c.User) {
		return enrolTOTP(ctx, c)
	}
	msg, msgStyle := "", ""
	var top int
	draw := func() {
		top = c.Header("profile", 4)
		c.Say(top, c.Theme.Title, c.T("totp.on_title"))
		c.Say(top+1, c.Theme.Text, c.N("totp.left", len(c.User.TOTP.Recovery)))
		c.Say(top+3, "", c.KeyHelp("d", c.T("totp.key_off"), "r", c.T("totp.key_new_codes"), "q", c.Theme.Strings.Back))
		if msg != "" {
			c.Say(top+5, msgStyle, msg)
		}
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return "", "", err
		}
		switch {
		case IsQuit(k):
			return "", "", nil
		case k.Code == term.KeyRune && k.Rune == 'd':
			msg, msgStyle, err = disableTOTP(ctx, c, top+5, draw)
			if err != nil || !account.HasTOTP(c.User) {
				return msg, msgStyle, err
			}
		case k.Code == term.KeyRune && k.Rune == 'r':
			code, err := c.Ask(ctx, top+5, c.T("totp.ask_code")+" ", &ui.Field{Max: codeFieldMax, Width: 20}, draw)
			if err != nil {
				if err := ignoreCancel(err); err != nil {
					return "", "", err
				}
				break
			}
			if strings.TrimSpace(code) == "" { // Enter alone: no try
				msg = ""
				break
			}
			codes, err := c.Board.cfg.Accounts.RegenerateRecovery(ctx, c.User.Handle, code, addrOf(c.Info().RemoteAddr))
			switch {
			case errors.Is(err, account.ErrWrongCode):
				msg, msgStyle = c.T("totp.wrong_code"), c.Theme.Error
			case errors.Is(err, account.ErrTOTPOff): // a sysop removed it meanwhile
				return c.T("totp.off"), c.Theme.Text, c.refreshUser(ctx)
			case err != nil:
				return "", "", c.changed(nil, err)
			default:
				if err := showRecoveryCodes(ctx, c, c.T("totp.new_codes_title"), codes); err != nil {
					return "", "", err
				}
				if err := c.refreshUser(ctx); err != nil {
					return "", "", err
				}
				msg, msgStyle = c.T("totp.new_codes_made"), c.Theme.OK
			}
		default:
			continue
		}
		draw()
	}
}

// disableTOTP asks for the password and a code, and turns two-factor
// login off.
func disableTOTP(ctx context.Context, c *Call, row int, redraw func()) (string, string, error) {
	// The labels' widths as in English, or wider for longer labels.
	pwLabel, codeLabel := c.T("totp.password"), c.T("totp.code_or_recovery")
	password, err := c.Ask(ctx, row, ui.Pad(pwLabel, max(20, ui.Width(pwLabel)+1)), &ui.Field{Max: passwordFieldMax, Width: 32, Mask: '*'}, redraw)
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	code, err := c.Ask(ctx, row, ui.Pad(codeLabel, max(24, ui.Width(codeLabel)+1)), &ui.Field{Max: codeFieldMax, Width: 20}, redraw)
	if err != nil || strings.TrimSpace(code) == "" { // Enter alone: no try
		return "", "", ignoreCancel(err)
	}
	u, err := c.Board.cfg.Accounts.DisableTOTP(ctx, c.User.Handle, password, code, addrOf(c.Info().RemoteAddr))
	switch {
	case errors.Is(err, account.ErrWrongPassword):
		return c.T("totp.wrong_password"), c.Theme.Error, nil
	case errors.Is(err, account.ErrWrongCode):
		return c.T("totp.wrong_code"), c.Theme.Error, nil
	case errors.Is(err, account.ErrTOTPOff):
		return c.T("totp.off"), c.Theme.OK, c.refreshUser(ctx)
	}
	if err := c.changed(u, err); err != nil {
		return "", "", err
	}
	return c.T("totp.off"), c.Theme.OK, nil
}

// qrStyle draws a QR code's light modules bright white on black: dark
// on light, as cameras read it, on a dark or a light terminal.
const qrStyle = "\x1b[0;1;37;40m"

// enrolTextWidth is the widest line of the enrolment's text, which
// stands beside the QR code: a code of 45 columns (a long board name
// and handle) and the text fit 80 columns.
const enrolTextWidth = 32

// enrolTOTP turns two-factor login on: it shows a fresh secret as text
// and as a QR code, asks for a code from the app to confirm, then shows
// the recovery codes once.
func enrolTOTP(ctx context.Context, c *Call) (string, string, error) {
	accounts := c.Board.cfg.Accounts
	e, err := accounts.NewTOTP(ctx, c.User.Handle)
	if errors.Is(err, account.ErrTOTPOn) {
		return c.T("totp.on_already"), c.Theme.Error, c.refreshUser(ctx)
	}
	if err != nil {
		return "", "", c.changed(nil, err)
	}
	var qr []string
	var qrCols, qrRows int
	if m, err := qrtext.Encode(e.URL); err == nil {
		qr = qrtext.Lines(m)
		qrCols, qrRows = qrtext.Size(len(m))
	}
	groups := strings.Fields(account.GroupSecret(e.Secret))
	half := (len(groups) + 1) / 2
	msg, msgStyle := "", ""
	var codeRow, col int
	draw := func() {
		if c.Accessible() {
			c.Clear()
			c.Lines(c.T("totp.title"), c.T("totp.plain_add"), strings.Join(groups, " "), c.T("totp.plain_then"))
			if msg != "" {
				c.Line(msg)
			}
			return
		}
		sz := c.Size()
		c.WriteString(ui.ClearScreen)
		withQR := qr != nil && !c.Accessible() && sz.Rows >= qrRows && sz.Cols >= qrCols+1+enrolTextWidth
		col = 2
		if withQR {
			for i, l := range qr {
				c.WriteString(ui.MoveTo(1+i, 1) + qrStyle + l + ui.Reset)
			}
			col = qrCols + 2
		}
		// The messages' lines as the catalog breaks them; beside the QR
		// code, a line too long for its column is wrapped.
		text := func(style, msg string) []string {
			var out []string
			for _, l := range strings.Split(msg, "\n") {
				if withQR {
					for _, w := range ui.Wrap(l, enrolTextWidth) {
						out = append(out, style+w)
					}
				} else {
					out = append(out, style+l)
				}
			}
			return out
		}
		lines := append(text(c.Theme.Title, c.T("totp.title")), "")
		if withQR {
			lines = append(lines, text(c.Theme.Text, c.T("totp.scan"))...)
		} else {
			lines = append(lines, text(c.Theme.Text, c.T("totp.add_entry"))...)
			hint := ""
			if qr != nil && !c.Accessible() {
				hint = c.Theme.Dim + c.T("totp.qr_window", "size", fmt.Sprintf("%d×%d", qrCols+1+enrolTextWidth, qrRows))
			}
			lines = append(lines, hint)
		}
		lines = append(lines, "",
			c.Theme.Value+"  "+strings.Join(groups[:half], " "),
			c.Theme.Value+"  "+strings.Join(groups[half:], " "),
			"")
		lines = append(lines, text(c.Theme.Text, c.T("totp.then_type"))...)
		for i, l := range lines {
			c.WriteString(ui.MoveTo(1+i, col) + ui.Truncate(l, sz.Cols-col) + ui.Reset)
		}
		codeRow = len(lines) + 2
		c.WriteString(ui.MoveTo(codeRow+3, col) + c.Theme.Dim + ui.Truncate(c.T("totp.esc_off"), sz.Cols-col) + ui.Reset)
		if msg != "" {
			c.WriteString(ui.MoveTo(codeRow+1, col) + msgStyle + ui.Truncate(msg, sz.Cols-col) + ui.Reset)
		}
	}
	draw()
	for {
		codeLabel := c.T("totp.code") + " "
		f := &ui.Field{Max: codeFieldMax, Width: 10, Style: c.Theme.Bar, Prompt: codeLabel}
		place := func() (int, int) {
			if c.Accessible() {
				return 0, 0
			}
			c.WriteString(ui.MoveTo(codeRow, col) + ui.ClearEOL + c.Theme.Label + codeLabel + ui.Reset)
			return codeRow, col + ui.Width(codeLabel)
		}
		f.Row, f.Col = place()
		f.Relayout = func() (int, int) { draw(); return place() }
		code, err := f.Read(ctx, c.Session)
		if errors.Is(err, ui.ErrCancel) {
			return c.T("totp.stays_off"), c.Theme.Text, nil
		}
		if err != nil {
			return "", "", err
		}
		if strings.TrimSpace(code) == "" { // Enter alone: asked again
			continue
		}
		codes, err := accounts.EnableTOTP(ctx, c.User.Handle, e.Secret, code)
		switch {
		case errors.Is(err, account.ErrWrongCode):
			msg, msgStyle = c.T("totp.wrong_code"), c.Theme.Error
			draw()
			continue
		case errors.Is(err, account.ErrTOTPOn):
			return c.T("totp.on_already"), c.Theme.Error, c.refreshUser(ctx)
		case err != nil:
			return "", "", c.changed(nil, err)
		}
		if err := showRecoveryCodes(ctx, c, c.T("totp.on_title"), codes); err != nil {
			return "", "", err
		}
		if err := c.refreshUser(ctx); err != nil {
			return "", "", err
		}
		return c.T("totp.on"), c.Theme.OK, nil
	}
}

// showRecoveryCodes shows recovery codes, this once, until a key.
func showRecoveryCodes(ctx context.Context, c *Call, title string, codes []string) error {
	draw := func() {
		top := c.Header("profile", 4)
		sz := c.Size()
		c.Say(top, c.Theme.OK, title)
		row := top + 2
		for _, l := range ui.Wrap(c.T("totp.recovery_about"), sz.Cols-4) {
			c.Say(row, c.Theme.Text, l)
			row++
		}
		row++
		if c.Accessible() {
			c.Lines(codes...)
			c.Line(c.T("totp.recovery_enter"))
			return
		}
		perColumn := (len(codes) + 1) / 2
		if sz.Cols < 60 {
			perColumn = len(codes) // one column
		}
		for i, code := range codes {
			r, cl := row+i%perColumn, 4+(i/perColumn)*28
			c.WriteString(ui.MoveTo(r, cl) + c.Theme.Key + fmt.Sprintf("%2d. ", i+1) + c.Theme.Value + code + ui.Reset)
		}
		c.Say(row+perColumn+1, c.Theme.Text, c.T("totp.recovery_key"))
	}
	draw()
	return c.AnyKey(ctx, draw)
}

// twoFactorState is the user editor's value for two-factor login, in the
// caller's language.
func (c *Call) twoFactorState(u *store.User) string {
	if account.HasTOTP(u) {
		return c.N("totp.state_on", len(u.TOTP.Recovery))
	}
	return c.T("totp.state_off")
}

// removeTOTP is the sysop's removal of a user's second factor, for a
// user who lost their phone and their recovery codes.
func removeTOTP(ctx context.Context, c *Call, u *store.User, row int) (*store.User, error) {
	if !account.HasTOTP(u) {
		return nil, nil
	}
	sure, err := c.Confirm(ctx, row, c.T("totp.remove_ask", "handle", clean(u.Handle)))
	if err != nil || !sure {
		return nil, err
	}
	fresh, err := c.Board.cfg.Accounts.RemoveTOTP(ctx, u.Handle)
	if errors.Is(err, account.ErrTOTPOff) {
		return c.Board.cfg.Accounts.User(ctx, u.Handle)
	}
	return fresh, err
}
