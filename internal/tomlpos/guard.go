package tomlpos

import (
	"bytes"
	"fmt"
)

// Shape bounds what a small sysop-written TOML file (a menu, a theme) may
// look like before it is handed to the parser, whose time and memory grow
// with the square of a key's dotted parts and of nested inline tables: a
// few kilobytes of those would cost gigabytes.
type Shape struct {
	MaxLine  int // bytes in a line
	MaxDepth int // '[' and '{' open at once, counted everywhere, strings included
}

// Check returns an error naming the first line outside the shape, with
// that line's number.
func (s Shape) Check(data []byte) (line int, err error) {
	depth := 0
	for n, l := range bytes.Split(data, []byte("\n")) {
		if len(l) > s.MaxLine {
			return n + 1, fmt.Errorf("the line is longer than %d bytes", s.MaxLine)
		}
		for _, b := range l {
			switch b {
			case '[', '{':
				depth++
				if depth > s.MaxDepth {
					return n + 1, fmt.Errorf("more than %d brackets are open at once", s.MaxDepth)
				}
			case ']', '}':
				depth = max(depth-1, 0)
			}
		}
	}
	return 0, nil
}
