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
		lines := board.OnelinerLines(entries, width, now, false)
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

// Callers' pipe codes are colours only where the sysop allows them, and
// never a way to send escape sequences or invisible text.
func TestOnelinerCallerColors(t *testing.T) {
	now := time.Date(2026, 11, 25, 18, 0, 0, 0, time.Local)
	entries := []store.Oneliner{
		{Handle: "erin", Text: "|12red|07 and \x1b[2J plain", Posted: now},
		{Handle: "finn", Text: "|00|16hidden", Posted: now},
	}
	for _, tc := range []struct {
		colors     bool
		want, lack []string
	}{
		{false, []string{"|12red|07 and", "|00|16hidden"}, []string{"\x1b[91m", "\x1b[2J"}},
		{true, []string{"\x1b[91mred", "hidden"}, []string{"|12", "\x1b[2J", "\x1b[30m", "|00"}},
	} {
		lines := strings.Join(board.OnelinerLines(entries, 78, now, tc.colors), "\n")
		for _, w := range tc.want {
			if !strings.Contains(lines, w) {
				t.Errorf("colors %v: the wall lacks %q:\n%q", tc.colors, w, lines)
			}
		}
		for _, l := range tc.lack {
			if strings.Contains(lines, l) {
				t.Errorf("colors %v: the wall has %q:\n%q", tc.colors, l, lines)
			}
		}
	}
}
