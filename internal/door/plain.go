package door

import (
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/term"
)

// A caller on accessible screens (a screen reader, a braille display)
// reads plain lines: the door's own output goes to them as it is, but
// what x84 writes around it is plain too.

// plainTerminal is a Terminal that can say it shows plain lines
// (session.Session in accessible mode).
type plainTerminal interface {
	Accessible() bool
}

// accessible reports whether the caller reads plain lines.
func (r *run) accessible() bool {
	p, ok := r.t.(plainTerminal)
	return ok && p.Accessible()
}

// translator is a Terminal that speaks its caller's language
// (session.Session): T returns a message of the board's catalogs.
type translator interface {
	T(id string, pairs ...string) string
}

// minuteLeft is the warning a minute before the time limit: over the
// door's top row, the cursor put back, or a line of its own for a
// caller on plain screens. It is in the caller's language when the
// Terminal speaks it, else in English, and in the terminal's encoding:
// it is written raw, among the door's own output.
func (r *run) minuteLeft() string {
	var t translator = lang.Fallback()
	if tr, ok := r.t.(translator); ok {
		t = tr
	}
	msg := t.T("door.minute_left")
	if r.t.Encoding() == term.CP437 {
		var enc term.CP437Encoder
		msg = string(enc.Flush(enc.Append(nil, []byte(msg))))
	}
	if r.accessible() {
		return "\r\n" + msg + "\r\n\a"
	}
	return "\x1b7\x1b[1;1H\x1b[0;1;7m " + msg + " \x1b[0m\a\x1b8"
}

// needsReset reports whether the terminal is to be reset after the door:
// always on a full screen; on plain screens only when the door wrote
// escape sequences, which the reset undoes (one for plain text would put
// sequences of x84's own among the caller's lines).
func (r *run) needsReset() bool {
	if !r.accessible() {
		return true
	}
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	return r.escaped
}
