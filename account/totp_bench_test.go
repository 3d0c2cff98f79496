package account_test

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
)

// BenchmarkLoginTOTP measures what a second factor adds to a login with
// the default argon2id parameters: the password alone, against the
// password then a TOTP code (one more read and one write transaction on
// SQLite, three HMAC-SHA1). The clock moves a step each time, since a
// code is accepted once; making the code (one HMAC) is inside the loop.
func BenchmarkLoginTOTP(b *testing.B) {
	clk := newClock(t0)
	f := newFixture(b, setup{hasher: &auth.Hasher{}, failDelay: -1, noBans: true,
		config: func(c *account.Config) { c.Now = clk.Now }})
	f.user("plain", password)
	f.user("secure", password)
	e, err := f.svc.NewTOTP(f.ctx, "secure")
	if err != nil {
		b.Fatal(err)
	}
	code, _ := totp.GenerateCode(e.Secret, clk.Now())
	if _, err := f.svc.EnableTOTP(f.ctx, "secure", e.Secret, code); err != nil {
		b.Fatal(err)
	}
	b.Run("password", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.svc.Login(b.Context(), "plain", password, caller); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("password+totp", func(b *testing.B) {
		for b.Loop() {
			u, err := f.svc.Login(b.Context(), "secure", password, caller)
			if err != nil || !account.HasTOTP(u) {
				b.Fatal(u, err)
			}
			clk.set(clk.Now().Add(30 * time.Second))
			code, _ := totp.GenerateCode(e.Secret, clk.Now())
			if _, err := f.svc.LoginSecondFactor(b.Context(), "secure", code, caller); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("totp-only", func(b *testing.B) {
		for b.Loop() {
			clk.set(clk.Now().Add(30 * time.Second))
			code, _ := totp.GenerateCode(e.Secret, clk.Now())
			if _, err := f.svc.LoginSecondFactor(b.Context(), "secure", code, caller); err != nil {
				b.Fatal(err)
			}
		}
	})
}
