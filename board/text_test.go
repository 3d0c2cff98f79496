package board_test

import (
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/ui"
)

// A one-liner longer than the window's room goes on under itself, and
// no line is wider than the window.
func TestOnelinerLinesWrap(t *testing.T) {
	now := time.Date(2026, 11, 25, 18, 0, 0, 0, time.Local)
	text := strings.Repeat("word ", 11) + "end." // 59 characters
	entries := []store.Oneliner{{Handle: "erin", Text: text, Posted: now}}
	for _, width := range []int{78, 60, 40} {
		lines := board.OnelinerLines(entries, width, now)
		var got strings.Builder
		for i, l := range lines {
			plain := board.StripSGR(l)
			if ui.Width(plain) > width {
				t.Errorf("width %d: line %d is %d cells: %q", width, i, ui.Width(plain), plain)
			}
			_, after, _ := strings.Cut(plain, "│ ")
			got.WriteString(" " + strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(after), "18:00")))
		}
		if strings.Join(strings.Fields(got.String()), " ") != strings.TrimSpace(text) {
			t.Errorf("width %d: the wall shows %q; want all of %q", width, got.String(), text)
		}
	}
}
