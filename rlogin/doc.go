// Package rlogin implements the server side of the rlogin protocol (RFC
// 1282) for terminal servers, plus a small client used to test it.
//
// # Handshake
//
// A client connects and sends four NUL-terminated strings, the first one
// empty:
//
//	\0 client-user \0 server-user \0 term/speed \0
//
// for example 00 "root" 00 "bob" 00 "xterm-256color/38400" 00 from netkit's
// rlogin, or 00 00 "bob" 00 "xterm/38400" 00 from PuTTY, which leaves the
// client user empty. SyncTERM sends the same three strings without the
// leading NUL; ParseHandshake tells the forms apart by the first byte and
// reports the second as Handshake.SyncTERM (x/84 forces CP437 for it). A
// SyncTERM handshake with an empty first string cannot be told from the
// start of the BSD form and is read as one.
//
// The server answers with one NUL byte; from then on the connection
// carries raw data both ways.
//
// # Urgent data and the window size
//
// The server controls the client with single bytes sent as TCP urgent
// (out-of-band) data: ControlFlush, ControlRaw, ControlCooked and
// ControlWindow. Clients ignore these bytes when they come in the
// ordinary stream, so they must be sent with MSG_OOB; net.TCPConn has no
// call for that and Conn.SendUrgent reaches the socket through
// SyscallConn. On a connection that is not a TCP socket (net.Pipe, or a
// wrapper that does not implement syscall.Conn) SendUrgent returns
// ErrUrgentUnsupported and NewServerConn skips its request for the
// window size.
//
// After ControlWindow the client sends its window size, and again on
// every change, inside the data stream:
//
//	FF FF 73 73  rows  cols  xpixel  ypixel   (each a big-endian uint16)
//
// WindowScanner takes these 12-byte messages out of the data, even when
// split across reads. The protocol has no escape, so data containing
// FF FF 73 73 is taken for a window message, as in every rlogin server.
// A size of 0 means the client does not know that dimension.
//
// # Concurrency
//
// A WindowScanner belongs to one goroutine. Conn.Read must be called from
// one goroutine at a time, and Config.OnResize runs on it. Conn.Write,
// Conn.SendUrgent and the accessors may be called from other goroutines
// at the same time as Read; writes and urgent bytes are serialised by a
// mutex, so an urgent byte never lands inside a Write. Lock order:
// Conn.wmu -> Conn.mu; mu is a leaf, and neither is held while calling
// Config.OnResize.
package rlogin
