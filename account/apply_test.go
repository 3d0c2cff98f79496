package account_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// wantInvalid checks that err is an *InvalidError for field with the
// message msg, as a caller would show it.
func wantInvalid(t *testing.T, call string, err error, field, msg string) {
	t.Helper()
	var ie *account.InvalidError
	if !errors.As(err, &ie) || !errors.Is(err, account.ErrInvalid) {
		t.Errorf("%s = %v; want an *InvalidError matching ErrInvalid", call, err)
		return
	}
	if ie.Field != field {
		t.Errorf("%s: Field = %q; want %q", call, ie.Field, field)
	}
	if got := account.Message(err); got != msg {
		t.Errorf("%s: Message() = %q; want %q", call, got, msg)
	}
}

func TestApplyRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	ok := account.Application{Handle: "erin", Password: password}
	with := func(change func(*account.Application)) account.Application {
		a := ok
		change(&a)
		return a
	}
	tests := []struct {
		name       string
		app        account.Application
		field, msg string
	}{
		{"reserved handle", with(func(a *account.Application) { a.Handle = "sysop" }), "handle", "That name is reserved."},
		{"reserved handle in another case", with(func(a *account.Application) { a.Handle = "SysOp" }), "handle", "That name is reserved."},
		{"short handle", with(func(a *account.Application) { a.Handle = "ab" }), "handle", "Handles are 3 to 16 characters long."},
		{"long handle", with(func(a *account.Application) { a.Handle = strings.Repeat("e", 17) }), "handle", "Handles are 3 to 16 characters long."},
		{"empty handle", with(func(a *account.Application) { a.Handle = "   " }), "handle", "Handles are 3 to 16 characters long."},
		{"handle with /", with(func(a *account.Application) { a.Handle = "er/in" }), "handle",
			"Handles use letters, digits, '.', '_' and '-', and start with a letter or digit."},
		{"short password", with(func(a *account.Application) { a.Password = "short" }), "password", "Passwords need at least 8 characters."},
		{"password with a control character", with(func(a *account.Application) { a.Password = "pass\x1bword" }), "password",
			"Control characters are not allowed."},
		{"bad e-mail", with(func(a *account.Application) { a.Email = "erin at home" }), "e-mail", "E-mail addresses cannot contain spaces."},
		{"e-mail without domain", with(func(a *account.Application) { a.Email = "erin@localhost" }), "e-mail",
			"That does not look like an e-mail address."},
		{"long real name", with(func(a *account.Application) { a.RealName = strings.Repeat("n", 41) }), "real name",
			"Names can have at most 40 characters."},
		{"long location", with(func(a *account.Application) { a.Location = strings.Repeat("l", 41) }), "location",
			"Locations can have at most 40 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := f.svc.Apply(t.Context(), tt.app)
			wantInvalid(t, fmt.Sprintf("Apply(%+v)", tt.app), err, tt.field, tt.msg)
			if u != nil {
				t.Errorf("Apply(%+v) returned %+v; want no account", tt.app, u)
			}
		})
	}
	if list, err := f.svc.List(t.Context()); err != nil || len(list) != 0 {
		t.Errorf("List() after refused applications = %d accounts, %v; want none", len(list), err)
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	// The first account applied for is the sysop's, whoever it is.
	first, err := f.svc.Apply(t.Context(), account.Application{Handle: "  erin  ", Password: password,
		RealName: " Erin Q ", Location: " Amsterdam ", Email: " erin@example.org "})
	if err != nil {
		t.Fatalf("Apply(erin) = %v", err)
	}
	type fields struct{ Handle, RealName, Location, Email, Encoding string }
	want := fields{"erin", "Erin Q", "Amsterdam", "erin@example.org", store.EncodingAuto}
	for _, u := range []*store.User{first, f.stored("erin")} {
		got := fields{u.Handle, u.RealName, u.Location, u.Email, u.Encoding}
		if got != want {
			t.Errorf("Apply(  erin  ) made %+v; want %+v", got, want)
		}
		if !u.InGroup(store.GroupSysop) {
			t.Errorf("Apply(erin), the first account: groups %v; want sysop", u.Groups)
		}
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); err != nil {
		t.Errorf("Login(erin) after Apply = %v; want nil", err)
	}

	// Optional fields may be left empty; the second account is no sysop.
	second, err := f.svc.Apply(t.Context(), account.Application{Handle: "frank", Password: password})
	if err != nil {
		t.Fatalf("Apply(frank) without optional fields = %v", err)
	}
	for _, u := range []*store.User{second, f.stored("frank")} {
		if u.InGroup(store.GroupSysop) {
			t.Errorf("Apply(frank), the second account: groups %v; want no sysop", u.Groups)
		}
	}

	for _, h := range []string{"erin", "ERIN", " Erin "} {
		u, err := f.svc.Apply(t.Context(), account.Application{Handle: h, Password: password})
		if !errors.Is(err, account.ErrHandleTaken) || !errors.Is(err, store.ErrExists) || u != nil {
			t.Errorf("Apply(%q) with erin taken = %v, %v; want %v (and store.ErrExists)", h, u, err, account.ErrHandleTaken)
		}
	}
}

// Applications racing on an empty board make one sysop, not none or two.
func TestApplyRaceMakesOneSysop(t *testing.T) {
	t.Parallel()
	for round := range 3 {
		f := newFixture(t, setup{})
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = f.svc.Apply(t.Context(), account.Application{Handle: fmt.Sprintf("caller%d", i), Password: password})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: Apply(caller%d) = %v", round, i, err)
			}
		}
		list, err := f.svc.List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var sysops []string
		for _, u := range list {
			if u.InGroup(store.GroupSysop) {
				sysops = append(sysops, u.Handle)
			}
		}
		if len(list) != n || len(sysops) != 1 {
			t.Errorf("round %d: %d racing applications made %d accounts, sysops %v; want %d, exactly one", round, n, len(list), sysops, n)
		}
	}
}

// The sysop who creates accounts says who is a sysop: unlike Apply, the
// first account Created is none unless asked.
func TestCreate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	u, err := f.svc.Create(t.Context(), account.Application{Handle: "erin", Password: password}, false)
	if err != nil {
		t.Fatalf("Create(erin, false) = %v", err)
	}
	if u.InGroup(store.GroupSysop) || f.stored("erin").InGroup(store.GroupSysop) {
		t.Errorf("Create(erin, false) on an empty board: groups %v; want no sysop", u.Groups)
	}
	u, err = f.svc.Create(t.Context(), account.Application{Handle: "frank", Password: password}, true)
	if err != nil {
		t.Fatalf("Create(frank, true) = %v", err)
	}
	if !u.InGroup(store.GroupSysop) || !f.stored("frank").InGroup(store.GroupSysop) {
		t.Errorf("Create(frank, true): groups %v; want sysop", u.Groups)
	}
	// The board is not empty: an application is no sysop.
	u, err = f.svc.Apply(t.Context(), account.Application{Handle: "grace", Password: password})
	if err != nil {
		t.Fatalf("Apply(grace) = %v", err)
	}
	if u.InGroup(store.GroupSysop) {
		t.Errorf("Apply(grace) after Create: groups %v; want no sysop", u.Groups)
	}
	// Create checks the same rules.
	_, err = f.svc.Create(t.Context(), account.Application{Handle: "root", Password: password}, true)
	wantInvalid(t, "Create(root, true)", err, "handle", "That name is reserved.")
	if _, err := f.svc.Create(t.Context(), account.Application{Handle: "Erin", Password: password}, false); !errors.Is(err, account.ErrHandleTaken) {
		t.Errorf("Create(Erin) with erin taken = %v; want %v", err, account.ErrHandleTaken)
	}
}

func TestCheckHandle(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	tests := []struct {
		handle string
		want   error
	}{
		{"grace", nil},
		{" grace ", nil},
		{"erin", account.ErrHandleTaken},
		{"ERIN", account.ErrHandleTaken},
		{"  erin", account.ErrHandleTaken},
		{"sysop", account.ErrInvalid},
		{"ab", account.ErrInvalid},
		{"er/in", account.ErrInvalid},
	}
	for _, tt := range tests {
		err := f.svc.CheckHandle(t.Context(), tt.handle)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("CheckHandle(%q) = %v; want %v", tt.handle, err, tt.want)
		}
	}
	if err := f.svc.CheckHandle(t.Context(), "erin"); !errors.Is(err, store.ErrExists) {
		t.Errorf("CheckHandle(erin) = %v; want it to match store.ErrExists too", err)
	}
	wantInvalid(t, "CheckHandle(sysop)", f.svc.CheckHandle(t.Context(), "sysop"), "handle", "That name is reserved.")
}
