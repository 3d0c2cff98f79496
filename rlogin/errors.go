package rlogin

import (
	"errors"
	"fmt"
)

var (
	// ErrIncomplete is returned by ParseHandshake when the input is a
	// prefix of a handshake: more bytes are needed.
	ErrIncomplete = errors.New("rlogin: incomplete handshake")
	// ErrMalformed is wrapped by every HandshakeError.
	ErrMalformed = errors.New("rlogin: malformed handshake")
	// ErrHandshakeTooLong is returned by NewServerConn when the client
	// sends more than Config.MaxHandshake bytes without completing the
	// handshake.
	ErrHandshakeTooLong = errors.New("rlogin: handshake too long")
	// ErrHandshakeTimeout is returned by NewServerConn when the handshake
	// is not complete within Config.HandshakeTimeout.
	ErrHandshakeTimeout = errors.New("rlogin: handshake timed out")
	// ErrUrgentUnsupported is returned by Conn.SendUrgent when the
	// connection cannot send TCP urgent data: it is not a TCP socket
	// (net.Pipe, a TLS or accounting wrapper that does not implement
	// syscall.Conn) or the platform has no MSG_OOB.
	ErrUrgentUnsupported = errors.New("rlogin: connection cannot send urgent data")
	// ErrRefused is returned by NewClientConn when the server answers the
	// handshake with something other than a NUL byte (BSD rlogind sends
	// 0x01 and an error message).
	ErrRefused = errors.New("rlogin: server refused the handshake")
)

// HandshakeError reports input that cannot be the start of an rlogin
// handshake. It wraps ErrMalformed.
type HandshakeError struct {
	Offset int    // position of the offending byte in the input
	Byte   byte   // the offending byte
	Reason string // what the byte suggests the peer is speaking
}

func (e *HandshakeError) Error() string {
	return fmt.Sprintf("rlogin: malformed handshake: byte %#02x at offset %d: %s", e.Byte, e.Offset, e.Reason)
}

// Unwrap returns ErrMalformed.
func (e *HandshakeError) Unwrap() error { return ErrMalformed }
