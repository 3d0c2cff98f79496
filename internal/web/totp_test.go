package web

import (
	"net/http"
	"testing"

	"github.com/x84bbs/x84/store"
)

// TestPostOnelinerTwoFactor: an account with two-factor login cannot
// post with its password alone: 401 saying why (a wrong password still
// gets the usual answer), and nothing is posted.
func TestPostOnelinerTwoFactor(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.addUser("hana", "hanas-password")
	u, err := f.store.Users.User(t.Context(), "hana")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Users.ModifyUser(t.Context(), u.ID, func(u *store.User) error {
		u.TOTP = store.TOTP{Secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", LastStep: 1}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ password, want string }{
		{"hanas-password", "this account uses two-factor login: post from the board"},
		{"wrong-password", "login failed: no such handle, or a wrong password"},
	} {
		resp, body := f.post("hana", tc.password, "application/json", `{"text":"hi"}`)
		if resp.StatusCode != http.StatusUnauthorized || jsonError(body) != tc.want {
			t.Errorf("POST as hana with %q = %d %q; want 401 %q", tc.password, resp.StatusCode, body, tc.want)
		}
		if got := resp.Header.Get("WWW-Authenticate"); got == "" {
			t.Errorf("POST as hana with %q: no WWW-Authenticate", tc.password)
		}
	}
	if list, err := f.store.Oneliners.Oneliners(t.Context(), 10); err != nil || len(list) != 0 {
		t.Errorf("one-liners = %+v, %v; want none", list, err)
	}
}
