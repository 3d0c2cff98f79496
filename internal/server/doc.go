// Package server accepts connections for every protocol, enforces the
// connection limits, turns each connection into a session and runs the
// board on it, and shuts down gracefully.
//
// Its shape follows net/http: a Server whose zero value works, Serve(l)
// per listener, Shutdown(ctx) and Close, and ErrServerClosed. A Protocol
// turns a raw connection into a term.Conn (telnet negotiation, an ssh
// handshake…); the Server does everything that is the same for all of them.
//
// Concurrency: the accept loop only counts, checks limits and starts a
// goroutine; negotiation and the session run in that goroutine, which owns
// the connection. Every goroutine is started through a group that refuses
// new work once shutdown has begun, and Shutdown waits for all of them.
// Lock order is documented in LOCKING.md at the repository root.
package server
