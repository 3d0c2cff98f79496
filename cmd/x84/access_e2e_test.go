package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/e2e"
)

// accessConfig is a board whose applicants wait for validation, with a
// message area and a door that need a level above the default.
func accessConfig(t *testing.T) string {
	return fmt.Sprintf(`
[access]
validation = true

[access.areas.x84]
level = 30

[[door]]
name = "lobby"
key = "l"
label = "Lobby door"
command = %[1]q
args = ["echo"]

[[door]]
name = "vault"
key = "v"
label = "The vault"
command = %[1]q
args = ["echo"]
level = 20
`, testDoor(t))
}

// userCLI runs `x84 user ARGS…` on the board's data directory (through
// its control socket while it runs) and returns the output and the exit
// status.
func (s *server) userCLI(args ...string) (string, int) {
	cmd := exec.Command(x84Bin, append([]string{"--data", s.dir, "user"}, args...)...)
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}

// TestAccessValidation: with Debian's telnet, a caller applies on a board
// with validation, is told the account awaits the sysop, and does not see
// messages, files or doors; the sysop validates with `x84 user validate`
// through the running server and the next menu shows them. A door and a
// message area that need level 20 and 30 stay hidden until `x84 user
// level` gives the level; bad values are refused with the rule's words.
func TestAccessValidation(t *testing.T) {
	s := startX84(t, accessConfig(t))
	s.addUser(t, "alice", "wonderland", true)
	tm := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	tm.waitScreen("Handle:")
	tm.keys("new", "Enter")
	tm.waitScreen("Apply for an account")
	tm.keys("bob", "Enter", "bobs-password", "Enter", "bobs-password", "Enter", "Bob", "Enter", "Bobtown", "Enter",
		"bob@example.org", "Enter")
	tm.waitScreen("Create the account bob?")
	tm.keys("y")
	tm.waitScreen("Your account awaits a sysop's validation;")
	tm.waitScreen("until then only part of the board is open to you.")
	tm.keys("Enter")
	menu := tm.waitScreen("[G] Goodbye (log off)")
	for _, hidden := range []string{"Messages", "Files", "Doors", "Voting", "Extras"} {
		if strings.Contains(menu, hidden) {
			t.Errorf("an unvalidated caller sees %q:\n%s", hidden, menu)
		}
	}
	if !strings.Contains(menu, "[O] One-liners") {
		t.Errorf("an unvalidated caller does not see the one-liners:\n%s", menu)
	}

	// The sysop's list shows who waits, and the levels.
	out, code := s.userCLI("list")
	if code != 0 || !strings.Contains(out, "LEVEL") || !regexpLine(out, `bob\s+unvalidated\s+10\s`) || !regexpLine(out, `alice\s+sysop\s+255\s`) {
		t.Errorf("x84 user list: exit %d\n%s", code, out)
	}
	if out, code := s.userCLI("validate", "bob"); code != 0 || !strings.Contains(out, "Validated bob.") {
		t.Fatalf("x84 user validate bob: exit %d, %s", code, out)
	}
	if out, code := s.userCLI("validate", "bob"); code != 0 || !strings.Contains(out, "bob was not awaiting validation.") {
		t.Errorf("x84 user validate bob again: exit %d, %s", code, out)
	}
	// Through the running server: its account service logged it.
	waitLog(t, s, `msg="account validated" user=bob level=10`)

	// The next menu drawn shows what bob may use now.
	tm.keys("w")
	tm.waitScreen("[p] page")
	tm.keys("q")
	tm.waitScreen("[M] Messages")
	tm.waitScreen("[D] Doors")
	tm.waitScreen("[F] Files")
	tm.keys("d")
	doors := tm.waitScreen("[L] Lobby door")
	if strings.Contains(doors, "The vault") {
		t.Errorf("a level 10 caller's Doors menu lists a level 20 door:\n%s", doors)
	}
	tm.keys("q")
	tm.waitScreen("[M] Messages")
	tm.keys("m")
	areas := tm.waitScreen("[1] general")
	if strings.Contains(areas, "[2]") {
		t.Errorf("a level 10 caller's message areas list a level 30 area:\n%s", areas)
	}
	tm.keys("q")
	tm.waitScreen("[M] Messages")

	// Refused values, each in the rule's words; nothing changes.
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"level", "bob", "300"}, "x84 user level: Levels are whole numbers from 0 to 255."},
		{[]string{"level", "bob", "ten"}, "x84 user level: Levels are whole numbers from 0 to 255."},
		{[]string{"level", "bob", "-1"}, "x84 user level: Levels are whole numbers from 0 to 255."},
		{[]string{"level", "-5", "bob"}, "x84 user level: Levels are whole numbers from 0 to 255."},
		{[]string{"groups", "bob", "staff,Bad!"}, `x84 user groups: "Bad!" is not a group name`},
		{[]string{"groups", "bob", "sysop"}, `x84 user groups: "sysop" is not set with the other groups`},
		{[]string{"validate", "nobody"}, `x84 user validate: no user "nobody"`},
		{[]string{"level", "bob"}, "x84 user level: wrong arguments"},
	} {
		out, code := s.userCLI(tt.args...)
		if code == 0 || !strings.Contains(out, tt.want) {
			t.Errorf("x84 user %s: exit %d, %q; want a failure saying %q", strings.Join(tt.args, " "), code, out, tt.want)
		}
	}

	// Level 30 opens the vault and the x84 area from the next menu on.
	if out, code := s.userCLI("level", "bob", "30"); code != 0 || !strings.Contains(out, "Set the level of bob to 30.") {
		t.Fatalf("x84 user level bob 30: exit %d, %s", code, out)
	}
	if out, code := s.userCLI("groups", "bob", "staff, elite, staff"); code != 0 || !strings.Contains(out, "Set the groups of bob to elite, staff.") {
		t.Fatalf("x84 user groups: exit %d, %s", code, out)
	}
	if out, _ := s.userCLI("list"); !regexpLine(out, `bob\s+elite,staff\s+30\s`) {
		t.Errorf("x84 user list after level and groups:\n%s", out)
	}
	tm.keys("w")
	tm.waitScreen("[p] page")
	tm.keys("q")
	tm.waitScreen("[D] Doors")
	tm.keys("d")
	tm.waitScreen("[V] The vault")
	tm.keys("v")
	tm.waitScreen("READY size=100x30")
	tm.keys("q")
	tm.waitScreen("Doors on x84")
	tm.keys("q")
	tm.waitScreen("[M] Messages")
	tm.keys("m")
	tm.waitScreen("[2] x84")
	tm.keys("q")
	tm.keys("g", "y")
	tm.waitScreen("Thanks for calling")

	// Logging in again: no notice, and everything bob may use.
	tm2 := newTmux(t, 100, 30, "telnet 127.0.0.1 "+s.port())
	tm2.login("bob", "bobs-password")
	if s := tm2.waitScreen("[D] Doors"); strings.Contains(s, "validation") {
		t.Errorf("a validated caller is told of validation:\n%s", s)
	}
}

// regexpLine reports whether a line of out starts with a match of re.
func regexpLine(out, re string) bool { return regexp.MustCompile(`(?m)^` + re).MatchString(out) }

// TestAccessCommandsOffline: the same commands work on the database
// when no server runs.
func TestAccessCommandsOffline(t *testing.T) {
	s := &server{dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(s.dir, "x84.toml"), []byte(testConfig("[access]\nnew_level = 5\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	s.addUser(t, "carl", "carls-password", false)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"list"}, "carl"},
		{[]string{"level", "carl", "50"}, "Set the level of carl to 50."},
		{[]string{"groups", "carl", "staff"}, "Set the groups of carl to staff."},
		{[]string{"groups", "carl", "elite staff elite"}, "Set the groups of carl to elite, staff."},
		{[]string{"validate", "carl"}, "carl was not awaiting validation."},
	} {
		if out, code := s.userCLI(tt.args...); code != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("x84 user %s: exit %d, %q; want %q", strings.Join(tt.args, " "), code, out, tt.want)
		}
	}
	out, _ := s.userCLI("list", "--json")
	if !strings.Contains(out, `"level": 50`) || !strings.Contains(out, `"staff"`) {
		t.Errorf("x84 user list --json printed %s", out)
	}
	// x84 user add gives [access] new_level.
	s.addUser(t, "dora", "doras-password", false)
	if out, _ := s.userCLI("list"); !regexpLine(out, `dora\s+5\s`) {
		t.Errorf("x84 user list: dora is not at new_level 5:\n%s", out)
	}
}

// TestAccessSFTP: with OpenSSH's sftp, the folders of file areas that
// need a level, or a sysop, are neither listed nor served to a caller
// below it; `x84 user level` opens them from the next transfer on.
func TestAccessSFTP(t *testing.T) {
	e2e.LookPath(t, "sftp", "sshpass")
	s := startX84(t, `
[[files.area]]
name = "Public"
dir = "pub"

[[files.area]]
name = "Elite"
dir = "elite"
level = 50

[[files.area]]
name = "Vault"
dir = "vault"
sysop_only = true
`)
	for name, body := range map[string]string{"pub/hello.txt": "hello", "elite/warez.txt": "elite", "vault/gold.txt": "gold"} {
		p := filepath.Join(s.dir, "files", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s.addUser(t, "carl", "carls-password", false)
	local := t.TempDir()
	batch := "ls -1 /\n-ls -1 /elite\n-get /elite/warez.txt " + local + "/w.txt\n-get /vault/gold.txt " + local + "/g.txt\nget /pub/hello.txt " + local + "/h.txt\n"
	out, ok := runSFTPBatch(t, s, "carl", "carls-password", batch)
	if !ok || !strings.Contains(out, "pub") || strings.Contains(out, "warez.txt\n") {
		t.Errorf("sftp at level 10: ok=%v\n%s", ok, out)
	}
	for _, hidden := range []string{"elite\n", "vault\n"} {
		if strings.Contains(strings.SplitN(out, "sftp> -ls", 2)[0], hidden) {
			t.Errorf("sftp at level 10 lists %q in the root:\n%s", hidden, out)
		}
	}
	if !strings.Contains(out, `"/elite/warez.txt" not found`) && !strings.Contains(out, "No such file") {
		t.Errorf("get /elite/warez.txt at level 10 was not refused as missing:\n%s", out)
	}
	for _, f := range []string{"w.txt", "g.txt"} {
		if _, err := os.Stat(filepath.Join(local, f)); err == nil {
			t.Errorf("sftp at level 10 fetched %s", f)
		}
	}
	if b, err := os.ReadFile(filepath.Join(local, "h.txt")); err != nil || string(b) != "hello" {
		t.Errorf("the public file: %q, %v", b, err)
	}

	if out, code := s.userCLI("level", "carl", "50"); code != 0 {
		t.Fatalf("x84 user level carl 50: exit %d, %s", code, out)
	}
	out, ok = runSFTPBatch(t, s, "carl", "carls-password", "ls -1 /\nget /elite/warez.txt "+local+"/w.txt\n-get /vault/gold.txt "+local+"/g.txt\n")
	if !ok || !strings.Contains(out, "elite") {
		t.Errorf("sftp at level 50: ok=%v\n%s", ok, out)
	}
	if b, err := os.ReadFile(filepath.Join(local, "w.txt")); err != nil || string(b) != "elite" {
		t.Errorf("the elite file at level 50: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(local, "g.txt")); err == nil {
		t.Errorf("sftp at level 50 fetched the sysop's file")
	}
}

// TestAccessMenusCheckNewLevel: `x84 menus check` warns when new
// accounts' level is below what the built-in main menu's entries need
// (level 10), and not at the default.
func TestAccessMenusCheckNewLevel(t *testing.T) {
	for _, tt := range []struct {
		conf, want string
	}{
		{"[access]\nnew_level = 5\n", "x84 menus check: warning: [access] new_level is 5, below level 10, the lowest a main menu entry needs: " +
			"new accounts will not see Messages, Voting booth, Files, Doors, Extras until a sysop raises their level"},
		{"", ""},
		{"[access]\nnew_level = 10\n", ""},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(testConfig(tt.conf)), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(x84Bin, "--data", dir, "menus", "check")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "are good") {
			t.Errorf("menus check with %q: %v\n%s", tt.conf, err, out)
		}
		if got := strings.Contains(string(out), "warning"); got != (tt.want != "") || !strings.Contains(string(out), tt.want) {
			t.Errorf("menus check with %q printed\n%s\nwant %q", tt.conf, out, tt.want)
		}
	}
}
