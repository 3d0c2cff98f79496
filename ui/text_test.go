package ui

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"\x1b[1;33mabc\x1b[0m", 3},
		{"héllo", 5},
		{"漢字", 4},
		{"e\u0301", 1},
		{"─┼─", 3},
	}
	for _, tt := range tests {
		if got := Width(tt.in); got != tt.want {
			t.Errorf("Width(%q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}

func TestTruncatePad(t *testing.T) {
	tests := []struct {
		in    string
		width int
		trunc string
		pad   string
	}{
		{"hello", 3, "hel", "hel"},
		{"hi", 4, "hi", "hi  "},
		{"\x1b[1mbold\x1b[0m", 2, "\x1b[1mbo\x1b[0m", "\x1b[1mbo\x1b[0m"},
		{"漢字x", 3, "漢", "漢 "},
		{"abc", 0, "", ""},
		{"語\u206e", 1, "", " "}, // a zero-width character after the cut stays out
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.width); got != tt.trunc {
			t.Errorf("Truncate(%q, %d) = %q; want %q", tt.in, tt.width, got, tt.trunc)
		}
		if got := Pad(tt.in, tt.width); got != tt.pad {
			t.Errorf("Pad(%q, %d) = %q; want %q", tt.in, tt.width, got, tt.pad)
		}
	}
	if got := PadLeft("7", 3); got != "  7" {
		t.Errorf("PadLeft(7, 3) = %q", got)
	}
	if got := Center("ab", 6); got != "  ab" {
		t.Errorf("Center(ab, 6) = %q", got)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"the quick brown fox", 9, "the quick|brown fox"},
		{"a verylongword here", 5, "a|veryl|ongwo|rd|here"},
		{"one\n\ntwo", 10, "one||two"},
		{"", 5, ""},
		{"name    score\nalice      10", 20, "name    score|alice      10"},
		{"    indented code", 20, "    indented code"},
		{"one\n   \ntwo", 10, "one||two"},
		{"trailing   ", 10, "trailing"},
		{"wide    gaps here", 10, "wide|gaps here"},
		{"wrapped    line", 8, "wrapped|line"},
		{"        deep", 5, "    d|eep"},
		{"日本", 1, "日|本"},
		{"a 日本", 2, "a|日|本"},
		{"col1\tcol2\tx", 40, "col1    col2    x"},
		{"ab\tc", 3, "ab|c"},
	}
	for _, tt := range tests {
		if got := strings.Join(Wrap(tt.in, tt.width), "|"); got != tt.want {
			t.Errorf("Wrap(%q, %d) = %q; want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

// FuzzWrap checks that no line is wider than asked and that wrapping
// loses no text but spaces.
func FuzzWrap(f *testing.F) {
	f.Add("the quick brown fox", 9)
	f.Add("name    score\n    indented\n   \n", 6)
	f.Add("日本語のテキスト  wide", 3)
	f.Add("日本", 1)
	f.Add("a\tb", 2)
	f.Fuzz(func(t *testing.T, s string, width int) {
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && r != '\t' && unicode.IsControl(r) }) {
			return
		}
		width = 1 + abs(width)%100
		lines := Wrap(s, width)
		for _, l := range lines {
			if Width(l) > width && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("Wrap(%q, %d): line %q is %d cells wide", s, width, l, Width(l))
			}
		}
		squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if got, want := squash(strings.Join(lines, " ")), squash(s); got != want {
			t.Fatalf("Wrap(%q, %d) = %q; lost text", s, width, lines)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
