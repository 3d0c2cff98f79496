package session

// SetAccessible switches the session to accessible mode, or back: its
// caller reads the screens as plain lines of text, through a screen
// reader or a braille display. Screens and widgets ask Accessible and,
// while it is on, write lines top to bottom, with no cursor addressing,
// no clearing of the screen, no colour and no art; the session's own
// lines (the idle warning, a Disconnect's last line) follow suit. It may
// be called from any goroutine, typically by the login screen.
func (s *Session) SetAccessible(on bool) { s.accessible.Store(on) }

// Accessible reports whether the session is in accessible mode (see
// SetAccessible). It is safe to call from any goroutine.
func (s *Session) Accessible() bool { return s.accessible.Load() }
