package board_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/term"
)

// Keys as a terminal sends them.
const (
	keyDown = "\x1b[B"
	keyUp   = "\x1b[A"
	keyPgDn = "\x1b[6~"
	keyPgUp = "\x1b[5~"
	keyHome = "\x1b[H"
	keyEnd  = "\x1b[F"
)

// artDir makes a sysop's art folder with test pieces: gallery/tall (60
// numbered rows and a full SAUCE record), gallery/wide (100 columns) and
// plain (no SAUCE record).
func artDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "gallery"), 0o755); err != nil {
		t.Fatal(err)
	}
	var tall strings.Builder
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&tall, "\x1b[1;3%dmROW %02d\x1b[0m of the tall piece\r\n", i%7+1, i)
	}
	wide := strings.Repeat("0123456789", 10) + "\r\nSECOND ROW\r\n"
	for file, body := range map[string]struct {
		body string
		s    *art.SAUCE
	}{
		"gallery/tall.ans": {tall.String(), &art.SAUCE{
			Title: "Tall test", Author: "tester", Group: "testers", Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
			DataType: art.DataTypeCharacter, FileType: art.FileTypeANSI, Width: 80, Height: 60, ICEColors: true,
			Font: "IBM VGA", Comments: []string{"a comment line"},
		}},
		"gallery/wide.ans": {wide, &art.SAUCE{Title: "Wide test", DataType: art.DataTypeCharacter, Width: 100, Height: 2}},
		"plain.ans":        {"\x1b[36mplain art without a record\r\n", nil},
	} {
		data, err := art.Join([]byte(body.body), body.s)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// artCall logs a caller in on a board with the test pieces and a main
// menu entry for each screen given, on keys 1, 2, ….
func artCall(t *testing.T, cols, rows int, enc term.Encoding, screens ...func(context.Context, *board.Call) error) (*fixture, *testterm.Term) {
	t.Helper()
	f := newFixture(t, settings{ArtDir: artDir(t)})
	for i, run := range screens {
		if err := f.board.Menu.Add(board.Entry{Key: rune('1' + i), Label: fmt.Sprintf("Art %d", i+1), Run: run}); err != nil {
			t.Fatal(err)
		}
	}
	f.addUser("ann", "anns-password")
	c := f.call(cols, rows, enc, "192.0.2.7:1000")
	login(c, "ann", "anns-password")
	c.WaitFor("[1]")
	return f, c
}

// show returns a screen that shows the art called name.
func show(name string) func(context.Context, *board.Call) error {
	return func(ctx context.Context, c *board.Call) error { return c.ShowArt(ctx, name) }
}

// shownRows returns the numbers of the tall piece's rows on the screen.
func shownRows(scr string) []int {
	var rows []int
	for _, l := range strings.Split(scr, "\n") {
		var n int
		if _, err := fmt.Sscanf(l, "ROW %d of the tall piece", &n); err == nil {
			rows = append(rows, n)
		}
	}
	return rows
}

// wantRows checks that the screen shows the tall piece's rows from
// first to last, and the status line says so.
func wantRows(t *testing.T, c *testterm.Term, first, last int) {
	t.Helper()
	status := fmt.Sprintf("rows %d–%d of 60", first, last)
	scr := c.WaitFor(status)
	rows := shownRows(scr)
	if len(rows) != last-first+1 || rows[0] != first || rows[len(rows)-1] != last {
		t.Errorf("the screen shows rows %v; want %d to %d:\n%s", rows, first, last, scr)
	}
	lines := strings.Split(scr, "\n")
	if bottom := lines[len(lines)-1]; !strings.Contains(bottom, "Tall test") || !strings.Contains(bottom, status) {
		t.Errorf("the bottom line is %q; want the title and %q", bottom, status)
	}
}

func TestShowArtPages(t *testing.T) {
	_, c := artCall(t, 80, 24, term.UTF8, show("gallery/tall"))
	c.Type("1")
	wantRows(t, c, 1, 23) // the bottom row is the status line
	c.Type(keyUp)         // nothing above
	c.Type(keyPgDn)       // a page, less a row to keep
	wantRows(t, c, 23, 45)
	c.Type(keyDown + "j")
	wantRows(t, c, 25, 47)
	c.Type("k")
	wantRows(t, c, 24, 46)
	c.Type("x") // not a key of the viewer's: ignored in the middle
	c.Type(keyPgUp)
	wantRows(t, c, 2, 24)
	c.Type(" ")
	wantRows(t, c, 24, 46)
	c.Type(keyEnd)
	wantRows(t, c, 38, 60)
	if !strings.Contains(c.WaitFor("end"), "[any key] back") {
		t.Errorf("at the end the status line does not say a key leaves:\n%s", c.Screen())
	}
	c.Type(keyDown + keyPgDn) // nothing below
	c.Type(keyHome)
	wantRows(t, c, 1, 23)
	c.Type(keyEnd)
	wantRows(t, c, 38, 60)
	c.Type("x") // at the end any key leaves
	c.WaitFor("Art 1")
	c.WaitGone("ROW 60")
}

// Esc and q leave from the middle of the art; space leaves at its end.
func TestShowArtLeaves(t *testing.T) {
	_, c := artCall(t, 80, 24, term.UTF8, show("gallery/tall"))
	for _, key := range []string{"\x1b", "q"} {
		c.Type("1")
		wantRows(t, c, 1, 23)
		c.Type(key)
		c.WaitGone("ROW 01")
		c.WaitFor("Art 1")
	}
	c.Type("1")
	wantRows(t, c, 1, 23)
	c.Type("   ")
	c.WaitGone("ROW 01")
	c.WaitFor("Art 1")
}

func TestShowArtInfo(t *testing.T) {
	_, c := artCall(t, 80, 24, term.UTF8, show("gallery/tall"), show("plain"))
	c.Type("1")
	wantRows(t, c, 1, 23)
	c.Type("i")
	scr := c.WaitFor("a comment line") // the box's last line
	for _, want := range []string{
		"Title:", "Tall test", "Author:", "tester", "Group:", "testers", "Date:", "2026-01-02",
		"Size:", "Font:", "IBM VGA", "Width × height:", "80 × 60", "iCE colours:", "yes", "a comment line",
	} {
		if !strings.Contains(scr, want) {
			t.Errorf("the info box lacks %q:\n%s", want, scr)
		}
	}
	// The box stays over the art as it scrolls, until i again.
	c.Type(keyPgDn)
	scr = c.WaitFor("rows 23–45 of 60")
	if !strings.Contains(scr, "ROW 23") || !strings.Contains(scr, "ROW 45") || !strings.Contains(scr, "a comment line") {
		t.Errorf("after PgDn the screen lacks rows 23 and 45 or the info box:\n%s", scr)
	}
	c.Type("i")
	c.WaitGone("About this art")
	wantRows(t, c, 23, 45)
	c.Type("q")
	c.WaitFor("Art 2")

	c.Type("2")
	c.WaitFor("plain art without a record")
	c.Type("i")
	scr = c.WaitFor("80 × 1") // the box's last line
	for _, want := range []string{"no SAUCE record", "Size:", "33 bytes", "80 × 1"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the info box of art without a record lacks %q:\n%s", want, scr)
		}
	}
	// All of it is shown, so any key leaves.
	c.Type("x")
	c.WaitGone("plain art")
	c.WaitFor("Art 2")
}

// Art wider than the window is cut at its edge, not wrapped onto the
// next row.
func TestShowArtClipsWide(t *testing.T) {
	_, c := artCall(t, 40, 12, term.UTF8, show("gallery/wide"))
	c.Type("1")
	c.WaitFor("SECOND ROW")
	if got, want := c.Line(0), strings.Repeat("0123456789", 4); got != want {
		t.Errorf("row 1 = %q; want %q", got, want)
	}
	if got := c.Line(1); got != "SECOND ROW" {
		t.Errorf("row 2 = %q; want the art's second row, not the first one's end", got)
	}
	if !strings.Contains(c.Line(11), "Wide test") {
		t.Errorf("the status line is %q; want the title", c.Line(11))
	}
}

// A resize draws the art again for the new window.
func TestShowArtResize(t *testing.T) {
	_, c := artCall(t, 80, 24, term.UTF8, show("gallery/tall"))
	c.Type("1")
	wantRows(t, c, 1, 23)
	c.Type(keyPgDn)
	wantRows(t, c, 23, 45)
	c.Resize(60, 10)
	wantRows(t, c, 23, 31)
	c.Resize(80, 50)
	wantRows(t, c, 12, 60) // the art ends at the bottom, not in mid-window
}

// A broadcast that comes while the art is shown is shown over it, and
// the art is drawn again after.
func TestShowArtNotice(t *testing.T) {
	f, c := artCall(t, 80, 24, term.UTF8, show("gallery/tall"))
	c.Type("1")
	c.Type(keyPgDn)
	wantRows(t, c, 23, 45)
	f.broadcast("The board goes down at noon.")
	c.WaitFor("The board goes down at noon.")
	c.Type(" ")
	c.WaitGone("The board goes down at noon.")
	wantRows(t, c, 23, 45)
}

func TestShowArtMissing(t *testing.T) {
	_, c := artCall(t, 80, 24, term.UTF8, show("gallery/nothing"), show("../plain"))
	for _, key := range []string{"1", "2"} {
		c.Type(key)
		c.WaitFor("There is no art called")
		c.Type(" ")
		c.WaitGone("There is no art called")
		c.WaitFor("Art 1")
	}
}

// A CP437 terminal is sent the art's own bytes and shows its blocks.
func TestShowArtCP437(t *testing.T) {
	_, c := artCall(t, 80, 25, term.CP437, show("gallery/x84"))
	c.Type("1")
	scr := c.WaitFor("x84 logo")
	for _, want := range []string{"████", "▓▓▓▓", "▒▒▒▒", "∙ telnet ∙ ssh ∙ rlogin ∙ web ∙"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the logo on a CP437 terminal lacks %q:\n%s", want, scr)
		}
	}
}

func TestArtGallery(t *testing.T) {
	_, c := artCall(t, 80, 24, term.UTF8, board.ArtGallery)
	c.Type("1")
	scr := c.WaitFor("[Enter] view") // the last thing drawn
	if !strings.Contains(scr, "Art gallery: 4 pieces") {
		t.Errorf("the gallery's title does not count its pieces:\n%s", scr)
	}
	// Titles, in the order of the names: sunset, tall, wide, x84.
	last := -1
	for _, want := range []string{"iCE sunset", "Tall test", "Wide test", "x84 logo"} {
		i := strings.Index(scr, want)
		if i <= last {
			t.Fatalf("the gallery lacks %q, or shows it out of order:\n%s", want, scr)
		}
		last = i
	}
	if !strings.Contains(scr, "tester") {
		t.Errorf("the gallery does not name the author:\n%s", scr)
	}
	c.Type(keyDown + "\r")
	wantRows(t, c, 1, 23)
	if what := c.Session.Snapshot().Activity; what != "viewing art" {
		t.Errorf("the caller's activity is %q; want viewing art", what)
	}
	c.Type("q")
	c.WaitFor("[Enter] view")
	c.Type(keyEnd + "\r")
	c.WaitFor("∙ telnet ∙ ssh")
	c.Type("\x1b")
	c.WaitFor("Art gallery")
	if what := c.Session.Snapshot().Activity; what != "art gallery" {
		t.Errorf("the caller's activity is %q; want art gallery", what)
	}
	c.Type("q")
	c.WaitGone("Art gallery")
	c.WaitFor("Art 1")
}
