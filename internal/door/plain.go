package door

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

// minuteLeft is the warning a minute before the time limit: over the
// door's top row, the cursor put back, or a line of its own for a
// caller on plain screens.
func (r *run) minuteLeft() string {
	if r.accessible() {
		return "\r\nOne minute left in this door.\r\n\a"
	}
	return "\x1b7\x1b[1;1H\x1b[0;1;7m One minute left in this door. \x1b[0m\a\x1b8"
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
