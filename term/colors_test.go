package term

import "testing"

func TestColorsFromEnv(t *testing.T) {
	tests := []struct {
		term, colorterm string
		want            Colors
	}{
		{"xterm-256color", "", Colors256},
		{"XTERM-256COLOR", "", Colors256},
		{"xterm-256color", "truecolor", ColorsTrue},
		{"xterm", "24bit", ColorsTrue},
		{"xterm-direct", "", ColorsTrue},
		{"ansi-truecolor", "", ColorsTrue},
		{"xterm", "", ColorsUnknown},
		{"ansi", "", ColorsUnknown},
		{"xterm", "yes", ColorsUnknown},
		{"", "", ColorsUnknown},
	}
	for _, tt := range tests {
		if got := ColorsFromEnv(tt.term, tt.colorterm); got != tt.want {
			t.Errorf("ColorsFromEnv(%q, %q) = %v; want %v", tt.term, tt.colorterm, got, tt.want)
		}
	}
}

func TestColorsString(t *testing.T) {
	for c, want := range map[Colors]string{ColorsUnknown: "unknown", Colors16: "16", Colors256: "256", ColorsTrue: "truecolor"} {
		if got := c.String(); got != want {
			t.Errorf("Colors(%d).String() = %q; want %q", int(c), got, want)
		}
	}
}
