package board

import (
	"context"
	"time"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/store"
)

// For the tests of package board_test.
var (
	StripSGR = stripSGR
)

// OnelinerLines formats the one-liners' wall in the default theme, with
// callers' pipe colour codes shown as colours when colors is set.
func OnelinerLines(entries []store.Oneliner, width int, now time.Time, colors bool) []string {
	t, _ := defaultTheme()
	return onelinerLines(lang.Fallback(), entries, t, width, now, colors)
}

// Location is who's online's view of where handle is from, through the
// board's shared cache; ForgetLocation drops it, as an edit does.
func (b *Board) Location(handle string) string {
	loc, _ := b.from.location(context.Background(), b, handle)
	return loc
}

func (b *Board) ForgetLocation(handle string) { b.from.forget(handle) }

// WhoRows is who's online's shared table for a width, and when it was made.
func (b *Board) WhoRows(width int) ([]string, time.Time) {
	t := b.who.table(context.Background(), b, width)
	return t.rows, t.made
}

// WhoShare is how old that table may be.
const WhoShare = whoShare
