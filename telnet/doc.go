// Package telnet implements the telnet protocol for character-mode
// terminal servers: a codec, the option state machine and the opening
// negotiation of a server, plus a small client used to test them.
//
// It follows RFC 854 (protocol), RFC 855 (options), RFC 1143 (the "Q
// method" for option negotiation, which prevents loops), RFC 856 (BINARY),
// RFC 857 (ECHO), RFC 858 (SGA), RFC 1091 (TTYPE, with cycling through the
// client's types), RFC 1073 (NAWS), RFC 1572 (NEW-ENVIRON), RFC 2066
// (CHARSET) and RFC 1184 (LINEMODE, which a server in character mode
// refuses), and reads the MUD Terminal Type Standard (MTTS).
//
// Terminal types are asked for until the client repeats one (RFC 1091:
// a client repeats its last type when its list is exhausted), names none,
// answers "MTTS n" or has named Config.MaxTTYPE of them. MUD clients
// answer with their name, their terminal type and "MTTS n", n a bit field
// (the MTTS* constants) of what they support: UTF-8, 256 colours, 24-bit
// colour and more. Conn.MTTS returns n, and Conn.TermType the second name.
//
// CHARSET: the opening flight ends with DO CHARSET. A client that answers
// WILL is sent IAC SB CHARSET REQUEST ";UTF-8" IAC SE, or
// ";UTF-8;IBM437;CP437" when Config.OfferCP437 says so for its first
// terminal type (x84 does for ANSI-BBS terminals; the REQUEST then waits
// for that type): most preferred first, each name after the separator ';'.
// Its ACCEPTED names the set agreed (Conn.Charset; names compare as
// CanonicalCharset does); REJECTED agrees on none; a TTABLE-IS is answered
// TTABLE-REJECTED, since x84 takes no translation tables. Strictly, RFC
// 2066 gives REQUEST to the side that sent WILL, the client here; but MUD
// clients (TinTin++ among them) answer DO CHARSET with WILL and then wait
// for the server's REQUEST, so x84 sends one, and also answers a client's
// own: ACCEPTED with UTF-8 if listed, else CP437 (IBM437, CP437, 437), else
// REJECTED. A client's REQUEST settles the matter even if ours is
// outstanding. Once negotiation is over the session's encoding is fixed and
// a REQUEST is answered REJECTED. Subnegotiations of CHARSET keep at most
// 256 bytes and names at most 40.
//
// Negotiation waits for the answer to every request but DO CHARSET, so
// that a client that ignores an option it does not know is not kept
// waiting; a client that agrees to CHARSET is waited for until it answers
// our REQUEST or the time limit passes.
//
// The package has three layers:
//
//   - Decoder and Encoder turn bytes into data and Events and back. They
//     keep state between calls so commands may be split anywhere, and a
//     Decoder keeps at most a configured number of subnegotiation bytes.
//   - OptionTable holds the RFC 1143 state of every option for both sides
//     and computes the answers to WILL, WONT, DO and DONT.
//   - Conn (server side, from NewServerConn) and ClientConn put them on a
//     net.Conn. NewServerConn sends its requests in one write and returns as
//     soon as every one has been answered, or at a time limit for clients
//     that answer part or nothing.
//
// Concurrency: a Decoder, Encoder and OptionTable belong to one goroutine.
// Conn.Read must be called from one goroutine at a time; Conn.Write and the
// accessors may be called from others, since Conn guards its negotiated
// state with a mutex and serialises writes.
package telnet
