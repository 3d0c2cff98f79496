package app

import (
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

// TestAccessWiring: [access] reaches the account service (the level of
// new accounts, validation), the message areas, the file areas and the
// doors.
func TestAccessWiring(t *testing.T) {
	for _, tt := range []struct {
		newLevel   int
		validation bool
	}{{0, false}, {10, true}, {77, false}} {
		dir := t.TempDir()
		st, err := sqlite.Open(t.Context(), filepath.Join(dir, DatabaseFile), sqlite.Config{})
		if err != nil {
			t.Fatal(err)
		}
		cfg := config.Default()
		cfg.Access.NewLevel, cfg.Access.Validation = tt.newLevel, tt.validation
		cfg.Access.Areas = map[string]*config.Need{"x84": {Level: 40, Group: "elite"}}
		cfg.Files.Areas = []config.FileArea{{Name: "Warez", Dir: "warez", Level: 90, Group: "elite"}}
		cfg.Doors = config.Doors{{Name: "lord", Key: "l", Command: "lord", Level: 20}}
		p, err := NewParts(t.Context(), dir, cfg, st, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		u, err := p.Accounts.Apply(t.Context(), account.Application{Handle: "erin", Password: "password1"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Level != tt.newLevel || access.Unvalidated(u) != tt.validation {
			t.Errorf("new_level %d, validation %v: Apply made level %d, groups %v", tt.newLevel, tt.validation, u.Level, u.Groups)
		}
		staff := &store.User{Level: 40, Groups: []string{"elite"}}
		if !p.Community.Messages.MayRead(staff, "x84") || p.Community.Messages.MayRead(&store.User{Level: 40}, "x84") {
			t.Errorf("[access.areas.x84] did not reach the message areas")
		}
		if d := p.Board.Doors[0]; d.Need != (access.Need{Level: 20}) {
			t.Errorf("door need = %+v; want level 20", d.Need)
		}
		// The file area's level 90 and group elite reach the Files
		// service: shown to an account that meets both, not one short.
		for _, acct := range []struct {
			user  *store.User
			warez bool
		}{
			{&store.User{ID: u.ID, Handle: u.Handle, Level: 90, Groups: []string{"elite"}}, true},
			{&store.User{ID: u.ID, Handle: u.Handle, Level: 89, Groups: []string{"elite"}}, false},
			{&store.User{ID: u.ID, Handle: u.Handle, Level: 90}, false},
		} {
			br, err := p.Files.Open(t.Context(), files.User{ID: u.ID, Handle: u.Handle, Account: acct.user})
			if err != nil {
				t.Fatal(err)
			}
			got := slices.ContainsFunc(br.Areas(), func(a files.Area) bool { return a.Name == "Warez" })
			br.Close()
			if got != acct.warez {
				t.Errorf("level %d, groups %v: Warez listed %v; want %v", acct.user.Level, acct.user.Groups, got, acct.warez)
			}
		}
		if err := p.Close(); err != nil {
			t.Error(err)
		}
		st.Close()
	}
}
