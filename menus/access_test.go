package menus

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/access"
)

func TestParseAccess(t *testing.T) {
	src := `title = "T"

[[entry]]
key = "d"
label = "Doors"
screen = "doors"
level = 10

[[entry]]
key = "e"
label = "Elite"
menu = "elite"
level = 50
group = "elite"

[[entry]]
key = "g"
label = "Goodbye"
logoff = true
`
	m, err := Parse("m.toml", "m", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []access.Need{{Level: 10}, {Level: 50, Group: "elite"}, {}}
	for i, e := range m.Entries {
		if e.Need() != want[i] {
			t.Errorf("entry %q Need() = %+v; want %+v", e.Key, e.Need(), want[i])
		}
	}
}

func TestParseAccessErrors(t *testing.T) {
	entry := func(extra string) string {
		return "title = \"T\"\n\n[[entry]]\nkey = \"a\"\nlabel = \"A\"\nscreen = \"who\"\n" + extra
	}
	for _, tc := range []struct{ name, src, want string }{
		{"level too high", entry("level = 300\n"), "m.toml:7: entry.level: must be between 0 and 255 (got 300)"},
		{"level negative", entry("level = -1\n"), "m.toml:7: entry.level: must be between 0 and 255 (got -1)"},
		{"level not a number", entry("level = \"ten\"\n"), "m.toml:7: entry.level: wrong type: "},
		{"group upper case", entry("group = \"Staff\"\n"),
			"m.toml:7: entry.group: \"Staff\" is not a group name: 1 to 32 lower-case letters, digits, '-' and '_', starting with a letter"},
		{"group too long", entry("group = \"" + strings.Repeat("a", 33) + "\"\n"), "m.toml:7: entry.group: \"aaaa"},
		{"group not a string", entry("group = 5\n"), "m.toml:7: entry.group: wrong type: "},
		{"group sysop", entry("group = \"sysop\"\n"), `m.toml:7: entry.group: "sysop" cannot be required: use sysop = true`},
		{"group locked", entry("group = \"locked\"\n"), `m.toml:7: entry.group: "locked" cannot be required: locked and unvalidated`},
		{"group unvalidated", entry("group = \"unvalidated\"\n"), `m.toml:7: entry.group: "unvalidated" cannot be required`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("m.toml", "m", []byte(tc.src))
			var me *Error
			if !errors.As(err, &me) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant an *Error starting %q", err, tc.want)
			}
		})
	}
}

// The main menu must let every caller log off: a log off entry that needs
// a level or a group does not count.
func TestCheckLogoffForEveryone(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.toml", "title = \"M\"\n[[entry]]\nkey = \"g\"\nlabel = \"Bye\"\nlogoff = true\nlevel = 10\n", time.Now())
	errs := Check(dir, builtin, nil)
	found := false
	for _, err := range errs {
		found = found || strings.Contains(err.Error(), "main: the main menu has no log off entry")
	}
	if !found {
		t.Errorf("Check = %v; want the main menu's log off entry refused", errs)
	}
}
