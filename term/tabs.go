package term

import (
	"strings"

	"github.com/mattn/go-runewidth"
)

// ExpandTabs replaces each tab of a line with the spaces up to the next
// stop of every 8 cells, counting each character's width in cells.
func ExpandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col += runewidth.RuneWidth(r)
	}
	return b.String()
}
