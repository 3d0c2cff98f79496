package plaincheck_test

import (
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/plaincheck"
)

func TestViolations(t *testing.T) {
	tests := []struct {
		out  string
		want int
	}{
		{"Main menu\r\n1. Who's online, key w\r\n", 0},
		{"Handle: al\b \bice\r\n", 0},
		{"> ab\b\b  \b\bc\r\n", 0},
		{"a\a", 1},
		{"over\rwritten\r\n", 1},
		{"end\r", 1},
		{"ab\bc", 1},
		{"ab\b \b\b", 1},
		{"ab\b\b \b\b", 2},
		{"\b", 1},
		{"héllo 漢字\r\n", 0},
		{"\x1b[2J", 1},
		{"\x1b[3;1H", 1},
		{"\x1b[0;1;33mkey\x1b[0m", 2},
		{"\x1b[K", 1},
		{"\x1b7saved\x1b8", 2},
		{"\x1b]8;;url\x1b\\", 2},
		{"a\tb", 1},
		{"\u009b2J", 1},
		{"\xff", 1},
		{"\x1b", 1},
	}
	for _, tt := range tests {
		if got := plaincheck.Violations([]byte(tt.out)); len(got) != tt.want {
			t.Errorf("Violations(%q) = %q; want %d", tt.out, got, tt.want)
		}
	}
}

func TestLines(t *testing.T) {
	tests := []struct{ out, want string }{
		{"Say: hx\b \bi\r\nok  \r\n", "Say: hi|ok|"},
		{"> ab\b\b  \b\bc\r\n", "> c|"},
		{"one line", "one line"},
	}
	for _, tt := range tests {
		if got := strings.Join(plaincheck.Lines([]byte(tt.out)), "|"); got != tt.want {
			t.Errorf("Lines(%q) = %q; want %q", tt.out, got, tt.want)
		}
	}
}
