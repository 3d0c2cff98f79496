package control

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// TestAccessAdmin validates, sets levels and groups through the socket
// and on the service directly, with the same answers, refusals in the
// rules' words included.
func TestAccessAdmin(t *testing.T) {
	f := newAdminFixture(t)
	defer f.serve(t)()
	ctx := t.Context()
	for _, admin := range []struct {
		name string
		a    Admin
	}{{"socket", f.client}, {"local", NewLocal(f.accounts)}} {
		t.Run(admin.name, func(t *testing.T) {
			a := admin.a
			handle := "newbie-" + admin.name
			if err := a.AddUser(ctx, handle, "correct horse", false); err != nil {
				t.Fatal(err)
			}
			// As an applicant on a board with validation would be.
			u, err := f.st.Users.User(ctx, handle)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.st.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
				u.Groups = []string{store.GroupUnvalidated}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if was, err := a.Validate(ctx, handle); err != nil || !was {
				t.Fatalf("Validate = %v, %v; want it was waiting", was, err)
			}
			if was, err := a.Validate(ctx, handle); err != nil || was {
				t.Fatalf("Validate again = %v, %v; want it was not waiting", was, err)
			}
			if err := a.SetLevel(ctx, handle, 42); err != nil {
				t.Fatalf("SetLevel(42): %v", err)
			}
			if got, err := a.SetGroups(ctx, handle, []string{"staff", "elite", "staff"}); err != nil || !slices.Equal(got, []string{"elite", "staff"}) {
				t.Fatalf("SetGroups = %v, %v; want [elite staff] as stored", got, err)
			}
			list, err := a.ListUsers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(list, func(u User) bool { return u.Handle == handle })
			if i < 0 || list[i].Level != 42 || !slices.Equal(list[i].Groups, []string{"elite", "staff"}) {
				t.Errorf("ListUsers: %+v; want level 42, groups [elite staff]", list)
			}
			if u, _ := f.st.Users.User(ctx, handle); access.Unvalidated(u) {
				t.Errorf("still unvalidated after Validate")
			}
			// No groups at all: [] over the socket.
			if got, err := a.SetGroups(ctx, handle, nil); err != nil || len(got) != 0 {
				t.Fatalf("SetGroups(nil) = %v, %v; want none", got, err)
			}
			if u, _ := f.st.Users.User(ctx, handle); len(u.Groups) != 0 {
				t.Errorf("groups after SetGroups(nil) = %v; want none", u.Groups)
			}

			for _, tt := range []struct {
				name string
				err  error
				kind error
				msg  string
			}{
				{"level 300", a.SetLevel(ctx, handle, 300), account.ErrInvalid, "Levels are whole numbers from 0 to 255."},
				{"bad group", second(a.SetGroups(ctx, handle, []string{"Bad Group"})), account.ErrInvalid,
					`"Bad Group" is not a group name: use lower-case letters, digits, '-' and '_', starting with a letter.`},
				{"sysop group", second(a.SetGroups(ctx, handle, []string{"sysop"})), account.ErrInvalid,
					`"sysop" is not set with the other groups: sysop, locked and unvalidated have their own commands.`},
				{"unknown user", second(a.Validate(ctx, "nobody")), store.ErrNotFound, `no user "nobody"`},
				{"unknown user's level", a.SetLevel(ctx, "nobody", 5), store.ErrNotFound, `no user "nobody"`},
			} {
				if !errors.Is(tt.err, tt.kind) {
					t.Errorf("%s: %v; want %v", tt.name, tt.err, tt.kind)
					continue
				}
				got := account.Message(tt.err)
				if got == "" {
					got = tt.err.Error()
				}
				if got != tt.msg && tt.err.Error() != tt.msg {
					t.Errorf("%s: %q; want %q", tt.name, got, tt.msg)
				}
			}
		})
	}
}

// second is the error of a call that also returns a value.
func second[T any](_ T, err error) error { return err }

// A level request without a level is a bad request, not level 0.
func TestLevelRequired(t *testing.T) {
	f := newAdminFixture(t)
	defer f.serve(t)()
	ctx := t.Context()
	if err := f.client.AddUser(ctx, "lev", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	if err := f.client.SetLevel(ctx, "lev", 42); err != nil {
		t.Fatal(err)
	}
	for _, body := range []any{map[string]any{}, map[string]any{"level": nil}, map[string]any{"levle": 3}} {
		err := f.client.do(ctx, http.MethodPut, "/v1/users/lev/level", body, nil)
		if err == nil || !strings.Contains(err.Error(), `bad request: no "level"`) {
			t.Errorf("PUT level %v = %v; want 400, no level", body, err)
		}
	}
	if u, err := f.st.Users.User(ctx, "lev"); err != nil || u.Level != 42 {
		t.Errorf("level after the bad requests = %d, %v; want 42 kept", u.Level, err)
	}
}
