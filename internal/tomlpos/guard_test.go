package tomlpos

import (
	"strings"
	"testing"
)

func TestShape(t *testing.T) {
	s := Shape{MaxLine: 40, MaxDepth: 3}
	for _, tc := range []struct {
		name, src string
		line      int
	}{
		{"menu", "title = \"T\"\n[[entry]]\nkey = \"a\"\nlabel = \"[x] {y}\"\n", 0},
		{"long line", "a = 1\n" + strings.Repeat("b.", 30) + "c = 1\n", 2},
		{"nested", "x = {a = {b = {c = {d = 1}}}}\n", 1},
		{"nested over lines", "x = [\n[\n[\n[1]]]]\n", 4},
		{"closers first", "]]]]\n[[[\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line, err := s.Check([]byte(tc.src))
			if line != tc.line || (err != nil) != (tc.line != 0) {
				t.Fatalf("Check = %d, %v; want line %d", line, err, tc.line)
			}
		})
	}
}
