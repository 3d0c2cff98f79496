package ui

import (
	"strings"
	"testing"
	"unicode"
)

// rowsString shows rows as "text|" for a soft end and "text¶" for a hard
// one.
func rowsString(t *textBuf) string {
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString(string(r.text))
		if r.soft {
			b.WriteString("|")
		} else {
			b.WriteString("¶")
		}
	}
	return b.String()
}

func TestWrapRows(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  string
	}{
		{"", 10, "¶"},
		{"hello", 10, "hello¶"},
		{"the quick brown fox", 10, "the quick |brown fox¶"},
		{"the quick brown fox", 9, "the |quick |brown fox¶"},
		{"abcdefghijkl", 5, "abcde|fghij|kl¶"},
		{"a  b", 2, "a | b¶"},
		{"one\n\ntwo", 10, "one¶¶two¶"},
		{"漢字漢字", 5, "漢字|漢字¶"},
		{"ab 漢字", 4, "ab |漢字¶"},
		{"spaces     ", 6, "spaces|     ¶"},
	}
	for _, tt := range tests {
		if got := rowsString(newTextBuf(tt.text, tt.width)); got != tt.want {
			t.Errorf("newTextBuf(%q, %d) = %q; want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

func TestTextBufEdit(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		width      int
		a, b       pos
		ins        string
		want       string
		start, end pos
	}{
		{"insert wraps the word", "hello world", 11, pos{0, 11}, pos{0, 11}, "s", "hello |worlds¶", pos{1, 5}, pos{1, 6}},
		{"delete pulls back", "hello |worlds", 11, pos{1, 5}, pos{1, 6}, "", "hello world¶", pos{0, 11}, pos{0, 11}},
		{"split", "abc def", 20, pos{0, 4}, pos{0, 4}, "\n", "abc ¶def¶", pos{0, 4}, pos{1, 0}},
		{"join", "abc\ndef", 20, pos{0, 3}, pos{1, 0}, "", "abcdef¶", pos{0, 3}, pos{0, 3}},
		{"join rewraps", "aaa bbb\nccc ddd", 8, pos{0, 7}, pos{1, 0}, "", "aaa |bbbccc |ddd¶", pos{1, 3}, pos{1, 3}},
		{"paste of lines", "", 10, pos{0, 0}, pos{0, 0}, "one\ntwo", "one¶two¶", pos{0, 0}, pos{1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := newTextBuf(strings.ReplaceAll(tt.text, "|", ""), tt.width)
			start, end, removed := buf.edit(tt.a, tt.b, []rune(tt.ins))
			if got := rowsString(buf); got != tt.want || start != tt.start || end != tt.end {
				t.Errorf("edit(%v, %v, %q) = %q, %v, %v; want %q, %v, %v", tt.a, tt.b, tt.ins, got, start, end, tt.want, tt.start, tt.end)
			}
			checkTextBuf(t, buf)
			buf.edit(start, end, removed)
			if got, want := buf.String(), strings.ReplaceAll(tt.text, "|", ""); got != want {
				t.Errorf("undo gives %q; want %q", got, want)
			}
			checkTextBuf(t, buf)
		})
	}
}

// checkTextBuf checks the invariants of a textBuf: rows no wider than the
// width, no control characters, the wrapping that a fresh wrap gives, and
// the size.
func checkTextBuf(t testing.TB, buf *textBuf) {
	t.Helper()
	if len(buf.rows) == 0 || buf.rows[len(buf.rows)-1].soft {
		t.Fatalf("no rows, or the last one is soft: %q", rowsString(buf))
	}
	for i, r := range buf.rows {
		if w := runesWidth(r.text); w > buf.width {
			t.Fatalf("row %d is %d cells wide; the width is %d: %q", i, w, buf.width, string(r.text))
		}
		for _, c := range r.text {
			if !unicode.IsPrint(c) {
				t.Fatalf("row %d holds %U", i, c)
			}
		}
	}
	s := buf.String()
	if buf.size != len(s) {
		t.Fatalf("size %d; the text has %d bytes", buf.size, len(s))
	}
	if got, want := rowsString(buf), rowsString(newTextBuf(s, buf.width)); got != want {
		t.Fatalf("rows %q; a fresh wrap gives %q", got, want)
	}
}
