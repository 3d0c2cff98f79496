package account_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// New accounts start at the board's level: sysops at the highest, and
// applicants on a board with validation waiting for it.
func TestNewAccountsAccess(t *testing.T) {
	t.Parallel()
	type made struct {
		level       int
		unvalidated bool
	}
	tests := []struct {
		name       string
		newLevel   int
		validation bool
		make       func(f *fixture) (*store.User, error)
		want       made
	}{
		{"applicant, defaults", 0, false, apply("erin"), made{store.DefaultLevel, false}},
		{"applicant, level 20", 20, false, apply("erin"), made{20, false}},
		{"applicant, level zero", account.LevelZero, false, apply("erin"), made{0, false}},
		{"applicant, validation", 0, true, apply("erin"), made{store.DefaultLevel, true}},
		{"sysop's account, validation", 30, true, create("erin", false), made{30, false}},
		{"sysop, validation", 30, true, create("erin", true), made{store.MaxLevel, false}},
		{"setup code, validation", 30, true, func(f *fixture) (*store.User, error) {
			code, err := f.svc.StartSetup(f.ctx)
			if err != nil {
				return nil, err
			}
			return f.svc.Apply(f.ctx, account.Application{Handle: "erin", Password: password, SetupCode: code})
		}, made{store.MaxLevel, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, setup{config: func(c *account.Config) { c.NewLevel, c.Validation = tt.newLevel, tt.validation }})
			u, err := tt.make(f)
			if err != nil {
				t.Fatal(err)
			}
			stored := f.stored("erin")
			for _, got := range []*store.User{u, stored} {
				if g := (made{got.Level, access.Unvalidated(got)}); g != tt.want {
					t.Errorf("level %d, unvalidated %v; want %+v (groups %v)", g.level, g.unvalidated, tt.want, got.Groups)
				}
			}
		})
	}
}

func apply(handle string) func(f *fixture) (*store.User, error) {
	return func(f *fixture) (*store.User, error) {
		return f.svc.Apply(f.ctx, account.Application{Handle: handle, Password: password})
	}
}

func create(handle string, sysop bool) func(f *fixture) (*store.User, error) {
	return func(f *fixture) (*store.User, error) {
		return f.svc.Create(f.ctx, account.Application{Handle: handle, Password: password}, sysop)
	}
}

func TestNewLevelOutOfRange(t *testing.T) {
	t.Parallel()
	for _, level := range []int{-2, store.MaxLevel + 1} {
		f := newFixture(t, setup{})
		_, err := account.New(t.Context(), account.Config{Users: f.st.Users, NewLevel: level})
		if err == nil {
			t.Errorf("New(NewLevel %d) = nil error; want one", level)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{config: func(c *account.Config) { c.Validation = true }})
	if _, err := apply("erin")(f); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetGroups(f.ctx, "erin", []string{"staff"}); err != nil {
		t.Fatal(err)
	}
	if u := f.stored("erin"); !access.Unvalidated(u) || (access.Need{Group: "staff"}).Allows(u) {
		t.Fatalf("before Validate: groups %v; want unvalidated, and staff not counted", u.Groups)
	}
	u, was, err := f.svc.ValidateWaiting(f.ctx, "ERIN")
	if err != nil || !was {
		t.Fatalf("ValidateWaiting(ERIN) = %v, %v; want it was waiting", was, err)
	}
	if access.Unvalidated(u) || !slices.Equal(f.stored("erin").Groups, []string{"staff"}) {
		t.Errorf("after Validate: groups %v, stored %v; want [staff]", u.Groups, f.stored("erin").Groups)
	}
	if !(access.Need{Level: store.DefaultLevel, Group: "staff"}).Allows(u) {
		t.Errorf("after Validate the level and group do not count")
	}
	// Again: nothing to do, no error, and it says so.
	if _, err := f.svc.Validate(f.ctx, "erin"); err != nil {
		t.Errorf("Validate(erin) again = %v", err)
	}
	if _, was, err := f.svc.ValidateWaiting(f.ctx, "erin"); err != nil || was {
		t.Errorf("ValidateWaiting(erin) again = %v, %v; want it was not waiting", was, err)
	}
	if _, err := f.svc.Validate(f.ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Validate(nobody) = %v; want store.ErrNotFound", err)
	}
}

func TestSetLevel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	for _, level := range []int{0, 1, 100, store.MaxLevel} {
		u, err := f.svc.SetLevel(f.ctx, "erin", level)
		if err != nil || u.Level != level || f.stored("erin").Level != level {
			t.Errorf("SetLevel(erin, %d) = %v; stored %d", level, err, f.stored("erin").Level)
		}
	}
	for _, level := range []int{-1, store.MaxLevel + 1, 300} {
		_, err := f.svc.SetLevel(f.ctx, "erin", level)
		wantInvalid(t, "SetLevel(300)", err, "level", "Levels are whole numbers from 0 to 255.")
	}
	if f.stored("erin").Level != store.MaxLevel {
		t.Errorf("a refused level changed the account")
	}
	if _, err := f.svc.SetLevel(f.ctx, "nobody", 5); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetLevel(nobody) = %v; want store.ErrNotFound", err)
	}
}

func TestParseLevel(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{{"0", 0, true}, {" 42 ", 42, true}, {"255", 255, true}, {"256", 0, false}, {"-1", 0, false}, {"ten", 0, false}, {"", 0, false}} {
		got, err := account.ParseLevel(tt.in)
		if (err == nil) != tt.ok || tt.ok && got != tt.want {
			t.Errorf("ParseLevel(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, account.ErrInvalid) {
			t.Errorf("ParseLevel(%q) = %v; want ErrInvalid", tt.in, err)
		}
	}
}

func TestSetGroups(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{config: func(c *account.Config) { c.Validation = true }})
	if _, err := apply("erin")(f); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetLocked(f.ctx, "erin", true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		groups []string
		want   []string // as stored after; nil when refused
		msg    string
	}{
		{"two, sorted, duplicates dropped", []string{"staff", "elite", "staff"}, []string{"elite", "locked", "staff", "unvalidated"}, ""},
		{"none keeps the board's", nil, []string{"locked", "unvalidated"}, ""},
		{"parsed", account.ParseGroups("co-sysop_2, staff  elite"), []string{"co-sysop_2", "elite", "locked", "staff", "unvalidated"}, ""},
		{"upper case", []string{"Staff"}, nil, `"Staff" is not a group name: use lower-case letters, digits, '-' and '_', starting with a letter.`},
		{"space", []string{"st aff"}, nil, `"st aff" is not a group name: use lower-case letters, digits, '-' and '_', starting with a letter.`},
		{"too long", []string{"abcdefghijklmnopqrstuvwxyzabcdefg"}, nil, `"abcdefghijklmnopqrstuvwxyzabcdefg" is not a group name: groups have 1 to 32 characters.`},
		{"empty", []string{""}, nil, `"" is not a group name: groups have 1 to 32 characters.`},
		{"sysop", []string{"staff", "sysop"}, nil, `"sysop" is not set with the other groups: sysop, locked and unvalidated have their own commands.`},
		{"unvalidated", []string{"unvalidated"}, nil, `"unvalidated" is not set with the other groups: sysop, locked and unvalidated have their own commands.`},
	}
	for _, tt := range tests {
		before := f.stored("erin").Groups
		_, err := f.svc.SetGroups(f.ctx, "erin", tt.groups)
		after := f.stored("erin").Groups
		if tt.want == nil {
			wantInvalid(t, tt.name, err, "groups", tt.msg)
			if !slices.Equal(after, before) {
				t.Errorf("%s: refused, but the groups changed from %v to %v", tt.name, before, after)
			}
			continue
		}
		if err != nil || !slices.Equal(after, tt.want) {
			t.Errorf("%s: SetGroups(%q) = %v; stored %v; want %v", tt.name, tt.groups, err, after, tt.want)
		}
	}
	if got := account.OrdinaryGroups(f.stored("erin")); !slices.Equal(got, []string{"co-sysop_2", "elite", "staff"}) {
		t.Errorf("OrdinaryGroups = %v", got)
	}
}

// SetSysop(true) lifts the level to the highest and ends any wait for
// validation; taking it away leaves the level to the sysop.
func TestSetSysopLevel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{config: func(c *account.Config) { c.Validation = true }})
	if _, err := apply("erin")(f); err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.SetSysop(f.ctx, "erin", true)
	if err != nil || u.Level != store.MaxLevel || access.Unvalidated(u) || !u.Sysop() {
		t.Fatalf("SetSysop(erin, true) = %+v, %v; want a validated sysop at %d", u, err, store.MaxLevel)
	}
	u, err = f.svc.SetSysop(f.ctx, "erin", false)
	if err != nil || u.Sysop() || u.Level != store.DefaultLevel {
		t.Errorf("SetSysop(erin, false) = %+v, %v; want no sysop, back at the new accounts' level %d", u, err, store.DefaultLevel)
	}
	// An account that was no sysop keeps its level.
	if _, err := f.svc.SetLevel(f.ctx, "erin", 77); err != nil {
		t.Fatal(err)
	}
	u, err = f.svc.SetSysop(f.ctx, "erin", false)
	if err != nil || u.Level != 77 {
		t.Errorf("SetSysop(erin, false) of no sysop = %+v, %v; want level 77 kept", u, err)
	}
	// The board's own new level counts.
	g := newFixture(t, setup{config: func(c *account.Config) { c.NewLevel = 5 }})
	if _, err := apply("gus")(g); err != nil {
		t.Fatal(err)
	}
	if _, err := g.svc.SetSysop(g.ctx, "gus", true); err != nil {
		t.Fatal(err)
	}
	if u, err := g.svc.SetSysop(g.ctx, "gus", false); err != nil || u.Level != 5 {
		t.Errorf("SetSysop(gus, false) with NewLevel 5 = %+v, %v; want level 5", u, err)
	}
}

func TestSetLanguage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	u, err := apply("lingo")(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, want string }{{"de", "de"}, {"pt-br", "pt-BR"}, {"", ""}} {
		got, err := f.svc.SetLanguage(f.ctx, u.ID, tt.in)
		if err != nil || got.Language != tt.want {
			t.Errorf("SetLanguage(%q) = %v, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"not a tag", strings.Repeat("a", 40), "und"} {
		if _, err := f.svc.SetLanguage(f.ctx, u.ID, bad); !errors.Is(err, account.ErrInvalid) {
			t.Errorf("SetLanguage(%q) = %v; want ErrInvalid", bad, err)
		}
	}
	if got := f.stored("lingo").Language; got != "" {
		t.Errorf("stored language = %q; want the last good one, \"\"", got)
	}
}
