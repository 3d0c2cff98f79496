package telnetd

import (
	"testing"

	"github.com/x84bbs/x84/term"
)

func TestChooseEncoding(t *testing.T) {
	tests := []struct {
		term   string
		binary bool
		env    map[string]string
		want   term.Encoding
	}{
		{"xterm-256color", true, nil, term.UTF8},
		{"xterm-256color", false, nil, term.CP437},
		{"xterm", false, map[string]string{"LANG": "en_US.UTF-8"}, term.UTF8},
		{"xterm", false, map[string]string{"LC_ALL": "C.utf8", "LANG": "C"}, term.UTF8},
		{"xterm", false, map[string]string{"LC_ALL": "C", "LANG": "en_US.UTF-8"}, term.CP437},
		{"ansi", true, map[string]string{"LANG": "en_US.UTF-8"}, term.CP437},
		{"ANSI-BBS", true, nil, term.CP437},
		{"syncterm", true, nil, term.CP437},
		{"pcansi", true, nil, term.CP437},
		{"unknown", false, nil, term.CP437},
		{"unknown", true, nil, term.UTF8},
		{"vt100", false, nil, term.CP437},
	}
	for _, tt := range tests {
		if got := ChooseEncoding(tt.term, tt.binary, tt.env); got != tt.want {
			t.Errorf("ChooseEncoding(%q, %v, %v) = %s; want %s", tt.term, tt.binary, tt.env, got, tt.want)
		}
	}
}
