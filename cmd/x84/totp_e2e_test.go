package main

import (
	"fmt"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
	"github.com/x84bbs/x84/internal/qrtext"
)

// authenticator is the caller's phone: it makes the codes of a secret
// with Debian's oathtool, each for a later 30-second step than the last,
// as a caller waiting for the next code would.
type authenticator struct {
	t      *testing.T
	secret string
	last   int64 // the step of the last code made
}

// next returns a code the server accepts now and has not seen: of the
// step before the current one, the current one or the next (the
// server's window), but later than the last code made. Near the end of a
// step the previous one is avoided, since the server may check the code
// in the next step. When the window is used up it waits for the clock.
func (a *authenticator) next() string {
	a.t.Helper()
	for {
		now := time.Now().Unix()
		current := now / 30
		low := current - 1
		if now%30 >= 25 {
			low = current
		}
		step := max(a.last+1, low)
		if step <= current+1 {
			a.last = step
			return oathtoolCode(a.t, a.secret, step*30)
		}
		time.Sleep(time.Until(time.Unix((current+1)*30, 0)))
	}
}

// wrong returns a 6-digit code that is none of the codes of the steps
// around now (two either side, for a check made a step later): a code
// the server refuses for sure.
func (a *authenticator) wrong() string {
	a.t.Helper()
	taken := map[string]bool{}
	current := time.Now().Unix() / 30
	for step := current - 2; step <= current+2; step++ {
		taken[oathtoolCode(a.t, a.secret, step*30)] = true
	}
	for n := 0; ; n++ {
		if c := fmt.Sprintf("%06d", n); !taken[c] {
			return c
		}
	}
}

func oathtoolCode(t *testing.T, secret string, unix int64) string {
	t.Helper()
	out, err := exec.Command("oathtool", "--totp", "-b", "--now", fmt.Sprintf("@%d", unix), secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

var (
	secretLineRE   = regexp.MustCompile(`(?m)^.*?\b([A-Z2-7]{4}(?: [A-Z2-7]{4}){3})\s*$`)
	recoveryCodeRE = regexp.MustCompile(`\b[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}\b`)
)

// readQR reads the QR code at the top left of a screen: the lines of
// half blocks decoded back to modules (qrtext.Read), painted, and read by
// zbar's zbarimg, as a phone's camera would.
func readQR(t *testing.T, screen string) string {
	t.Helper()
	lines := strings.Split(screen, "\n")
	cols := len([]rune(lines[0])) - len([]rune(strings.TrimLeft(lines[0], "█")))
	rows := (cols + 1) / 2
	if cols < 21+2*qrtext.QuietZone || len(lines) < rows {
		t.Fatalf("no QR code at the top left of the screen:\n%s", screen)
	}
	drawn := make([]string, rows)
	for i := range drawn {
		r := []rune(lines[i] + strings.Repeat(" ", cols))
		drawn[i] = string(r[:cols])
	}
	m, err := qrtext.Read(drawn)
	if err != nil {
		t.Fatalf("the QR code on screen: %v\n%s", err, strings.Join(drawn, "\n"))
	}
	file := filepath.Join(t.TempDir(), "screen-qr.png")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, qrtext.Image(m, 4)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command("zbarimg", "--quiet", "--raw", file).Output()
	if err != nil {
		t.Fatalf("zbarimg cannot read the QR code on screen: %v\n%s", err, strings.Join(drawn, "\n"))
	}
	return strings.TrimSpace(string(out))
}

// TestTOTP is two-factor login end to end with real clients: a caller on
// Debian's telnet turns it on in the profile (scanning the QR code off
// the screen, and typing oathtool's code for the secret shown beside
// it), then logs in with a password and a code; a replayed code is
// refused; a recovery code works once, on telnet and on rlogin; OpenSSH's
// ssh asks for the code after the password; and `x84 user totp-off`
// removes it.
func TestTOTP(t *testing.T) {
	e2e.LookPath(t, "telnet", "tmux", "oathtool", "zbarimg", "ssh", "sshpass", "plink")
	s := startX84(t, "[board]\nname = \"Dream BBS\"\n[ban]\nmax_failures = 10\n")
	s.addUser(t, "tina", "tinas-password", false)

	// Turning it on.
	tm := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	tm.login("tina", "tinas-password")
	tm.keys("p")
	tm.waitScreen("[t] Two-factor")
	tm.keys("t")
	screen := tm.waitScreen("Then type the 6-digit code")
	m := secretLineRE.FindAllStringSubmatch(screen, -1)
	if len(m) != 2 {
		t.Fatalf("the secret is not on screen as two lines of groups of four:\n%s", screen)
	}
	secret := strings.ReplaceAll(m[0][1]+m[1][1], " ", "")
	otp, err := url.Parse(readQR(t, screen))
	if err != nil || otp.Scheme != "otpauth" || otp.Query().Get("secret") != secret || otp.Query().Get("issuer") != "Dream BBS" ||
		otp.Path != "/Dream BBS:tina" {
		t.Fatalf("the QR code reads %v (%v); want otpauth://totp/Dream BBS:tina with the secret shown, %s", otp, err, secret)
	}
	phone := &authenticator{t: t, secret: secret}
	tm.keys(phone.wrong(), "Enter")
	tm.waitScreen("That code is not right.")
	tm.keys(phone.next(), "Enter")
	screen = tm.waitScreen("Press a key when you have written them down.")
	recovery := recoveryCodeRE.FindAllString(screen, -1)
	if len(recovery) != 10 {
		t.Fatalf("want 10 recovery codes on screen:\n%s", screen)
	}
	waitLog(t, s, "two-factor login turned on")
	tm.keys("Enter")
	tm.waitScreen("on: a code from your app at every login")
	tm.keys("q")
	tm.waitScreen("[G] Goodbye")
	tm.keys("g", "y")
	tm.waitScreen("Thanks for calling")

	// Logging in: the password, then a code. Each check below of a code
	// refused reuses a code string exactly as it was accepted: a code
	// made afresh could belong to a step not used yet, and pass.
	login := func(code string) *tmux {
		tm := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
		tm.waitScreen("Handle:")
		tm.keys("tina", "Enter", "tinas-password", "Enter")
		tm.waitScreen("Type the code from your authenticator app, or a recovery code.")
		tm.keys(code, "Enter")
		return tm
	}
	code := phone.next()
	tm = login(code)
	tm.waitScreen("Welcome, tina.")
	tm.keys("g", "y")
	tm.waitScreen("Thanks for calling")
	// The same code again: refused, as a failed login.
	tm = login(code)
	tm.waitScreen("Wrong code, or one used already: wait for the next one.")
	waitLog(t, s, "second factor refused")
	// A recovery code, on the same call.
	tm.keys("tina", "Enter", "tinas-password", "Enter")
	tm.waitScreen("Type the code from your authenticator app, or a recovery code.")
	tm.keys(strings.ToUpper(recovery[4]), "Enter")
	tm.waitScreen("Welcome, tina.")
	tm.keys("g", "y")
	tm.waitScreen("Thanks for calling")
	// ... once.
	tm = login(recovery[4])
	tm.waitScreen("Wrong code, or one used already")
	// A code as a number of its own (not inside a longer run of digits,
	// such as a duration's).
	codeInLog := regexp.MustCompile(`(^|[^0-9.])` + code + `([^0-9]|$)`)
	if log := s.log.String(); codeInLog.MatchString(log) || strings.Contains(log, secret) || strings.Contains(log, recovery[4]) {
		t.Errorf("the log holds a code or the secret:\n%s", log)
	}

	// rlogin (PuTTY's plink): the handle comes from the client, then the
	// password and a recovery code.
	tm = newTmux(t, 100, 30, "plink -rlogin -P "+s.portOf("rlogin")+" -l tina 127.0.0.1")
	tm.waitScreen("Handle:   tina")
	tm.keys("tinas-password", "Enter")
	tm.waitScreen("Type the code from your authenticator app, or a recovery code.")
	tm.keys(recovery[5], "Enter")
	tm.waitScreen("Welcome, tina.") // (plink edits lines locally: it stays on)

	// OpenSSH's ssh: keyboard-interactive asks for the password, then the
	// code (sshpass cannot type the second: ssh asks on /dev/tty, which
	// sshpass keeps to itself). The password alone is not enough.
	args := append([]string{"ssh", "-tt", "-p", s.portOf("ssh")}, sshOpts...)
	cmd := exec.Command("sshpass", append(append([]string{"-p", "tinas-password", "ssh", "-p", s.portOf("ssh"),
		"-o", "PreferredAuthentications=password"}, sshOpts...), "tina@127.0.0.1", "true")...)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "Permission denied (keyboard-interactive)") {
		t.Errorf("ssh with the password alone: %v\n%s; want keyboard-interactive asked for", err, out)
	}
	tm = newTmux(t, 100, 30, strings.Join(append(args, "tina@127.0.0.1"), " "))
	tm.waitScreen("Password:")
	tm.keys("tinas-password", "Enter")
	tm.waitScreen("Verification code:")
	refused := strings.Count(s.log.String(), "second factor refused")
	tm.keys("Enter") // Enter alone: asked again, no try
	tm.waitScreenCount("Verification code:", 2)
	if n := strings.Count(s.log.String(), "second factor refused"); n != refused {
		t.Errorf("Enter alone at the code was checked as a code (%d refusals logged; want %d)", n, refused)
	}
	tm.keys(phone.wrong(), "Enter") // wrong: asked again
	waitLogCount(t, s, "second factor refused", refused+1)
	tm.waitScreenCount("Verification code:", 3) // ssh drops what is typed before it asks
	tm.keys(phone.next(), "Enter")
	tm.waitScreen("Welcome, tina.")
	tm.keys("g", "y")
	tm.waitScreen("Thanks for calling")

	// The sysop removes it: the password alone logs in again.
	out, err := exec.Command(x84Bin, "--data", s.dir, "user", "totp-off", "tina").CombinedOutput()
	if err != nil || string(out) != "Turned off the two-factor login of tina.\n" {
		t.Fatalf("x84 user totp-off tina: %v\n%s", err, out)
	}
	cmd = exec.Command(x84Bin, "--data", s.dir, "user", "totp-off", "tina")
	out, _ = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 1 || string(out) != "x84 user totp-off: tina has no two-factor login\n" {
		t.Errorf("x84 user totp-off again: exit %d, %q; want 1, saying tina has none", cmd.ProcessState.ExitCode(), out)
	}
	tm = newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	tm.login("tina", "tinas-password")
}

// waitScreenCount waits until the screen shows text n times.
func (tm *tmux) waitScreenCount(text string, n int) {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(tm.screen(), text) < n {
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q %d times; it shows:\n%s", text, n, tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitLogCount waits until the server's log holds text n times.
func waitLogCount(t *testing.T, s *server, text string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(s.log.String(), text) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q %d times:\n%s", text, n, s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
