package session

import "context"

// A Handler serves one session from connect to hang-up. The session ends
// when ServeSession returns; ctx is cancelled when the server shuts down.
type Handler interface {
	ServeSession(ctx context.Context, s *Session) error
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(ctx context.Context, s *Session) error

// ServeSession calls f(ctx, s).
func (f HandlerFunc) ServeSession(ctx context.Context, s *Session) error { return f(ctx, s) }

// Middleware wraps a Handler with behaviour of its own.
type Middleware func(Handler) Handler

// Chain wraps h in the middlewares; the first one listed is outermost.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
