// Package ui holds the widgets screens are built from: text measured in
// terminal cells, a line editor for form fields, a lightbar menu, a
// scrolling list, and a full-screen editor for messages with Quote to
// start replies. Every widget draws itself at a position the screen
// chooses, redraws after a window resize (asking the screen where it now
// is), works the same on UTF-8 and CP437 terminals (the session
// transcodes), and never lets a caller type control characters.
//
// In accessible mode (session.Session.Accessible), for callers with a
// screen reader or a braille display, the widgets write plain lines
// instead, with no cursor addressing and no colour: a Field is its
// Prompt and the text echoed as typed, a Menu a numbered list and a line
// to type the choice on, and an Editor a LineEditor (see plain.go).
//
// Positions are 1-based rows and columns, as in ANSI cursor addressing.
//
// Concurrency: widgets are used by the goroutine running the session's
// handler, like the session itself.
package ui
