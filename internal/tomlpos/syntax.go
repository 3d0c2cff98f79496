package tomlpos

import (
	"bytes"

	"github.com/BurntSushi/toml"
)

// SyntaxLine returns the line of a syntax error in data. It counts lines
// up to the error's offset, because toml reports an error found at the
// newline ending a line (such as "[telnet" with no "]") as being on the
// next line.
func SyntaxLine(data []byte, pe toml.ParseError) int {
	body := data[BOMLen(data):] // toml's offsets do not count the mark
	if start := pe.Position.Start; pe.Position.Line > 0 && start >= 0 && start <= len(body) {
		return 1 + bytes.Count(body[:start], []byte("\n"))
	}
	return pe.Position.Line
}
