package account_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

func TestNewNeedsUsers(t *testing.T) {
	t.Parallel()
	if s, err := account.New(t.Context(), account.Config{}); err == nil || s != nil {
		t.Errorf("New(no Users) = %v, %v; want an error", s, err)
	}
}

// With only Users set, the defaults hold: argon2id with its default
// parameters, the default rules, no anonymous callers, and the default
// pause after a failure.
func TestNewDefaults(t *testing.T) {
	t.Parallel()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := account.New(t.Context(), account.Config{Users: st.Users})
	if err != nil {
		t.Fatalf("New(only Users) = %v", err)
	}
	if s.AllowAnonymous() || s.Intent("guest") != account.IntentLogin {
		t.Errorf("New(only Users) allows anonymous callers; want not")
	}
	_, err = s.Apply(t.Context(), account.Application{Handle: "sysop", Password: password})
	wantInvalid(t, "with the default rules Apply(sysop)", err, "handle", "That name is reserved.")
	start := time.Now()
	if _, err := s.Login(t.Context(), "erin", password, caller); !errors.Is(err, account.ErrLoginFailed) {
		t.Errorf("Login(unknown erin) = %v; want %v", err, account.ErrLoginFailed)
	}
	if took := time.Since(start); took < account.DefaultFailDelay {
		t.Errorf("Login(unknown erin) failed after %v; want the default pause, %v", took, account.DefaultFailDelay)
	}
	// No key store: no key is registered, and none can be.
	if ok, err := s.KeyRegistered(t.Context(), "erin", "SHA256:x"); ok || err != nil {
		t.Errorf("KeyRegistered with no Keys = %v, %v; want false, nil", ok, err)
	}
	// No setup code waits until StartSetup: the first applicant on an
	// empty board is no sysop.
	if ok, err := s.SetupWaiting(t.Context()); ok || err != nil {
		t.Errorf("SetupWaiting() on a new Service = %v, %v; want false", ok, err)
	}
	u, err := s.Apply(t.Context(), account.Application{Handle: "erin", Password: password})
	if err != nil || u.InGroup(store.GroupSysop) {
		t.Errorf("Apply(erin), the first account, on a new Service = %v, %v; want an account that is no sysop", u, err)
	}
}
