// Package telnetd adapts the telnet package to x84's server: it
// negotiates with each connection and presents it as a term.Conn, choosing
// the session's encoding and colour depth from what the client said.
//
// Encoding. The first of these that speaks decides, most explicit first
// (ChooseEncoding):
//
//  1. CHARSET (RFC 2066): the character set the client agreed to, UTF-8
//     or CP437, during negotiation. x84 offers UTF-8, and for ANSI-BBS
//     terminal types CP437 second; it accepts the same from a client's
//     own REQUEST.
//  2. NEW-ENVIRON CHARSET, the MUD New-Environ Standard's variable, when
//     it names UTF-8 or CP437.
//  3. The MTTS UTF-8 bit (4): UTF-8. A MUD client often names an ANSI
//     terminal type, so this comes before the terminal type.
//  4. An ANSI-BBS terminal type (term.IsBBSTerm: ansi, syncterm, …):
//     CP437, whatever LANG or BINARY say. SyncTERM and its kind draw the
//     IBM PC character set.
//  5. LC_ALL, else LANG, naming UTF-8: UTF-8.
//  6. BINARY agreed both ways: UTF-8 (Debian's telnet, PuTTY).
//  7. Otherwise CP437: a client that agrees on nothing is most likely a
//     classic one.
//
// Rules 4 to 7 are x84's rules from before it read CHARSET and MTTS, so
// a client that speaks neither gets what it got before.
//
// Colours (ChooseColors, term.Info.Colors): an MTTS value states them
// (24-bit, 256 or the 16 ANSI colours); without one, COLORTERM and the
// terminal type do (term.ColorsFromEnv); otherwise they are unknown.
//
// Concurrency: Open runs in the connection's goroutine. The window-size
// callback runs on the goroutine that reads (the session's handler: the
// connection is a term.DirectConn), the only sender on the Resized
// channel; it also ends that goroutine's Read, so the new size is seen at
// once.
package telnetd
