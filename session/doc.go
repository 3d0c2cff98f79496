// Package session is what board code talks to: a Session wraps a
// terminal connection (term.Conn) from any protocol and offers keys,
// encoded output, the window size, the caller's identity and activity;
// an Inbox carries what reaches the caller from elsewhere; a Registry
// lists the live sessions with their node numbers.
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
// The Inbox has two bounded queues. Updates say that something changed
// (someone arrived, a one-liner was posted, a line of chat): WatchUpdates
// subscribes to topics of an events.Bus, and ReadKey reports each update
// as a KeyEvent key whose event Event returns; screens that do not care
// ignore KeyEvent. Notices are for the caller to read (a page, a
// broadcast): WatchNotices subscribes to them, ReadKey reports their
// arrival as a KeyNotice key, and they wait until a screen takes them at
// a safe point (TakeNotices), never in the middle of the caller's typing.
//
// Output written with Write, WriteString and Printf is UTF-8 text; the
// session transcodes it to CP437 for terminals that need it. WriteRaw
// sends bytes untouched (CP437 art to a CP437 terminal). Info tells what
// the protocol learnt when the connection opened (kind, address, terminal
// type, environment, the user name offered).
//
// SetAccessible puts a session in accessible mode, for a caller who reads
// through a screen reader or a braille display: screens and widgets ask
// Accessible and write plain lines, and so does the session's own idle
// warning and a Disconnect's last line.
//
// Concurrency: a Session belongs to the goroutine running its handler.
// Only Snapshot, Node, User, Activity, CurrentActivity, SetActivity,
// SetActivityMessage, SetCurrentActivity, Size, Encoding, Info, Inbox
// (whose methods are all safe), Accessible, SetAccessible, Lang, SetLang,
// T, N, Disconnect and Close may be called from other goroutines. A session on a term.DirectConn (telnet) has no goroutine of
// its own: ReadKey reads the connection on the handler's goroutine, with
// the read deadline set to its next timer, and whatever else it waits for
// (an update or notice in the inbox, a window resize, a Disconnect, the
// context's end) ends that Read by moving the deadline to the past. That
// makes an idle telnet caller one parked goroutine. On other connections
// (ssh channels, WebSockets, whose reads cannot be interrupted and
// resumed) the session runs one extra goroutine that reads and hands
// each buffer to ReadKey; it ends when the session is closed. A Registry
// is safe for concurrent use.
package session
