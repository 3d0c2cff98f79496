// Package session is what board code talks to: a Session wraps a
// terminal connection (term.Conn) from any protocol and offers keys,
// encoded output, the window size, the caller's identity and activity;
// a Registry lists the live sessions with their node numbers.
//
// Screens are Handlers, served the way net/http serves requests:
//
//	type Handler interface {
//		ServeSession(ctx context.Context, s *Session) error
//	}
//
// and Middleware wraps a Handler in another (logging, idle limits, bans).
//
// A handler reads input with ReadKey, which also reports window-size
// changes as a KeyResize key (the curses convention), so one loop redraws
// on resize and reacts to keys:
//
//	for {
//		k, err := s.ReadKey(ctx)
//		if err != nil {
//			return err
//		}
//		if k.Code == term.KeyResize {
//			redraw(s.Size())
//		}
//	}
//
// Notices from elsewhere (someone arrived, a one-liner was posted, a page)
// arrive in a bounded mailbox: Watch subscribes the session to topics of
// an events.Bus, Post delivers one directly, and ReadKey reports each as a
// KeyEvent key whose notice Event returns. Screens that do not care simply
// ignore KeyEvent.
//
// Output written with Write, WriteString and Printf is UTF-8 text; the
// session transcodes it to CP437 for terminals that need it. WriteRaw
// sends bytes untouched (CP437 art to a CP437 terminal).
//
// Messages for the caller (pages, broadcasts) use Notify instead: they
// wait in a queue of their own until a screen shows them at a safe point
// (TakeNotices), never in the middle of the caller's typing.
//
// Concurrency: a Session belongs to the goroutine running its handler.
// Only Snapshot, Node, Post, Notify, Dropped, User, Activity, Disconnect
// and Close may be called from other goroutines. Each
// session runs one extra goroutine that reads from the connection and
// hands each buffer to ReadKey; it ends when the session is closed. A
// Registry is safe for concurrent use.
package session
