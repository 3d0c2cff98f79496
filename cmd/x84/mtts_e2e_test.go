package main

import (
	"os/exec"
	"testing"

	"github.com/x84bbs/x84/internal/e2e"
)

// tintin returns the path of TinTin++ (Debian installs it in /usr/games,
// which is often not on $PATH), or ends the test as internal/e2e says.
func tintin(t *testing.T) string {
	t.Helper()
	for _, bin := range []string{"tt++", "/usr/games/tt++"} {
		if p, err := exec.LookPath(bin); err == nil {
			return p
		}
	}
	e2e.Missing(t, "tt++ is not installed (apt-get install tintin++, as .ci/run does)")
	return ""
}

// TestTinTin is a caller with TinTin++, a MUD client, in a UTF-8
// terminal. It refuses BINARY and never answers NEW-ENVIRON, so until x84
// read MTTS and CHARSET it got CP437 bytes that it showed as garbage. It
// states UTF-8 and 256 colours as "MTTS 271" on its third terminal type
// and accepts UTF-8 in a CHARSET REQUEST: the login art must arrive as
// UTF-8.
func TestTinTin(t *testing.T) {
	bin := tintin(t)
	s := startX84(t, "")
	tm := newTmux(t, 100, 30, bin+" -e '#session x84 127.0.0.1 "+s.port()+"'")
	tm.waitScreen("▄██████████▄") // the login art, in UTF-8
	list := s.waitWho(t, "the tintin session", func(l []whoEntry) bool { return len(l) == 1 })
	if w := list[0]; w.Kind != "telnet" || w.Term != "xterm-256color" || w.Encoding != "utf-8" {
		t.Errorf("x84 who --json = %+v; want telnet xterm-256color utf-8", w)
	}
}
