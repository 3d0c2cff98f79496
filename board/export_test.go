package board

import "context"

// For the tests of package board_test.
var (
	OnelinerLines = onelinerLines
	StripSGR      = stripSGR
)

// Location is who's online's view of where handle is from, through the
// board's shared cache; ForgetLocation drops it, as an edit does.
func (b *Board) Location(handle string) string {
	loc, _ := b.from.location(context.Background(), b, handle)
	return loc
}

func (b *Board) ForgetLocation(handle string) { b.from.forget(handle) }

// SessionOver tells a caller leaving from a screen failing.
var SessionOver = sessionOver
