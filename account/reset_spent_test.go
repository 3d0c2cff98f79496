package account_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/store"
)

// TestResetCodeSpentByChanges: a code mailed before the password or the
// e-mail address changed no longer works: it must not undo a new
// password, nor let the holder of an old mailbox in. Setting the same
// address again keeps it.
func TestResetCodeSpentByChanges(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *fixture) error
		spent  bool
	}{
		{"the owner changes the password", func(f *fixture) error {
			_, err := f.svc.ChangePassword(f.ctx, "alice", password, "a fresher password", caller)
			return err
		}, true},
		{"the sysop sets the password", func(f *fixture) error {
			return f.svc.SetPassword(f.ctx, "alice", "the sysop's choice")
		}, true},
		{"the e-mail address changes", func(f *fixture) error {
			_, err := f.svc.SetField(f.ctx, f.stored("alice").ID, account.Email, "alice@example.net")
			return err
		}, true},
		{"the e-mail address is cleared", func(f *fixture) error {
			_, err := f.svc.SetField(f.ctx, f.stored("alice").ID, account.Email, "")
			return err
		}, true},
		{"the same e-mail address again", func(f *fixture) error {
			_, err := f.svc.SetField(f.ctx, f.stored("alice").ID, account.Email, " alice@example.org ")
			return err
		}, false},
		{"another field", func(f *fixture) error {
			_, err := f.svc.SetField(f.ctx, f.stored("alice").ID, account.Location, "Springfield")
			return err
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, box := resetFixture(t, account.ResetConfig{}, setup{noBans: true})
			f.mailUser("alice", "alice@example.org")
			if err := f.svc.RequestReset(f.ctx, "alice", caller); err != nil {
				t.Fatal(err)
			}
			code := box.next(t).code(t)
			if err := tt.change(f); err != nil {
				t.Fatalf("change = %v", err)
			}
			r := f.stored("alice").Reset
			if gone := r.Hash == "" && r.Expires.IsZero(); gone != tt.spent {
				t.Errorf("stored reset after the change: %+v; want the code gone: %v", r, tt.spent)
			}
			if r.Sent.IsZero() {
				t.Errorf("stored reset after the change: %+v; want Sent kept (the interval between mails holds)", r)
			}
			err := f.svc.ResetPassword(f.ctx, "alice", code, "the mailed one's password", caller)
			switch {
			case tt.spent && !errors.Is(err, account.ErrResetCode):
				t.Errorf("ResetPassword(code mailed before) = %v; want ErrResetCode", err)
			case !tt.spent && err != nil:
				t.Errorf("ResetPassword(code mailed before) = %v; want nil", err)
			}
		})
	}
}

// TestResetRefusalsHeard: a wrong reset code is a failed login for the
// metrics (OnLogin hears false), whether the handle exists or not; a
// code that works is no login yet (the caller logs in with the new
// password next).
func TestResetRefusalsHeard(t *testing.T) {
	f, box := resetFixture(t, account.ResetConfig{}, setup{noBans: true})
	f.mailUser("alice", "alice@example.org")
	if err := f.svc.RequestReset(f.ctx, "alice", caller); err != nil {
		t.Fatal(err)
	}
	code := box.next(t).code(t)
	for _, handle := range []string{"alice", "nobody9"} {
		if err := f.svc.ResetPassword(f.ctx, handle, "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23", "a new password", caller); !errors.Is(err, account.ErrResetCode) {
			t.Fatalf("ResetPassword(%s, wrong code) = %v; want ErrResetCode", handle, err)
		}
	}
	if err := f.svc.ResetPassword(f.ctx, "alice", code, "a new password", caller); err != nil {
		t.Fatal(err)
	}
	if got := f.heard(); len(got) != 2 || got[0] || got[1] {
		t.Errorf("OnLogin heard %v; want [false false]", got)
	}
}

// TestHandleLoginWords: the words of the login prompt are refused as new
// handles whatever [accounts] reserved says and whether or not the
// board turns them on now ("forgot" without mail, "guest" without
// anonymous callers): such an account could not log in at the login
// screen once they are.
func TestHandleLoginWords(t *testing.T) {
	noReserved := func(c *account.Config) {
		v, err := auth.NewValidator(auth.Rules{Reserved: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		c.Rules = v
	}
	plain := newFixture(t, setup{config: noReserved})
	withMail, _ := resetFixture(t, account.ResetConfig{}, setup{config: noReserved, anonymous: true})
	for _, f := range []*fixture{plain, withMail} {
		for _, h := range []string{"forgot", "FORGOT", "Forgot", "guest", "anonymous", "new", "apply", "quit", "logoff"} {
			if err := f.svc.CheckHandle(f.ctx, h); !errors.Is(err, account.ErrInvalid) || account.Message(err) != "That name is reserved." {
				t.Errorf("CheckHandle(%q) (mail %v) = %v; want reserved", h, f.svc.ResetOffered(), err)
			}
			if _, err := f.svc.Apply(f.ctx, account.Application{Handle: h, Password: password}); !errors.Is(err, account.ErrInvalid) {
				t.Errorf("Apply(%q) = %v; want ErrInvalid", h, err)
			}
			if _, err := f.svc.Create(f.ctx, account.Application{Handle: h, Password: password}, false); !errors.Is(err, account.ErrInvalid) {
				t.Errorf("Create(%q) = %v; want ErrInvalid", h, err)
			}
		}
		// Handles that only hold a word are fine.
		for _, h := range []string{"forgotten", "newt", "guests"} {
			if err := f.svc.CheckHandle(f.ctx, h); err != nil {
				t.Errorf("CheckHandle(%q) = %v; want nil", h, err)
			}
		}
	}
}

// TestResetShadowWarning: a board that turns on [mail] with an account
// named "forgot" (any case, made before the word was reserved) warns
// the sysop at start, naming the account and what to do; without mail
// it says nothing.
func TestResetShadowWarning(t *testing.T) {
	for _, mail := range []bool{false, true} {
		var log syncBuffer
		f := newFixture(t, setup{})
		if err := f.st.Users.CreateUser(f.ctx, &store.User{Handle: "ForGot", Password: "x", Encoding: store.EncodingAuto,
			Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
		cfg := account.Config{Users: f.st.Users, Passwords: f.pw, Logger: slog.New(slog.NewTextHandler(&log, nil))}
		if mail {
			cfg.Reset.Mailer = newOutbox()
		}
		svc, err := account.New(f.ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		svc.Shutdown(f.ctx)
		got := log.String()
		warned := strings.Contains(got, "level=WARN") && strings.Contains(got, "user=ForGot") &&
			strings.Contains(got, "x84 user del") && strings.Contains(got, "only over ssh")
		if warned != mail {
			t.Errorf("with mail %v, the log at start:\n%s\nwant a warning naming ForGot: %v", mail, got, mail)
		}
	}
}

// TestResetMailLifetime: the mail gives the code's lifetime in words.
func TestResetMailLifetime(t *testing.T) {
	for _, tt := range []struct {
		lifetime time.Duration
		want     string
	}{
		{15 * time.Minute, "(15 minutes from when it was sent)"},
		{time.Minute, "(1 minute from when it was sent)"},
		{90 * time.Minute, "(1 hour 30 minutes from when it was sent)"},
		{24 * time.Hour, "(24 hours from when it was sent)"},
		{90 * time.Second, "(1 minute 30 seconds from when it was sent)"},
	} {
		f, box := resetFixture(t, account.ResetConfig{Lifetime: tt.lifetime}, setup{})
		f.mailUser("alice", "alice@example.org")
		if err := f.svc.RequestReset(f.ctx, "alice", caller); err != nil {
			t.Fatal(err)
		}
		if body := box.next(t).body; !strings.Contains(strings.ReplaceAll(body, "\n", " "), tt.want) {
			t.Errorf("lifetime %v: the mail does not say %q:\n%s", tt.lifetime, tt.want, body)
		}
	}
}
