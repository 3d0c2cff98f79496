package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

func testCreateUser(t *testing.T, s *store.Store) {
	ctx := t.Context()

	// A zero Created is set to now.
	before := time.Now().Truncate(time.Millisecond)
	u := newUser("Alice")
	u.Created = time.Time{}
	create(t, s, u)
	after := time.Now()
	if u.ID == 0 {
		t.Errorf("CreateUser(%q): ID = 0; want non-zero", u.Handle)
	}
	if u.Created.Before(before) || u.Created.After(after) {
		t.Errorf("CreateUser(%q): Created = %v; want between %v and %v", u.Handle, u.Created, before, after)
	}
	checkUser(t, `User("Alice")`, get(t, s, "Alice"), u)

	// Given times and counts are kept, as when importing accounts.
	v := newUser("Bob")
	v.ID = u.ID // ignored
	v.Groups = []string{store.GroupSysop, "users"}
	v.LastCall = base().Add(time.Hour)
	v.Calls = 41
	v.Level = store.MaxLevel
	v.Accessible = true
	v.Language = "de"
	v.TOTP = store.TOTP{Secret: "JBSWY3DPEHPK3PXP", LastStep: 58_000_000, Recovery: []string{"h1", "h2"}}
	v.Reset = store.Reset{Hash: "token-hash", Expires: base().Add(time.Hour), Sent: base()}
	create(t, s, v)
	if v.ID == 0 || v.ID == u.ID {
		t.Errorf("CreateUser(%q): ID = %d; want non-zero and not %d", v.Handle, v.ID, u.ID)
	}
	if !v.Created.Equal(base()) {
		t.Errorf("CreateUser(%q): Created = %v; want %v kept", v.Handle, v.Created, base())
	}
	checkUser(t, `User("Bob")`, get(t, s, "Bob"), v)

	// The zero LastCall of a user who never called stays zero.
	if got := get(t, s, "Alice").LastCall; !got.IsZero() {
		t.Errorf(`User("Alice").LastCall = %v; want zero time`, got)
	}
	if got, err := s.Users.CountUsers(ctx); err != nil || got != 2 {
		t.Errorf("CountUsers() = %d, %v; want 2, nil", got, err)
	}
}

func testUserLookup(t *testing.T, s *store.Store) {
	for _, h := range []string{"Émile", "MiXeD", "Иван", "Σοφία"} {
		create(t, s, newUser(h))
	}
	tests := []struct {
		in   string
		want string // "" for ErrNotFound
	}{
		{"Émile", "Émile"},
		{"émile", "Émile"},
		{"ÉMILE", "Émile"},
		{"mixed", "MiXeD"},
		{"MIXED", "MiXeD"},
		{"иван", "Иван"},
		{"ИВАН", "Иван"},
		{"ΣΟΦΊΑ", "Σοφία"},
		{"Emile", ""},
		{"mixed ", ""},
		{"nobody", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := s.Users.User(t.Context(), tt.in)
		if tt.want == "" {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("User(%q) = %v, %v; want ErrNotFound", tt.in, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("User(%q) = %v; want nil", tt.in, err)
			continue
		}
		if got.Handle != tt.want {
			t.Errorf("User(%q).Handle = %q; want %q", tt.in, got.Handle, tt.want)
		}
	}
}

func testHandleClash(t *testing.T, s *store.Store) {
	ctx := t.Context()
	tests := []struct {
		first, second string
		clash         bool
	}{
		{"bob", "BOB", true},
		{"Émile", "émile", true},
		{"ÉLODIE", "élodie", true},
		{"Straße", "STRASSE", true},
		{"ΣΟΦΙΑΣ", "σοφιας", true},
		{"Иван", "иВАН", true},
		{"漢字", "漢字", true},
		{"Emile", "Èmile", false},
		{"\u00c9lise", "E\u0301lise", true}, // precomposed and decomposed É
		{"carol", "carol2", false},
		{"dave", "dave ", false},
	}
	for _, tt := range tests {
		first := create(t, s, newUser(tt.first))
		n, err := s.Users.CountUsers(ctx)
		if err != nil {
			t.Fatalf("CountUsers() = %v; want nil", err)
		}
		err = s.Users.CreateUser(ctx, newUser(tt.second))
		if !tt.clash {
			if err != nil {
				t.Errorf("CreateUser(%q) after %q = %v; want nil", tt.second, tt.first, err)
			}
			continue
		}
		if !errors.Is(err, store.ErrExists) {
			t.Errorf("CreateUser(%q) after %q = %v; want ErrExists", tt.second, tt.first, err)
			continue
		}
		if got, err := s.Users.CountUsers(ctx); err != nil || got != n {
			t.Errorf("CountUsers() after clash = %d, %v; want %d, nil", got, err, n)
		}
		if got := get(t, s, tt.second); got.ID != first.ID || got.Handle != tt.first {
			t.Errorf("User(%q) = %d %q; want %d %q", tt.second, got.ID, got.Handle, first.ID, tt.first)
		}
	}
}

func testGroups(t *testing.T, s *store.Store) {
	ctx := t.Context()
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, nil},
		{"empty", []string{}, nil},
		{"one", []string{store.GroupSysop}, []string{store.GroupSysop}},
		{"sorted", []string{"z", "a", "m"}, []string{"a", "m", "z"}},
		{"duplicates", []string{"b", "a", "b", "a", "b"}, []string{"a", "b"}},
		{"utf8", []string{"été", "ascii", "Zed"}, []string{"Zed", "ascii", "été"}},
	}
	wants := map[string][]string{}
	for i, tt := range tests {
		// Through CreateUser.
		h := fmt.Sprintf("create%d", i)
		wants[h] = tt.want
		u := newUser(h)
		u.Groups = slices.Clone(tt.in)
		create(t, s, u)
		if got := get(t, s, h).Groups; !slices.Equal(got, tt.want) {
			t.Errorf("%s: CreateUser then User(%q).Groups = %q; want %q", tt.name, h, got, tt.want)
		}
		// Through UpdateUser, replacing other groups.
		h = fmt.Sprintf("update%d", i)
		wants[h] = tt.want
		u = create(t, s, newUser(h))
		u.Groups = slices.Clone(tt.in)
		if err := s.Users.UpdateUser(ctx, u); err != nil {
			t.Fatalf("UpdateUser(%q) = %v; want nil", h, err)
		}
		if got := get(t, s, h).Groups; !slices.Equal(got, tt.want) {
			t.Errorf("%s: UpdateUser then User(%q).Groups = %q; want %q", tt.name, h, got, tt.want)
		}
	}
	// ListUsers carries the groups too.
	list, err := s.Users.ListUsers(ctx)
	if err != nil {
		t.Fatalf("ListUsers() = %v; want nil", err)
	}
	if len(list) != len(wants) {
		t.Errorf("ListUsers() = %d users; want %d", len(list), len(wants))
	}
	for _, u := range list {
		if want := wants[u.Handle]; !slices.Equal(u.Groups, want) {
			t.Errorf("ListUsers()[%q].Groups = %q; want %q", u.Handle, u.Groups, want)
		}
	}
}

func testUpdateUser(t *testing.T, s *store.Store) {
	ctx := t.Context()
	orig := create(t, s, newUser("OldName"))
	taken := create(t, s, newUser("Taken"))

	// Every field but ID, Created, LastCall and Calls is saved.
	u := *orig
	u.Handle = "NewName"
	u.Password = "$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
	u.RealName = "Ново Имя"
	u.Location = "Zürich"
	u.Email = "new@example.net"
	u.Groups = []string{store.GroupSysop, "cosysop"}
	u.Encoding = store.EncodingCP437
	u.Level = 200
	u.Accessible = true
	u.Language = "de"
	u.TOTP = store.TOTP{Secret: "JBSWY3DPEHPK3PXP", LastStep: 58_000_001, Recovery: []string{"a", "b", "c"}}
	u.Reset = store.Reset{Hash: "token-hash", Expires: base().Add(15 * time.Minute), Sent: base()}
	u.Created = base().Add(-24 * time.Hour)
	u.LastCall = base().Add(time.Hour)
	u.Calls = 99
	if err := s.Users.UpdateUser(ctx, &u); err != nil {
		t.Fatalf("UpdateUser(%q) = %v; want nil", u.Handle, err)
	}
	want := u
	want.Created, want.LastCall, want.Calls = orig.Created, orig.LastCall, orig.Calls
	checkUser(t, `User("newname")`, get(t, s, "newname"), &want)
	if _, err := s.Users.User(ctx, "OldName"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`User("OldName") after rename = %v; want ErrNotFound`, err)
	}

	// Changing only the case of one's own handle is no clash.
	u.Handle = "newNAME"
	if err := s.Users.UpdateUser(ctx, &u); err != nil {
		t.Fatalf("UpdateUser(%q) = %v; want nil", u.Handle, err)
	}
	if got := get(t, s, "NEWNAME").Handle; got != "newNAME" {
		t.Errorf(`User("NEWNAME").Handle = %q; want "newNAME"`, got)
	}

	// Renaming to a taken handle, in any case, changes nothing.
	before := get(t, s, "newNAME")
	bad := *before
	bad.Handle = "TAKEN"
	bad.RealName = "changed"
	bad.Groups = []string{"changed"}
	if err := s.Users.UpdateUser(ctx, &bad); !errors.Is(err, store.ErrExists) {
		t.Errorf("UpdateUser(%q) = %v; want ErrExists", bad.Handle, err)
	}
	checkUser(t, `User("newNAME") after failed rename`, get(t, s, "newNAME"), before)
	checkUser(t, `User("Taken") after failed rename`, get(t, s, "Taken"), taken)

	// An account that does not exist cannot be updated.
	ghost := newUser("Ghost")
	ghost.ID = orig.ID + taken.ID + 1000
	if err := s.Users.UpdateUser(ctx, ghost); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateUser(ID %d) = %v; want ErrNotFound", ghost.ID, err)
	}
	if _, err := s.Users.User(ctx, "Ghost"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`User("Ghost") after failed update = %v; want ErrNotFound`, err)
	}
}

func testModifyUser(t *testing.T, s *store.Store) {
	ctx := t.Context()
	orig := create(t, s, newUser("Mod"))
	create(t, s, newUser("Other"))

	// The change sees the account as stored, and what it sets is saved,
	// but not ID, Created, LastCall or Calls.
	got, err := s.Users.ModifyUser(ctx, orig.ID, func(u *store.User) error {
		if u.Handle != "Mod" || u.Location != orig.Location || !slices.Equal(u.Groups, orig.Groups) {
			t.Errorf("ModifyUser's change got %+v; want the stored account", u)
		}
		u.Location = "Mars"
		u.Groups = append(u.Groups, store.GroupLocked)
		u.ID, u.Calls, u.Created = 999, 7, base().Add(time.Hour)
		return nil
	})
	if err != nil {
		t.Fatalf("ModifyUser(%d) = %v; want nil", orig.ID, err)
	}
	want := *orig
	want.Location = "Mars"
	want.Groups = []string{store.GroupLocked, "users"}
	checkUser(t, `User("Mod") after ModifyUser`, get(t, s, "Mod"), &want)
	if got.ID != orig.ID || got.Location != "Mars" {
		t.Errorf("ModifyUser returned %+v; want the saved account", got)
	}

	// The change's error saves nothing and comes back.
	errNo := errors.New("changed my mind")
	_, err = s.Users.ModifyUser(ctx, orig.ID, func(u *store.User) error {
		u.Location = "Venus"
		return errNo
	})
	if !errors.Is(err, errNo) {
		t.Errorf("ModifyUser with a failing change = %v; want its error", err)
	}
	checkUser(t, `User("Mod") after a failed change`, get(t, s, "Mod"), &want)

	// A rename to a taken handle, and an unknown ID.
	if _, err := s.Users.ModifyUser(ctx, orig.ID, func(u *store.User) error { u.Handle = "OTHER"; return nil }); !errors.Is(err, store.ErrExists) {
		t.Errorf("ModifyUser renaming to a taken handle = %v; want ErrExists", err)
	}
	called := false
	if _, err := s.Users.ModifyUser(ctx, orig.ID+1000, func(*store.User) error { called = true; return nil }); !errors.Is(err, store.ErrNotFound) || called {
		t.Errorf("ModifyUser(unknown ID) = %v, change called %v; want ErrNotFound, not called", err, called)
	}
}

// testModifyUserConcurrent changes one account from many goroutines at
// once, each adding a group of its own: none may undo another's.
func testModifyUserConcurrent(t *testing.T, s *store.Store) {
	const writers = 20
	u := create(t, s, newUser("Busy"))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			<-start
			_, err := s.Users.ModifyUser(t.Context(), u.ID, func(u *store.User) error {
				u.Groups = append(u.Groups, fmt.Sprintf("g%02d", g))
				return nil
			})
			if err != nil {
				t.Errorf("writer %d: ModifyUser = %v; want nil", g, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := get(t, s, "Busy").Groups; len(got) != writers+1 {
		t.Errorf("groups after %d concurrent ModifyUser calls = %q; want all %d and users", writers, got, writers)
	}
}

func testDeleteUser(t *testing.T, s *store.Store) {
	ctx := t.Context()
	u := newUser("Doomed")
	u.Groups = []string{store.GroupSysop}
	u.Calls = 7
	create(t, s, u)
	create(t, s, newUser("Survivor"))

	if err := s.Users.DeleteUser(ctx, "dOOMED"); err != nil {
		t.Fatalf(`DeleteUser("dOOMED") = %v; want nil`, err)
	}
	if _, err := s.Users.User(ctx, "Doomed"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`User("Doomed") after delete = %v; want ErrNotFound`, err)
	}
	if got, err := s.Users.CountUsers(ctx); err != nil || got != 1 {
		t.Errorf("CountUsers() after delete = %d, %v; want 1, nil", got, err)
	}
	get(t, s, "Survivor")
	for _, h := range []string{"Doomed", "nobody", ""} {
		if err := s.Users.DeleteUser(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteUser(%q) = %v; want ErrNotFound", h, err)
		}
	}

	// The handle is free again, and nothing of the old account remains.
	again := newUser("DOOMED")
	again.Groups = nil
	create(t, s, again)
	checkUser(t, `User("doomed") recreated`, get(t, s, "doomed"), again)
}

func testListUsers(t *testing.T, s *store.Store) {
	ctx := t.Context()
	list, err := s.Users.ListUsers(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("ListUsers() on empty store = %d users, %v; want 0, nil", len(list), err)
	}
	handles := []string{"bob", "Alice", "alfred", "Émile", "zed", "Zara", "émilie", "Ångström", "_under", "123", "BOBBY", "Иван"}
	users := map[string]*store.User{}
	for _, h := range handles {
		users[h] = create(t, s, newUser(h))
	}
	want := slices.Clone(handles)
	slices.SortFunc(want, func(a, b string) int { return strings.Compare(fold(a), fold(b)) })

	list, err = s.Users.ListUsers(ctx)
	if err != nil {
		t.Fatalf("ListUsers() = %v; want nil", err)
	}
	var got []string
	for _, u := range list {
		got = append(got, u.Handle)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ListUsers() = %q; want %q", got, want)
	}
	for _, u := range list {
		checkUser(t, fmt.Sprintf("ListUsers()[%q]", u.Handle), u, users[u.Handle])
	}
}

func testCountUsers(t *testing.T, s *store.Store) {
	ctx := t.Context()
	count := func() int {
		t.Helper()
		n, err := s.Users.CountUsers(ctx)
		if err != nil {
			t.Fatalf("CountUsers() = %v; want nil", err)
		}
		return n
	}
	if got := count(); got != 0 {
		t.Errorf("CountUsers() on empty store = %d; want 0", got)
	}
	for i := range 3 {
		create(t, s, newUser(fmt.Sprintf("user%d", i)))
	}
	if got := count(); got != 3 {
		t.Errorf("CountUsers() = %d; want 3", got)
	}
	if err := s.Users.DeleteUser(ctx, "user1"); err != nil {
		t.Fatalf(`DeleteUser("user1") = %v; want nil`, err)
	}
	if got := count(); got != 2 {
		t.Errorf("CountUsers() after delete = %d; want 2", got)
	}
}

// testSignature checks that CreateUser and UpdateUser keep the signature
// exactly, newlines and UTF-8 included, and that User and ListUsers
// return it.
func testSignature(t *testing.T, s *store.Store) {
	ctx := t.Context()
	tests := []struct {
		name string
		sig  string
	}{
		{"empty", ""},
		{"one line", "just me"},
		{"lines", "-- \nAlice\nsysop of the Underground\n"},
		{"crlf", "line one\r\nline two\r\n"},
		{"utf8", "Grüße aus Zürich ✶ 漢字 🙂\n░▒▓█"},
		{"ansi", "\x1b[1;36mcyan\x1b[0m\n"},
		{"blank lines", "\n\n\n"},
	}
	want := map[string]string{}
	for i, tt := range tests {
		h := fmt.Sprintf("sig%d", i)
		u := newUser(h)
		u.Signature = tt.sig
		create(t, s, u)
		want[h] = tt.sig
		if got := get(t, s, h).Signature; got != tt.sig {
			t.Errorf("%s: CreateUser then User(%q).Signature = %q; want %q", tt.name, h, got, tt.sig)
		}
		// UpdateUser saves it, replacing the previous one.
		u.Signature = tt.sig + "\nedited"
		if err := s.Users.UpdateUser(ctx, u); err != nil {
			t.Fatalf("UpdateUser(%q) = %v; want nil", h, err)
		}
		if got := get(t, s, h).Signature; got != u.Signature {
			t.Errorf("%s: UpdateUser then User(%q).Signature = %q; want %q", tt.name, h, got, u.Signature)
		}
		// And back again: the first case clears it.
		u.Signature = tt.sig
		if err := s.Users.UpdateUser(ctx, u); err != nil {
			t.Fatalf("UpdateUser(%q) = %v; want nil", h, err)
		}
	}
	list, err := s.Users.ListUsers(ctx)
	if err != nil {
		t.Fatalf("ListUsers() = %v; want nil", err)
	}
	for _, u := range list {
		if u.Signature != want[u.Handle] {
			t.Errorf("ListUsers()[%q].Signature = %q; want %q", u.Handle, u.Signature, want[u.Handle])
		}
	}
	// RecordCall, which changes the account, leaves the signature.
	record(t, s, "sig2", "telnet", base())
	if got := get(t, s, "sig2").Signature; got != tests[2].sig {
		t.Errorf(`User("sig2").Signature after RecordCall = %q; want %q`, got, tests[2].sig)
	}
}
