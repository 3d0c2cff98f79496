// Package term holds the terminal facts and text handling that every
// protocol shares.
//
// A protocol adapter (telnet, ssh, rlogin, web) turns a network connection
// into a Conn, which carries the terminal's Info: its type, window Size and
// the Encoding of the bytes on the wire, UTF-8 or the IBM PC's CP437 that
// classic BBS clients speak. Above a Conn:
//
//   - KeyDecoder turns input bytes into Keys, understanding the escape
//     sequences of xterm, vt100/vt220, rxvt, the Linux console, PuTTY and
//     ANSI-BBS clients such as SyncTERM (ECMA-48 CSI and SS3 syntax).
//   - CP437Encoder turns UTF-8 output into CP437 bytes, with look-alikes
//     for what CP437 lacks; DecodeCP437 and CP437Glyph go the other way.
//   - Sanitize and SanitizeText strip escape sequences, control characters,
//     bidirectional overrides and invisible format characters (zero width
//     space, tag characters…) from text one user wrote before it is shown
//     to others.
//
// Below a Conn, protocol adapters deliver window changes with SendSize,
// which keeps only the newest size for a session that has not read it.
//
// Concurrency: a KeyDecoder and a CP437Encoder hold state between calls and
// belong to one goroutine each. Sanitize, SanitizeText, DecodeCP437,
// CP437Glyph and the other functions keep no state and are safe for
// concurrent use. SendSize must be the only sender on its channel.
package term
