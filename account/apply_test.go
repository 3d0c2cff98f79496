package account_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

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
	// The first account applied for is no sysop: applying first gives
	// nothing (see TestSetupCode).
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
		if u.InGroup(store.GroupSysop) {
			t.Errorf("Apply(erin), the first account, with no setup code: groups %v; want no sysop", u.Groups)
		}
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); err != nil {
		t.Errorf("Login(erin) after Apply = %v; want nil", err)
	}

	// Optional fields may be left empty; the second account is no sysop
	// either.
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

// Applications racing with the setup code make one sysop, not none or
// two.
func TestApplyRaceMakesOneSysop(t *testing.T) {
	t.Parallel()
	for round := range 3 {
		f := newFixture(t, setup{})
		code, err := f.svc.StartSetup(t.Context())
		if err != nil || code == "" {
			t.Fatalf("StartSetup() = %q, %v; want a code", code, err)
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = f.svc.Apply(t.Context(), account.Application{Handle: fmt.Sprintf("caller%d", i), Password: password,
					SetupCode: code})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: Apply(caller%d) = %v", round, i, err)
			}
		}
		if sysops := f.sysops(); len(sysops) != 1 {
			t.Errorf("round %d: %d racing applications with the setup code made sysops %v; want exactly one", round, n, sysops)
		}
	}
}

// sysops returns the handles of the sysops, as the store holds them.
func (f *fixture) sysops() []string {
	f.t.Helper()
	list, err := f.svc.List(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	var sysops []string
	for _, u := range list {
		if u.InGroup(store.GroupSysop) {
			sysops = append(sysops, u.Handle)
		}
	}
	return sysops
}

var setupCodeRE = regexp.MustCompile(`^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$`)

// The setup code makes one applicant the sysop, once; a wrong code or
// none makes an ordinary account.
func TestSetupCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	ctx := t.Context()
	code, err := f.svc.StartSetup(ctx)
	if err != nil || !setupCodeRE.MatchString(code) {
		t.Fatalf("StartSetup() on an empty board = %q, %v; want a code like ABCD-EFGH-JKLM", code, err)
	}
	if again, err := f.svc.StartSetup(ctx); again != code || err != nil {
		t.Errorf("StartSetup() again = %q, %v; want the same %q", again, err, code)
	}
	if other := newFixture(t, setup{}); mustStart(t, other.svc) == code {
		t.Errorf("two boards made the same setup code %q", code)
	}
	waiting := func(want bool) {
		t.Helper()
		if got, err := f.svc.SetupWaiting(ctx); got != want || err != nil {
			t.Errorf("SetupWaiting() = %v, %v; want %v", got, err, want)
		}
	}
	waiting(true)
	wrong := "AAAA-BBBB-CCCC"
	if wrong == code {
		wrong = "DDDD-EEEE-FFFF"
	}
	// Each wrong code pauses; none is a login.
	for range 3 {
		start := time.Now()
		if err := f.svc.CheckSetupCode(ctx, wrong); !errors.Is(err, account.ErrSetupCode) {
			t.Errorf("CheckSetupCode(%q) = %v; want %v", wrong, err, account.ErrSetupCode)
		}
		if took := time.Since(start); took < fastDelay {
			t.Errorf("CheckSetupCode(wrong) answered after %v; want the failure pause, %v", took, fastDelay)
		}
	}
	// Typed loosely: lower case, spaces for dashes.
	loose := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	if err := f.svc.CheckSetupCode(ctx, loose); err != nil {
		t.Errorf("CheckSetupCode(%q) = %v; want nil", loose, err)
	}
	if len(f.heard()) != 0 {
		t.Errorf("wrong setup codes counted as logins: OnLogin heard %v", f.heard())
	}

	apply := func(handle, code string, wantSysop bool) {
		t.Helper()
		u, err := f.svc.Apply(ctx, account.Application{Handle: handle, Password: password, SetupCode: code})
		if err != nil {
			t.Fatalf("Apply(%s, code %q) = %v", handle, code, err)
		}
		for _, u := range []*store.User{u, f.stored(handle)} {
			if u.InGroup(store.GroupSysop) != wantSysop {
				t.Errorf("Apply(%s, code %q): groups %v; want sysop %v", handle, code, u.Groups, wantSysop)
			}
		}
	}
	apply("nocode", "", false)
	apply("wrongcode", wrong, false)
	waiting(true)
	// A taken handle spends nothing: the applicant chooses another.
	if _, err := f.svc.Apply(ctx, account.Application{Handle: "NoCode", Password: password, SetupCode: code}); !errors.Is(err, account.ErrHandleTaken) {
		t.Errorf("Apply(NoCode, the code) with nocode taken = %v; want %v", err, account.ErrHandleTaken)
	}
	waiting(true)
	apply("operator", loose, true)
	waiting(false)
	// Spent: the same code again makes an ordinary account.
	if err := f.svc.CheckSetupCode(ctx, code); !errors.Is(err, account.ErrSetupCode) {
		t.Errorf("CheckSetupCode(the spent code) = %v; want %v", err, account.ErrSetupCode)
	}
	apply("second", code, false)
	if got, err := f.svc.StartSetup(ctx); got != "" || err != nil {
		t.Errorf("StartSetup() with a sysop = %q, %v; want none", got, err)
	}
	if sysops := f.sysops(); len(sysops) != 1 || sysops[0] != "operator" {
		t.Errorf("sysops = %v; want [operator]", sysops)
	}
}

func mustStart(t *testing.T, s *account.Service) string {
	t.Helper()
	code, err := s.StartSetup(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// A Service whose setup never started makes no sysop by Apply, whatever
// code is given.
func TestSetupCodeNeverMade(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	if ok, err := f.svc.SetupWaiting(t.Context()); ok || err != nil {
		t.Errorf("SetupWaiting() without StartSetup = %v, %v; want false", ok, err)
	}
	for i, code := range []string{"", "AAAA-BBBB-CCCC", " "} {
		handle := fmt.Sprintf("caller%d", i)
		if err := f.svc.CheckSetupCode(t.Context(), code); !errors.Is(err, account.ErrSetupCode) {
			t.Errorf("CheckSetupCode(%q) without StartSetup = %v; want %v", code, err, account.ErrSetupCode)
		}
		u, err := f.svc.Apply(t.Context(), account.Application{Handle: handle, Password: password, SetupCode: code})
		if err != nil {
			t.Fatalf("Apply(%s, code %q) = %v", handle, code, err)
		}
		if u.InGroup(store.GroupSysop) {
			t.Errorf("Apply(%s, code %q) without StartSetup: groups %v; want no sysop", handle, code, u.Groups)
		}
	}
}

// A sysop made another way ends the wait for the setup code: by Create
// (`x84 user add --sysop` through the control socket) or in the store
// behind the Service's back (`x84 user add` on the database).
func TestSetupCodeSpentBySysop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		make func(*fixture)
	}{
		{"Create", func(f *fixture) {
			if _, err := f.svc.Create(f.ctx, account.Application{Handle: "grace", Password: password}, true); err != nil {
				f.t.Fatal(err)
			}
		}},
		{"store", func(f *fixture) {
			if err := f.st.Users.CreateUser(f.ctx, &store.User{Handle: "grace", Password: "x", Groups: []string{store.GroupSysop}}); err != nil {
				f.t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, setup{})
			code := mustStart(t, f.svc)
			// An ordinary account made by the sysop changes nothing.
			f.user("heidi", password)
			if ok, _ := f.svc.SetupWaiting(t.Context()); !ok {
				t.Errorf("SetupWaiting() after Create(heidi, no sysop) = false; want true")
			}
			tt.make(f)
			if ok, err := f.svc.SetupWaiting(t.Context()); ok || err != nil {
				t.Errorf("SetupWaiting() after a sysop was made = %v, %v; want false", ok, err)
			}
			u, err := f.svc.Apply(t.Context(), account.Application{Handle: "ivan", Password: password, SetupCode: code})
			if err != nil {
				t.Fatal(err)
			}
			if u.InGroup(store.GroupSysop) {
				t.Errorf("Apply(ivan, the code) after a sysop was made: groups %v; want no sysop", u.Groups)
			}
		})
	}
}

// The sysop who creates accounts says who is a sysop: the first account
// Created is none unless asked.
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
	// An application is no sysop.
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
