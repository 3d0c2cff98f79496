package session

import (
	"strings"

	"github.com/x84bbs/x84/lang"
)

// SetLang gives the session its caller's language: the board chooses it
// when the call starts (from the terminal's LANG) and again at login
// (the account's choice). Widgets, the idle warning and a Disconnect's
// last line speak it. It may be called from any goroutine.
func (s *Session) SetLang(p *lang.Printer) { s.lang.Store(p) }

// Lang returns the caller's language (see SetLang); the built-in English
// until a board sets one. It is safe to call from any goroutine.
func (s *Session) Lang() *lang.Printer {
	if p := s.lang.Load(); p != nil {
		return p
	}
	return lang.Fallback()
}

// T returns the message id in the caller's language, with its
// placeholders filled from pairs (name, value, …); see lang.Printer.T.
func (s *Session) T(id string, pairs ...string) string { return s.Lang().T(id, pairs...) }

// N is T for a message with plural forms, chosen by n; see
// lang.Printer.N.
func (s *Session) N(id string, n int, pairs ...string) string { return s.Lang().N(id, n, pairs...) }

// messagePrefix marks a Disconnect line that names a message rather than
// holding text: no text a caller or sysop types starts with NUL.
const messagePrefix = "\x00msg:"

// MessageLine returns a line for Disconnect that each session says in
// its own caller's language: the catalogs' message id, which takes no
// placeholders. It travels as a string, so a node of a cluster can
// disconnect a caller of another.
func MessageLine(id string) string { return messagePrefix + id }

// lastLine is a Disconnect line as the caller reads it: a MessageLine's
// message in their language, other text as it is.
func (s *Session) lastLine(line string) string {
	if id, ok := strings.CutPrefix(line, messagePrefix); ok {
		return s.T(id)
	}
	return line
}

// Activity is what a caller is doing, for who's online: English text,
// and the catalog message it came from, if any, with its values.
type Activity struct {
	Text string
	ID   string   // "" for text that is read as it is
	Args []string // placeholder pairs; never changed once set
}

// ActivityIn returns what the caller is doing in the language of p: the
// activity's message if it has one, else its text.
func (sn Snapshot) ActivityIn(p *lang.Printer) string {
	if sn.ActivityID != "" {
		return p.T(sn.ActivityID, sn.ActivityArgs...)
	}
	return sn.Activity
}
