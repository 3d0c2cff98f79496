package art

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/x84bbs/x84/term"
)

// builtinHeights gives the rows each built-in file may have, so every
// screen still fits 80x24 under its art.
var builtinHeights = map[string][2]int{
	"login":       {10, 12},
	"newuser":     {4, 6},
	"main":        {4, 6},
	"oneliners":   {3, 4},
	"lastcallers": {3, 4},
	"who":         {3, 4},
	"profile":     {3, 4},
	"goodbye":     {8, 12},
}

func TestBuiltinArt(t *testing.T) {
	l := NewLibrary("")
	var want []string
	for name := range builtinHeights {
		want = append(want, name)
	}
	slices.Sort(want)
	if got := l.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %q; want %q", got, want)
	}
	for _, name := range want {
		t.Run(name, func(t *testing.T) {
			a, err := l.Load(name)
			if err != nil {
				t.Fatalf("Load(%q) error %v", name, err)
			}
			s := a.SAUCE
			if s == nil {
				t.Fatalf("Load(%q) has no SAUCE record", name)
			}
			if s.Title == "" || s.Author != "x84" || s.Group != "x84" || s.Width != 80 || s.ICEColors ||
				s.DataType != DataTypeCharacter || s.FileType != FileTypeANSI || s.Date.IsZero() {
				t.Errorf("Load(%q) SAUCE = %+v; want titled 80-wide x84 ANSI without iCE colours", name, s)
			}
			h := a.Height()
			if r := builtinHeights[name]; h < r[0] || h > r[1] || h != s.Height {
				t.Errorf("Load(%q) Height() = %d, SAUCE height %d; want %d–%d", name, h, s.Height, r[0], r[1])
			}
			out := a.Render(80, 0)
			checkRendering(t, out, 80, 0)
			if n := strings.Count(out, "\r\n"); n != h {
				t.Errorf("Load(%q) renders %d rows; want %d", name, n, h)
			}
			checkRoundTrip(t, a, out)
		})
	}
}

// sgr matches the escape sequences and line ends in art and renderings.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m|\r\n")

// checkRoundTrip checks that a CP437 terminal is sent the very characters
// of the file: rendering to UTF-8 and encoding to CP437 loses none.
func checkRoundTrip(t *testing.T, a *Art, out string) {
	t.Helper()
	var e term.CP437Encoder
	got := sgr.ReplaceAllString(string(e.Flush(e.Append(nil, []byte(out)))), "")
	want := sgr.ReplaceAllString(string(a.Body), "")
	if got != want {
		t.Errorf("%s: CP437 of the rendering = %q; want %q", a.Name, got, want)
	}
}

// TestUpperHalfRoundTrip checks that every CP437 byte from 0x80 up comes
// back exactly when a rendering is encoded for a CP437 terminal.
func TestUpperHalfRoundTrip(t *testing.T) {
	var body []byte
	for b := 0x80; b <= 0xff; b++ {
		body = append(body, byte(b))
	}
	body = append(body, '|')
	a := &Art{Name: "upper half", SAUCE: &SAUCE{Width: 200}, Body: body}
	checkRoundTrip(t, a, a.Render(0, 0))
}

// TestShowArt prints every built-in file as a terminal shows it, for
// checking the art by eye: go test ./art -run ShowArt -v.
func TestShowArt(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("prints only with -v")
	}
	l := NewLibrary("")
	for _, name := range l.Names() {
		a, err := l.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s (%dx%d):\n%s\n", name, a.Width(), a.Height(), a.Render(80, 0))
	}
}

// writeFiles creates files in dir, with their parent directories.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func builtinBody(t *testing.T, name string) string {
	t.Helper()
	a, err := NewLibrary("").Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(a.Body)
}

func TestLoadOverride(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "art")
	writeFiles(t, dir, map[string]string{
		"login.ans":       "my own login\x1a",
		"extra.ans":       "extra art",
		"main.ans":        "damaged\x1a" + recComments,
		"mine.ans":        "damaged\x1a" + recComments,
		"who.ans/x":       "a directory named who.ans",
		".hidden.ans":     "hidden",
		"notes.txt":       "not art",
		"big.ans":         strings.Repeat("x", maxFileSize+1),
		"sub/profile.ans": "in a subdirectory",
	})
	writeFiles(t, base, map[string]string{"secret.ans": "outside the art directory"})
	for link, target := range map[string]string{
		"goodbye.ans":  filepath.Join(base, "secret.ans"), // absolute, outside
		"oneliners.an": "../secret.ans",                   // not .ans: never looked at
		"newuser.ans":  "../secret.ans",                   // relative, outside
		"same.ans":     "extra.ans",                       // inside: allowed
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	l := NewLibrary(dir)

	for _, tt := range []struct {
		name     string
		body     string // "" for none
		override bool   // an *OverrideError is expected
	}{
		{"login", "my own login", false},
		{"extra", "extra art", false},
		{"same", "extra art", false},
		{"lastcallers", builtinBody(t, "lastcallers"), false},
		{"main", builtinBody(t, "main"), true},
		{"mine", "", true},
		{"who", builtinBody(t, "who"), true},
		{"big", "", true},
		{"goodbye", builtinBody(t, "goodbye"), true},
		{"newuser", builtinBody(t, "newuser"), true},
		{"profile", builtinBody(t, "profile"), false},
	} {
		a, err := l.Load(tt.name)
		var oe *OverrideError
		if tt.override != errors.As(err, &oe) || !tt.override && err != nil {
			t.Errorf("Load(%q) error %v; want an OverrideError: %v", tt.name, err, tt.override)
		}
		if oe != nil && !strings.HasPrefix(oe.Path, dir) {
			t.Errorf("Load(%q) OverrideError.Path = %q; want a file in %q", tt.name, oe.Path, dir)
		}
		switch {
		case tt.body == "" && a != nil:
			t.Errorf("Load(%q) = %q; want nil", tt.name, a.Body)
		case tt.body != "" && (a == nil || string(a.Body) != tt.body):
			t.Errorf("Load(%q) = %+v; want body %.40q", tt.name, a, tt.body)
		}
		if a != nil && strings.Contains(string(a.Body), "outside") {
			t.Errorf("Load(%q) read a file outside the art directory", tt.name)
		}
	}

	if _, err := l.Load("main"); !errors.Is(err, ErrBadSAUCE) {
		t.Errorf("Load(damaged main) error %v; want %v", err, ErrBadSAUCE)
	}
	got := l.Names()
	want := []string{"big", "extra", "goodbye", "lastcallers", "login", "main", "mine", "newuser", "oneliners", "profile", "same", "who"}
	if !slices.Equal(got, want) {
		t.Errorf("Names() = %q; want %q", got, want)
	}
}

func TestLoadNames(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"x.ans": "x"})
	l := NewLibrary(filepath.Join(dir, "art"))
	for _, name := range []string{
		"", ".", "..", "../login", "../art/login", "/etc/passwd", "a/b", `a\b`, ".hidden", "login.ans/..",
		"x\x00", "log in", "ünï", strings.Repeat("a", 65), filepath.Join(dir, "x"),
	} {
		if a, err := l.Load(name); !errors.Is(err, ErrBadName) || a != nil {
			t.Errorf("Load(%q) = %v, %v; want error %v", name, a, err, ErrBadName)
		}
	}
	if a, err := l.Load("nothing-here"); !errors.Is(err, ErrNotFound) || a != nil {
		t.Errorf("Load(nothing-here) = %v, %v; want error %v", a, err, ErrNotFound)
	}
	// A missing override directory is not an error.
	if a, err := l.Load("login"); err != nil || a == nil {
		t.Errorf("Load(login) with no override directory = %v, %v; want the built-in art", a, err)
	}
}

func TestLoadOverrideDirIsFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "art")
	writeFiles(t, filepath.Dir(file), map[string]string{"art": "a file"})
	a, err := NewLibrary(file).Load("login")
	var oe *OverrideError
	if a == nil || !errors.As(err, &oe) || oe.Path != file || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(login) = %v, %v; want built-in art and an OverrideError for %q", a, err, file)
	}
	if got, want := len(NewLibrary(file).Names()), len(builtinHeights); got != want {
		t.Errorf("Names() has %d names; want the %d built-in ones", got, want)
	}
}

// TestConcurrent loads and renders from many goroutines at once, for the
// race detector.
func TestConcurrent(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"login.ans": "\x1b[1;33mmine"})
	l := NewLibrary(dir)
	a, err := l.Load("goodbye")
	if err != nil {
		t.Fatal(err)
	}
	want := a.Render(80, 0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, name := range l.Names() {
				if b, err := l.Load(name); err != nil || b.Render(40, 10) == "" {
					t.Errorf("Load(%q) = %v, %v", name, b, err)
				}
			}
			if got := a.Render(80, 0); got != want {
				t.Errorf("Render differs between goroutines")
			}
		})
	}
	wg.Wait()
}

// TestLoadVariants: a sysop's NAME.ans and its variants (NAME2.ans,
// NAME-xmas.ans) are shown in turn at random; NAMEother.ans is another
// name's art.
func TestLoadVariants(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.ans":      "plain",
		"main2.ans":     "second",
		"main-xmas.ans": "festive",
		"mainmenu.ans":  "another screen",
	})
	l := NewLibrary(dir)
	seen := map[string]int{}
	for range 200 {
		a, err := l.Load("main")
		if err != nil {
			t.Fatal(err)
		}
		seen[string(a.Body)]++
	}
	if len(seen) != 3 || seen["another screen"] > 0 {
		t.Errorf("Load(main) 200 times showed %v; want plain, second and festive", seen)
	}
	if a, err := l.Load("mainmenu"); err != nil || string(a.Body) != "another screen" {
		t.Errorf("Load(mainmenu) = %v, %v", a, err)
	}
}
