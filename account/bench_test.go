package account_test

import (
	"errors"
	"testing"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
)

// BenchmarkLogin measures a login's hashing with the default argon2id
// parameters (19 MiB, t=2), with no pause and no bans: an unknown handle
// should cost what a wrong password costs, so that timing does not tell
// which handles exist.
func BenchmarkLogin(b *testing.B) {
	f := newFixture(b, setup{hasher: &auth.Hasher{}, failDelay: -1, noBans: true})
	f.user("erin", password)
	for _, bb := range []struct {
		name, handle, password string
		want                   error
	}{
		{"unknown-handle", "frank", password, account.ErrLoginFailed},
		{"wrong-password", "erin", "battery staple", account.ErrLoginFailed},
		{"right-password", "erin", password, nil},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := f.svc.Login(b.Context(), bb.handle, bb.password, caller); !errors.Is(err, bb.want) {
					b.Fatalf("Login(%q, %q) = %v; want %v", bb.handle, bb.password, err, bb.want)
				}
			}
		})
	}
}
