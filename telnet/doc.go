// Package telnet implements the telnet protocol for character-mode
// terminal servers: a codec, the option state machine and the opening
// negotiation of a server, plus a small client used to test them.
//
// It follows RFC 854 (protocol), RFC 855 (options), RFC 1143 (the "Q
// method" for option negotiation, which prevents loops), RFC 856 (BINARY),
// RFC 857 (ECHO), RFC 858 (SGA), RFC 1091 (TTYPE, with cycling through the
// client's types), RFC 1073 (NAWS), RFC 1572 (NEW-ENVIRON) and RFC 1184
// (LINEMODE, which a server in character mode refuses).
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
