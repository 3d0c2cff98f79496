package board_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/x84bbs/x84/term"
)

// TestHeaderFitsArt: a sysop's header art taller than the screen's own
// is shown whole in a window with room for it, and cut to the screen's
// rows in a small one.
func TestHeaderFitsArt(t *testing.T) {
	dir := t.TempDir()
	var art strings.Builder
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&art, "ART ROW %d\r\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "who.ans"), []byte(art.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cols, rows int
		last       string // the last art row shown
		cut        string // "" or the first row left out
	}{
		{80, 24, "ART ROW 8", ""},
		{80, 14, "ART ROW 4", "ART ROW 5"},
	} {
		t.Run(fmt.Sprintf("%dx%d", tt.cols, tt.rows), func(t *testing.T) {
			f := newFixture(t, settings{ArtDir: dir})
			f.addUser("ann", "anns-password")
			c := f.call(tt.cols, tt.rows, term.UTF8, "192.0.2.7:1000")
			login(c, "ann", "anns-password")
			c.WaitFor("Goodbye")
			c.Type("w")
			scr := c.WaitFor(tt.last)
			if tt.cut != "" && strings.Contains(scr, tt.cut) {
				t.Errorf("a %d-row window shows %q:\n%s", tt.rows, tt.cut, scr)
			}
		})
	}
}
