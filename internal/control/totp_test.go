package control

import (
	"errors"
	"testing"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// TestRemoveTOTP: `x84 user totp-off` through the socket and on the
// database answer alike: the second factor goes, a second removal and an
// unknown user are 404s saying so.
func TestRemoveTOTP(t *testing.T) {
	f := newAdminFixture(t)
	stop := f.serve(t)
	defer stop()
	for _, via := range []struct {
		name  string
		admin Admin
	}{{"socket", f.client}, {"local", NewLocal(f.accounts)}} {
		t.Run(via.name, func(t *testing.T) {
			ctx := t.Context()
			handle := "totp" + via.name
			if err := via.admin.AddUser(ctx, handle, "correct horse", false); err != nil {
				t.Fatal(err)
			}
			u, err := f.st.Users.User(ctx, handle)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.st.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
				u.TOTP = store.TOTP{Secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", LastStep: 1, Recovery: []string{"x"}}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := via.admin.RemoveTOTP(ctx, handle); err != nil {
				t.Fatalf("RemoveTOTP = %v", err)
			}
			if u, _ := f.st.Users.User(ctx, handle); account.HasTOTP(u) || len(u.TOTP.Recovery) != 0 {
				t.Errorf("after RemoveTOTP the account has %+v", u.TOTP)
			}
			for _, tc := range []struct {
				handle, text string
			}{
				{handle, handle + " has no two-factor login"},
				{"ghost", `no user "ghost"`},
			} {
				err := via.admin.RemoveTOTP(ctx, tc.handle)
				if !errors.Is(err, store.ErrNotFound) || err.Error() != tc.text {
					t.Errorf("RemoveTOTP(%s) = %v; want store.ErrNotFound, %q", tc.handle, err, tc.text)
				}
			}
		})
	}
}
