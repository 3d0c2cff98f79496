package art

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/term"
)

// builtinGallery is the gallery built into x84.
var builtinGallery = []string{"gallery/sunset", "gallery/x84"}

func TestGalleryBuiltin(t *testing.T) {
	l := NewLibrary("")
	if got := l.Gallery(); !slices.Equal(got, builtinGallery) {
		t.Fatalf("Gallery() = %q; want %q", got, builtinGallery)
	}
	tall := false
	for _, name := range builtinGallery {
		a, err := l.Load(name)
		if err != nil {
			t.Fatalf("Load(%q) error %v", name, err)
		}
		s := a.SAUCE
		if s == nil || s.Title == "" || s.Author != "x84" || s.Group != "x84" || s.Font != "IBM VGA" || s.Width != 80 || s.Height != a.Height() {
			t.Errorf("Load(%q) SAUCE = %+v; want x84's, 80 wide and as tall as the art (%d)", name, s, a.Height())
		}
		tall = tall || a.Height() > 25
		checkRoundTrip(t, a, a.Render(0, 0))
	}
	if !tall {
		t.Errorf("no built-in gallery piece is taller than 25 rows, so none pages")
	}
	// The gallery is not screens' art.
	for _, name := range l.Names() {
		if strings.Contains(name, "gallery") {
			t.Errorf("Names() has %q", name)
		}
	}
}

func TestGalleryOverride(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "art")
	writeFiles(t, dir, map[string]string{
		"gallery/x84.ans":       "my own logo",
		"gallery/mine.ans":      "\x1b[1;31mmine",
		"gallery/mine2.ans":     "a piece of its own, not a variant",
		"gallery/.hidden.ans":   "hidden",
		"gallery/notes.txt":     "not art",
		"gallery/sub/deep.ans":  "in a subdirectory",
		"gallery/bad name.ans":  "a name Load refuses",
		"gallery/broken.ans":    "damaged\x1a" + recComments,
		"gallery/big.ans":       strings.Repeat("x", maxFileSize+1),
		"mine.ans":              "screen art, not the gallery's",
		"sunset.ans":            "screen art named like a gallery piece",
		"gallery/dir.ans/x.ans": "a directory named dir.ans",
	})
	writeFiles(t, base, map[string]string{"secret.ans": "outside the art directory"})
	if err := os.Symlink("../../secret.ans", filepath.Join(dir, "gallery", "escape.ans")); err != nil {
		t.Fatal(err)
	}
	l := NewLibrary(dir)
	want := []string{"gallery/big", "gallery/broken", "gallery/escape", "gallery/mine", "gallery/mine2", "gallery/sunset", "gallery/x84"}
	if got := l.Gallery(); !slices.Equal(got, want) {
		t.Errorf("Gallery() = %q; want %q", got, want)
	}
	for _, tt := range []struct {
		name     string
		body     string // "" for none
		override bool   // an *OverrideError is expected
	}{
		{"gallery/x84", "my own logo", false},
		{"gallery/mine", "\x1b[1;31mmine", false},
		{"gallery/mine2", "a piece of its own, not a variant", false},
		{"gallery/sunset", builtinBody(t, "gallery/sunset"), false},
		{"gallery/broken", "", true},
		{"gallery/big", "", true},
		{"gallery/escape", "", true},
		{"mine", "screen art, not the gallery's", false},
	} {
		for range 5 { // no variant is ever picked
			a, err := l.Load(tt.name)
			var oe *OverrideError
			if tt.override != errors.As(err, &oe) || !tt.override && err != nil {
				t.Errorf("Load(%q) error %v; want an OverrideError: %v", tt.name, err, tt.override)
			}
			switch {
			case tt.body == "" && a != nil:
				t.Errorf("Load(%q) = %q; want nil", tt.name, a.Body)
			case tt.body != "" && (a == nil || string(a.Body) != tt.body):
				t.Errorf("Load(%q) = %+v; want body %.40q", tt.name, a, tt.body)
			}
		}
	}
	for _, name := range []string{"gallery/dir", "gallery/nothing", "gallery/deep", "gallery/notes"} {
		if a, err := l.Load(name); a != nil || err == nil {
			t.Errorf("Load(%q) = %v, %v; want no art and an error", name, a, err)
		}
	}
	for _, name := range []string{
		"gallery/", "gallery/..", "gallery/../login", "gallery/sub/deep", "gallery/.hidden", "gallery//x84",
		"gallery/bad name", "/gallery/x84", "Gallery\\x84", "gallery/gallery/x84", "sub/deep", "../art/gallery/x84",
	} {
		if a, err := l.Load(name); !errors.Is(err, ErrBadName) || a != nil {
			t.Errorf("Load(%q) = %v, %v; want error %v", name, a, err, ErrBadName)
		}
	}
}

// TestGalleryBound: a gallery folder with more pieces than MaxGallery
// lists the first MaxGallery names.
func TestGalleryBound(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "gallery"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range MaxGallery + 10 {
		if err := os.WriteFile(filepath.Join(dir, "gallery", fmt.Sprintf("p%04d.ans", i)), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := NewLibrary(dir).Gallery()
	if len(got) != MaxGallery || got[0] != "gallery/p0000" || !slices.IsSorted(got) {
		t.Errorf("Gallery() has %d names from %q; want %d, sorted, from gallery/p0000", len(got), got[0], MaxGallery)
	}
}

// TestGalleryNoFolder: without a gallery folder, or with a file in its
// place, the gallery is the built-in one.
func TestGalleryNoFolder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"gallery": "a file, not a folder"})
	for _, d := range []string{dir, filepath.Join(dir, "missing"), ""} {
		if got := NewLibrary(d).Gallery(); !slices.Equal(got, builtinGallery) {
			t.Errorf("Gallery() with override directory %q = %q; want %q", d, got, builtinGallery)
		}
	}
}

// TestLines: Lines is Render's rows, without line ends.
func TestLines(t *testing.T) {
	for _, tt := range renderTests {
		if tt.rows != 0 {
			continue
		}
		a := &Art{Name: tt.name, Body: []byte(tt.in)}
		lines := a.Lines(tt.cols)
		var want []string
		if tt.want != "" {
			want = strings.Split(strings.TrimSuffix(strings.TrimPrefix(tt.want, reset), "\r\n"), "\r\n")
		}
		if !slices.Equal(lines, want) {
			t.Errorf("Lines(%q, %d) = %q; want %q", tt.in, tt.cols, lines, want)
		}
		for _, l := range lines {
			if !strings.HasSuffix(l, reset) || strings.ContainsAny(l, "\r\n") {
				t.Errorf("Lines(%q) row %q does not end with a reset alone", tt.in, l)
			}
		}
	}
	a, err := NewLibrary("").Load("gallery/sunset")
	if err != nil {
		t.Fatal(err)
	}
	for _, cols := range []int{0, 40, 80, 132} {
		lines := a.Lines(cols)
		if len(lines) != a.Height() {
			t.Errorf("Lines(sunset, %d) has %d rows; want %d", cols, len(lines), a.Height())
		}
		if got, want := reset+strings.Join(lines, "\r\n")+"\r\n", a.Render(cols, 0); got != want {
			t.Errorf("Lines(sunset, %d) joined differs from Render", cols)
		}
	}
}

func TestFacts(t *testing.T) {
	date := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		a    *Art
		want []Fact
	}{
		{"full record", &Art{Name: "gallery/x", Body: []byte("hello"), SAUCE: &SAUCE{
			Title: "Sunset", Author: "ann", Group: "grp", Date: date, Width: 80, Height: 40, ICEColors: true, Font: "IBM VGA",
		}}, []Fact{
			{"Title", "Sunset"}, {"Author", "ann"}, {"Group", "grp"}, {"Date", "2026-12-01"}, {"Size", "5 bytes"},
			{"Font", "IBM VGA"}, {"Width × height", "80 × 40"}, {"iCE colours", "yes"},
		}},
		{"empty record", &Art{Name: "x", Body: []byte("a\r\nb"), SAUCE: &SAUCE{}}, []Fact{
			{"Title", "unknown"}, {"Author", "unknown"}, {"Group", "unknown"}, {"Date", "unknown"}, {"Size", "4 bytes"},
			{"Font", "unknown"}, {"Width × height", "80 × 2"}, {"iCE colours", "no"},
		}},
		{"no record", &Art{Name: "x", Body: []byte(strings.Repeat("y", 2048))}, []Fact{
			{"SAUCE", "no SAUCE record"}, {"Size", "2.0 KiB (2048 bytes)"}, {"Width × height", "80 × 26"},
		}},
	} {
		if got := tt.a.Facts(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Facts() = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tt := range []struct {
		a    *Art
		want string
	}{
		{&Art{Name: "gallery/x84"}, "x84"},
		{&Art{Name: "gallery/x84", SAUCE: &SAUCE{Title: "  "}}, "x84"},
		{&Art{Name: "gallery/x84", SAUCE: &SAUCE{Title: "The logo"}}, "The logo"},
		{&Art{Name: "login"}, "login"},
	} {
		if got := tt.a.Title(); got != tt.want {
			t.Errorf("Title(%q, %+v) = %q; want %q", tt.a.Name, tt.a.SAUCE, got, tt.want)
		}
	}
}

// TestGalleryGolden renders the built-in gallery and a wide test piece in
// iCE colours at the widths of common windows, as UTF-8 and as the CP437
// bytes a CP437 terminal is sent, compared byte for byte with the files
// in testdata/golden (go test -update rewrites them).
func TestGalleryGolden(t *testing.T) {
	l := NewLibrary("")
	pieces := map[string]*Art{}
	for _, name := range builtinGallery {
		a, err := l.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		pieces[strings.ReplaceAll(name, "/", "-")] = a
	}
	data, err := os.ReadFile(filepath.Join("testdata", "icewide.ans"))
	if err != nil {
		t.Fatal(err)
	}
	if pieces["icewide"], err = Parse("icewide", data); err != nil {
		t.Fatal(err)
	}
	if s := pieces["icewide"].SAUCE; s == nil || !s.ICEColors || s.Width != 100 {
		t.Fatalf("testdata/icewide.ans SAUCE = %+v; want iCE colours, 100 wide", s)
	}
	for name, a := range pieces {
		for _, cols := range []int{40, 80, 132} {
			utf := a.Render(cols, 0)
			checkRendering(t, utf, cols, 0)
			var e term.CP437Encoder
			cp := e.Flush(e.Append(nil, []byte(utf)))
			for _, g := range []struct {
				ext  string
				data []byte
			}{{"utf8", []byte(utf)}, {"cp437", cp}} {
				t.Run(fmt.Sprintf("%s-%d.%s", name, cols, g.ext), func(t *testing.T) {
					compareGolden(t, filepath.Join("testdata", "golden", fmt.Sprintf("%s-%d.%s", name, cols, g.ext)), g.data)
				})
			}
		}
	}
}

// compareGolden compares got with the golden file at path, first
// rewriting it with -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs: got %d bytes %.200q…; want %d bytes %.200q…", path, len(got), got, len(want), want)
	}
}

// TestDescribe: Describe tells what Load's art says of itself, reading
// only the end of the file.
func TestDescribe(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "art")
	writeFiles(t, dir, map[string]string{
		"gallery/x84.ans":      "my own logo",
		"gallery/noted.ans":    "abc\x1a" + comments + recComments,
		"gallery/ice.ans":      strings.Repeat("\x1b[5;44m ", 5000) + "\x1a" + recICE,
		"gallery/plain.ans":    "no record\x1a",
		"gallery/broken.ans":   "damaged\x1a" + recComments,
		"gallery/big.ans":      strings.Repeat("x", maxFileSize+1),
		"gallery/dir.ans/x":    "a directory",
		"login.ans":            "my login\x1a" + recICE,
		"login2.ans":           "a variant, never described",
		"gallery/sub/deep.ans": "deeper",
	})
	writeFiles(t, base, map[string]string{"secret.ans": "outside\x1a" + recICE})
	if err := os.Symlink("../../secret.ans", filepath.Join(dir, "gallery", "escape.ans")); err != nil {
		t.Fatal(err)
	}
	l := NewLibrary(dir)
	for _, name := range []string{"gallery/x84", "gallery/noted", "gallery/ice", "gallery/plain", "gallery/sunset", "login", "who"} {
		p, err := l.Describe(name)
		if err != nil {
			t.Errorf("Describe(%q) error %v", name, err)
			continue
		}
		if name == "login" {
			// Describe takes NAME.ans, never a variant.
			a, err := Parse(name, []byte("my login\x1a"+recICE))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p, Piece{Name: name, SAUCE: a.SAUCE, Size: int64(len(a.Body))}) {
				t.Errorf("Describe(login) = %+v; want the record of login.ans", p)
			}
			continue
		}
		a, err := l.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		if want := (Piece{Name: name, SAUCE: a.SAUCE, Size: int64(len(a.Body))}); !reflect.DeepEqual(p, want) {
			t.Errorf("Describe(%q) = %+v; want %+v", name, p, want)
		}
		if p.Title() != a.Title() {
			t.Errorf("Describe(%q).Title() = %q; want %q", name, p.Title(), a.Title())
		}
	}
	if p, err := l.Describe("gallery/broken"); err != nil || p.SAUCE != nil || p.Size != int64(len("damaged\x1a"+recComments)) {
		t.Errorf("Describe(gallery/broken) = %+v, %v; want no record and the file's size", p, err)
	}
	for _, name := range []string{"gallery/big", "gallery/dir", "gallery/escape"} {
		var oe *OverrideError
		if p, err := l.Describe(name); !errors.As(err, &oe) {
			t.Errorf("Describe(%q) = %+v, %v; want an OverrideError", name, p, err)
		}
	}
	for name, want := range map[string]error{"gallery/nothing": ErrNotFound, "gallery/deep": ErrNotFound, "gallery/sub/deep": ErrBadName, "../secret": ErrBadName} {
		if p, err := l.Describe(name); !errors.Is(err, want) {
			t.Errorf("Describe(%q) = %+v, %v; want %v", name, p, err, want)
		}
	}
}
