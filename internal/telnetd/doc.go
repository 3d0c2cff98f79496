// Package telnetd adapts the telnet package to x84's server: it
// negotiates with each connection and presents it as a term.Conn, choosing
// the session's encoding from what the client said.
//
// Concurrency: Open runs in the connection's goroutine. The window-size
// callback runs on the session's reading goroutine, the only sender on
// the Resized channel.
package telnetd
