package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestBrowserEnv: the browser's first language becomes the terminal's
// LANG; a missing, broken or oversized header leaves it out.
func TestBrowserEnv(t *testing.T) {
	tests := []struct {
		header string
		want   string // LANG; "" for none
	}{
		{"", ""},
		{"de-DE,de;q=0.9,en;q=0.8", "de-DE"},
		{"en;q=0.5, fr", "fr"},
		{"*", ""},
		{"!!!", ""},
		{strings.Repeat("de-DE,", 100), ""},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Accept-Language", tt.header)
		}
		env := browserEnv(h)
		if env["LANG"] != tt.want || env["COLORTERM"] != "truecolor" {
			t.Errorf("browserEnv(%q) = %v; want LANG %q and truecolour", tt.header, env, tt.want)
		}
	}
}
