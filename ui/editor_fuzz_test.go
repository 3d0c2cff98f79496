package ui

import (
	"strings"
	"testing"

	"github.com/x84bbs/x84/term"
)

// FuzzEditorKeys types random keys into an editor, resizing its window on
// F12, and checks that the text keeps its invariants and stays within its
// limits.
func FuzzEditorKeys(f *testing.F) {
	f.Add([]byte("hello world, this is a test of the wrapping\r\x1b[A\x1b[Dxy\x7f\x1b[3~"), uint8(20))
	f.Add([]byte("aaaa bbbb cccc dddd eeee\x1b[H\x1b[2~XYZ\x1b[2~\x16  \x19\x1b[24~\x1b[24~"), uint8(9))
	f.Add([]byte("漢字 漢字 漢字\t\t\x01x\x05y\r\r\r\x1b[5~\x1b[6~\x08\x08"), uint8(6))
	f.Add([]byte("a\rb\rc\rd\re\x1b[1;5H\x7f\x1b[1;5F\x1b[3~ one two three four"), uint8(3))
	f.Add([]byte("\x1bs\x1ba\x1bc\x1a\x1b[21~n"), uint8(80))
	f.Fuzz(func(t *testing.T, input []byte, cols uint8) {
		sizes := [2]term.Size{{Cols: int(cols)%100 + 3, Rows: 12}, {Cols: int(cols)%37 + 3, Rows: 5}}
		e := &Editor{MaxLines: 30, MaxBytes: 600, Text: "start > of it\n> quoted"}
		st := e.start(sizes[0])
		resized := false
		keys := term.NewKeyDecoder(term.UTF8).Feed(nil, input)
		for n, k := range keys {
			if k.Code == term.KeyF12 {
				resized = !resized
				st.resize(sizes[n%2])
			} else if st.key(k) != editGoOn {
				st.mode = modeEdit
			}
			checkTextBuf(t, st.buf)
			if st.buf.size > st.e.MaxBytes {
				t.Fatalf("size %d over %d", st.buf.size, st.e.MaxBytes)
			}
			if !resized && len(st.buf.rows) > st.e.MaxLines {
				t.Fatalf("%d rows, over %d", len(st.buf.rows), st.e.MaxLines)
			}
			if p := st.clamp(st.cur); p != st.cur {
				t.Fatalf("cursor %v outside the text", st.cur)
			}
			if n%7 == 0 || n == len(keys)-1 {
				out := st.render()
				if st.cur.row < st.scroll || st.cur.row >= st.scroll+st.height {
					t.Fatalf("cursor row %d outside the view from %d, %d high", st.cur.row, st.scroll, st.height)
				}
				if strings.ContainsFunc(out, func(r rune) bool { return r < ' ' && r != '\a' && r != '\x1b' }) {
					t.Fatalf("control character in the output %q", out)
				}
			}
		}
	})
}
