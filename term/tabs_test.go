package term

import "testing"

func TestExpandTabs(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"no tabs", "no tabs"},
		{"\tx", "        x"},
		{"ab\tc", "ab      c"},
		{"12345678\tx", "12345678        x"},
		{"日本\tx", "日本    x"}, // two wide characters fill four cells
	} {
		if got := ExpandTabs(tt.in); got != tt.want {
			t.Errorf("ExpandTabs(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
