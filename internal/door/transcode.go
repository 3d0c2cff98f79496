package door

import (
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// cp437ToUTF8 appends p, CP437 bytes, to dst as UTF-8. Bytes below 0x80
// are ASCII and stay as they are, control codes and escape sequences
// included: a door's ESC, CR and BEL are commands, not the glyphs an IBM
// PC would draw for them.
func cp437ToUTF8(dst, p []byte) []byte {
	for _, b := range p {
		if b < 0x80 {
			dst = append(dst, b)
			continue
		}
		dst = utf8.AppendRune(dst, term.DecodeCP437(b))
	}
	return dst
}
