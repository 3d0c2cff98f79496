package account_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// TestLoginShadowWarning: an account named like a login word in use
// ("a", "new", in any case) is named in a warning at start; one named
// like a word the board does not use ("guest" without anonymous
// callers) is not.
func TestLoginShadowWarning(t *testing.T) {
	var log syncBuffer
	f := newFixture(t, setup{})
	for _, h := range []string{"A", "New", "guest"} {
		if err := f.st.Users.CreateUser(f.ctx, &store.User{Handle: h, Password: "x", Encoding: store.EncodingAuto,
			Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := account.New(f.ctx, account.Config{Users: f.st.Users, Passwords: f.pw, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	svc.Shutdown(f.ctx)
	got := log.String()
	for _, tc := range []struct {
		user   string
		warned bool
	}{{"user=A", true}, {"user=New", true}, {"user=guest", false}} {
		if strings.Contains(got, tc.user) != tc.warned {
			t.Errorf("the log at start:\n%s\nwant a warning naming %s: %v", got, tc.user, tc.warned)
		}
	}
	if !strings.Contains(got, "only over ssh") || !strings.Contains(got, "x84 user del") {
		t.Errorf("the warning does not say what to do:\n%s", got)
	}
}
