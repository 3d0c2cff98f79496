package board_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/x84bbs/x84/internal/qrtext"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// totpClock is the account service's clock in these tests: it stands
// still unless a test moves it, so that no 30-second step passes between
// a code made and the same code checked (a code of the step before may
// be one not used yet, and pass).
type totpClock struct{ unix atomic.Int64 }

// newTOTPFixture is a board whose account service runs on a totpClock,
// 10 s into a step.
func newTOTPFixture(t *testing.T, set settings) (*fixture, *totpClock) {
	t.Helper()
	clk := &totpClock{}
	clk.unix.Store(time.Date(2024, 5, 1, 12, 0, 10, 0, time.UTC).Unix())
	set.Now = clk.Now
	return newFixture(t, set), clk
}

func (c *totpClock) Now() time.Time { return time.Unix(c.unix.Load(), 0) }

// code is the TOTP code of secret at the clock's time plus d: an
// authenticator's code.
func (c *totpClock) code(t *testing.T, secret string, d time.Duration) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, c.Now().Add(d))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// wrong returns a 6-digit code that is none of those the service takes
// at the clock's time (the steps before and after, too).
func (c *totpClock) wrong(t *testing.T, secret string) string {
	t.Helper()
	taken := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		taken[c.code(t, secret, d)] = true
	}
	for n := 0; ; n++ {
		if code := fmt.Sprintf("%06d", n); !taken[code] {
			return code
		}
	}
}

// enableTOTP turns on two-factor login for handle through the service,
// with the code of the step before the clock's, and returns the secret
// and recovery codes.
func (f *fixture) enableTOTP(clk *totpClock, handle string) (string, []string) {
	f.t.Helper()
	e, err := f.accts.NewTOTP(f.t.Context(), handle)
	if err != nil {
		f.t.Fatal(err)
	}
	recovery, err := f.accts.EnableTOTP(f.t.Context(), handle, e.Secret, clk.code(f.t, e.Secret, -30*time.Second))
	if err != nil {
		f.t.Fatal(err)
	}
	return e.Secret, recovery
}

var secretRowRE = regexp.MustCompile(`(?m)\b([A-Z2-7]{4}(?: [A-Z2-7]{4}){3})$`)

// TestTwoFactorEnrolCP437: a caller on a CP437 terminal of 80×25 turns
// two-factor login on in the profile: the QR code beside the secret is
// drawn with CP437's blocks and is the code of the otpauth URL of that
// secret; a wrong code is refused; the right one shows 10 recovery codes.
func TestTwoFactorEnrolCP437(t *testing.T) {
	f, clk := newTOTPFixture(t, settings{})
	f.addUser("pat", "password1")
	tt := f.call(80, 25, term.CP437, "192.0.2.1:1000")
	login(tt, "pat", "password1")
	tt.WaitFor("[P] Your profile")
	tt.Type("p")
	tt.WaitFor("[t] Two-factor")
	tt.Type("t")
	scr := tt.WaitFor("Then type the 6-digit code")
	rows := secretRowRE.FindAllStringSubmatch(scr, -1)
	if len(rows) != 2 {
		t.Fatalf("the secret is not shown as two rows of four groups:\n%s", scr)
	}
	secret := strings.ReplaceAll(rows[0][1]+rows[1][1], " ", "")
	want, err := qrtext.Encode("otpauth://totp/x84:pat?secret=" + secret + "&issuer=x84")
	if err != nil {
		t.Fatal(err)
	}
	cols, qrRows := qrtext.Size(len(want))
	lines := strings.Split(scr, "\n")[:qrRows]
	for i, l := range lines {
		lines[i] = string([]rune(l + strings.Repeat(" ", cols))[:cols])
	}
	got, err := qrtext.Read(lines)
	if err != nil || !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("the QR code on screen (%v) is not the otpauth URL's:\n%s", err, strings.Join(lines, "\n"))
	}
	if !bytes.Contains(tt.Raw(), []byte{0xdb, 0xdb, 0xdb, 0xdb}) || bytes.Contains(tt.Raw(), []byte("█")) {
		t.Errorf("the QR code is not drawn with CP437's block bytes")
	}
	code := clk.code(t, secret, 0)
	tt.Type(clk.wrong(t, secret) + "\r")
	tt.WaitFor("That code is not right.")
	tt.Type(code + "\r")
	scr = tt.WaitFor("Press a key when you have written them down.")
	if codes := regexp.MustCompile(`[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}`).FindAllString(scr, -1); len(codes) != 10 {
		t.Errorf("want 10 recovery codes on screen:\n%s", scr)
	}
	tt.Type(" ")
	tt.WaitFor("on: a code from your app at every login")
	if u, _ := f.store.Users.User(t.Context(), "pat"); u.TOTP.Secret != secret {
		t.Errorf("the stored secret is not the one shown")
	}
	// New recovery codes take a code.
	tt.Type("t")
	tt.WaitFor("10 recovery codes left.")
	tt.Type("r")
	tt.WaitFor("Code from your app:")
	tt.Type(clk.code(t, secret, 30*time.Second) + "\r")
	tt.WaitFor("New recovery codes: the old ones no longer work.")
	scr = tt.WaitFor("Press a key when you have written them down.")
	fresh := regexp.MustCompile(`[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}`).FindAllString(scr, -1)
	if len(fresh) != 10 {
		t.Fatalf("want 10 new recovery codes on screen:\n%s", scr)
	}
	tt.Type(" ")
	tt.WaitFor("New recovery codes made.")
	// Turning it off takes the password and a code (here a new recovery
	// code).
	tt.Type("d")
	tt.WaitFor("Password:")
	tt.Type("password1\r")
	tt.WaitFor("Code or recovery code:")
	tt.Type(fresh[9] + "\r")
	tt.WaitFor("Two-factor login is off.")
	tt.WaitFor("Two-factor   off")
}

// TestTwoFactorLogin: after a right password the login screen asks for
// a code; wrong codes are failed logins (the call's attempts run out),
// the code spent at enrolment among them, Esc goes back to the handle,
// and a recovery code logs in.
func TestTwoFactorLogin(t *testing.T) {
	f, clk := newTOTPFixture(t, settings{MaxLoginAttempts: 2})
	f.addUser("pat", "password1")
	secret, recovery := f.enableTOTP(clk, "pat")
	spent := clk.code(t, secret, -30*time.Second) // the enrolment's

	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "pat", "password1")
	tt.WaitFor("Type the code from your authenticator app, or a recovery code.")
	tt.Type("\x1b")
	tt.WaitGone("Type the code")
	login(tt, "pat", "password1")
	tt.WaitFor("Code:")
	tt.Type(clk.wrong(t, secret) + "\r")
	tt.WaitFor("Wrong code, or one used already: wait for the next one.")
	login(tt, "pat", "password1")
	tt.WaitFor("Code:")
	tt.Type(spent + "\r")
	tt.WaitFor("Too many failed logins. Goodbye.")
	tt.Wait()

	tt = f.call(80, 24, term.UTF8, "192.0.2.2:1000")
	login(tt, "pat", "password1")
	tt.WaitFor("Code:")
	tt.Type(recovery[0] + "\r")
	tt.WaitFor("Welcome, pat.")
	if u, _ := f.store.Users.User(t.Context(), "pat"); len(u.TOTP.Recovery) != 9 {
		t.Errorf("%d recovery codes left; want 9", len(u.TOTP.Recovery))
	}
}

// TestTwoFactorEmptyCode: Enter alone at the code is no try: with one
// attempt per call, two of them and then the code log in.
func TestTwoFactorEmptyCode(t *testing.T) {
	f, clk := newTOTPFixture(t, settings{MaxLoginAttempts: 1})
	f.addUser("pat", "password1")
	secret, _ := f.enableTOTP(clk, "pat")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "pat", "password1")
	tt.WaitFor("Type the code from your authenticator app, or a recovery code.")
	tt.Type("\r")
	tt.Type("  \r")
	tt.Type(clk.code(t, secret, 0) + "\r")
	tt.WaitFor("Welcome, pat.")
	if scr := tt.Screen(); strings.Contains(scr, "Wrong code") {
		t.Errorf("Enter alone was answered as a wrong code:\n%s", scr)
	}
}

// TestTwoFactorOffMeanwhile: a caller on the profile's two-factor screen
// whose second factor a sysop removes meanwhile is told it is off when
// asking for new recovery codes or to turn it off, whatever they type,
// and gets no strike toward a ban for it.
func TestTwoFactorOffMeanwhile(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys []string // after the key, each answered when its prompt shows
	}{
		{"new recovery codes", []string{"r", "Code from your app:", "123456\r"}},
		{"turning it off", []string{"d", "Password:", "password1\r", "Code or recovery code:", "123456\r"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, clk := newTOTPFixture(t, settings{})
			f.addUser("pat", "password1")
			f.enableTOTP(clk, "pat")
			for i := range 4 { // more than the ban's 3 strikes
				tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
				if i > 0 {
					f.enableTOTP(clk, "pat")
				}
				login(tt, "pat", "password1")
				tt.WaitFor("Type the code from your authenticator app")
				tt.Type(clk.code(t, mustSecret(t, f, "pat"), 0) + "\r")
				tt.WaitFor("[P] Your profile")
				tt.Type("p")
				tt.WaitFor("[t] Two-factor")
				tt.Type("t")
				tt.WaitFor("Two-factor login is on")
				if _, err := f.accts.RemoveTOTP(t.Context(), "pat"); err != nil {
					t.Fatal(err)
				}
				tt.Type(tc.keys[0])
				for j := 1; j < len(tc.keys); j += 2 {
					tt.WaitFor(tc.keys[j])
					tt.Type(tc.keys[j+1])
				}
				tt.WaitFor("Two-factor login is off.")
				clk.unix.Add(30) // the next login's code
			}
			if f.banner.Check(netip.MustParseAddr("192.0.2.1")) != nil {
				t.Errorf("asking to change a second factor that is gone banned the caller")
			}
		})
	}
}

// mustSecret returns the stored TOTP secret of handle.
func mustSecret(t *testing.T, f *fixture, handle string) string {
	t.Helper()
	u, err := f.store.Users.User(t.Context(), handle)
	if err != nil || u.TOTP.Secret == "" {
		t.Fatalf("%s has no second factor: %v", handle, err)
	}
	return u.TOTP.Secret
}

// TestSysopRemovesTwoFactor: the user editor removes a user's second
// factor (after asking), but not the sysop's own.
func TestSysopRemovesTwoFactor(t *testing.T) {
	f, clk := newTOTPFixture(t, settings{})
	f.addUser("rex", "password1", store.GroupSysop)
	f.addUser("sue", "password1")
	f.enableTOTP(clk, "sue")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	editUser(tt, "rex", "sue")
	tt.WaitFor("on (10 recovery codes left); f removes it")
	tt.Type("f")
	tt.WaitFor("Remove the two-factor login of sue?")
	tt.Type("y")
	tt.WaitFor("Saved.")
	tt.WaitFor("Two-factor off")
	if u, _ := f.store.Users.User(t.Context(), "sue"); u.TOTP.Secret != "" {
		t.Errorf("sue still has a second factor")
	}
	tt.Type("q")
	tt.WaitFor("[e] edit a user")
	tt.Type("e")
	tt.WaitFor("Edit which user?")
	tt.Type("rex\r")
	tt.WaitFor("Editing rex")
	tt.Type("f")
	tt.WaitFor("Not your own account: another sysop can do that.")
}

// TestTwoFactorAccessible: in accessible mode, turning two-factor login
// on is plain lines (the secret on one, no QR code), and so is the code
// asked at login.
func TestTwoFactorAccessible(t *testing.T) {
	f, clk := newTOTPFixture(t, settings{})
	f.addUser("pat", "password1")
	pat, err := f.accts.User(t.Context(), "pat")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.accts.SetAccessible(t.Context(), pat.ID, true); err != nil {
		t.Fatal(err)
	}
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "pat", "password1")
	tt.WaitFor("Your choice, 1 to")
	walk(t, tt, []step{
		{"p\r", []string{"Two-factor: off (t changes it)"}},
		{"t\r", []string{"Then type the 6-digit code the app shows. Escape leaves two-factor login off.", "Code:"}},
	})
	m := regexp.MustCompile(`(?m)^([A-Z2-7]{4}(?: [A-Z2-7]{4}){7})$`).FindStringSubmatch(tt.Screen())
	if m == nil {
		t.Fatalf("no line of the secret's eight groups:\n%s", tt.Screen())
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	walk(t, tt, []step{
		{clk.code(t, secret, 0) + "\r", []string{"Press Enter when you have written them down."}},
		{"\r", []string{"Two-factor login is on."}},
		{"q\r", []string{"Your choice, 1 to"}},
		{"g\r", []string{"Log off now? (y or n):"}},
		{"y\r", []string{"Thanks for calling"}},
	})
	tt.Wait()
	raw := tt.Raw()
	start := bytes.Index(raw, []byte("\r\nMain menu\r\n"))
	if start < 0 {
		t.Fatalf("the main menu never said its title on a line of its own:\n%q", raw)
	}
	checkPlain(t, raw[start:], "Two-factor login", m[1])

	// At the next login, the code is asked on a line of its own.
	tt = f.call(80, 24, term.UTF8, "192.0.2.1:1001")
	login(tt, "pat", "password1")
	tt.WaitFor("Type the code from your authenticator app, or a recovery code.")
	tt.Type(clk.code(t, secret, 30*time.Second) + "\r")
	tt.WaitFor("Welcome, pat.")
}
