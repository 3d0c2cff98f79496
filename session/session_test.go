package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
	"go.uber.org/goleak"
)

// Every test runs twice: on connections read by a goroutine of the
// session's, then on term.DirectConns, read on the handler's goroutine.
func TestMain(m *testing.M) {
	if code := m.Run(); code != 0 {
		os.Exit(code)
	}
	directPipes = true
	goleak.VerifyTestMain(m)
}

// directPipes makes newPipeSession's connections term.DirectConns.
var directPipes bool

// pipeConn is a term.Conn over one end of a net.Pipe.
type pipeConn struct {
	net.Conn
	info    term.Info
	resized chan term.Size
	direct  atomic.Bool
}

func (c *pipeConn) Info() term.Info           { return c.info }
func (c *pipeConn) Resized() <-chan term.Size { return c.resized }

// resize reports a size the way protocol adapters do: the newest wins,
// and a direct reader's Read ends.
func (c *pipeConn) resize(sz term.Size) {
	select {
	case <-c.resized:
	default:
	}
	c.resized <- sz
	if c.direct.Load() {
		c.SetReadDeadline(time.Unix(1, 0))
	}
}

// directPipeConn is a pipeConn that is a term.DirectConn.
type directPipeConn struct{ *pipeConn }

func (c directPipeConn) ReadDirect() { c.direct.Store(true) }

// newPipeSession returns a session and the client's end of its connection.
func newPipeSession(t *testing.T, info term.Info, cfg Config) (*Session, net.Conn, *pipeConn) {
	t.Helper()
	server, client := net.Pipe()
	pc := &pipeConn{Conn: server, info: info, resized: make(chan term.Size, 1)}
	var conn term.Conn = pc
	if directPipes {
		conn = directPipeConn{pc}
	}
	s := New(conn, cfg)
	if _, ok := conn.(term.DirectConn); ok != (s.direct != nil) {
		t.Fatalf("New(a connection that is a DirectConn: %v) reads directly: %v", ok, s.direct != nil)
	}
	t.Cleanup(func() { client.Close(); s.Close() })
	return s, client, pc
}

func keyNames(t *testing.T, s *Session, n int) string {
	t.Helper()
	var names []string
	for range n {
		k, err := s.ReadKey(t.Context())
		if err != nil {
			t.Fatalf("ReadKey: %v", err)
		}
		names = append(names, k.String())
	}
	return strings.Join(names, " ")
}

func TestReadKey(t *testing.T) {
	tests := []struct {
		name  string
		enc   term.Encoding
		input []string // written one after another
		want  string
	}{
		{"letters and arrows", term.UTF8, []string{"ab\x1b[A\x1b[D"}, "a b Up Left"},
		{"sequence split across writes", term.UTF8, []string{"\x1b", "[", "1;5C"}, "Ctrl-Right"},
		{"enter variants", term.UTF8, []string{"\r\n", "\r", "\x00", "\n"}, "Enter Enter Enter"},
		{"utf-8 split", term.UTF8, []string{"\xc3", "\xa9"}, "é"},
		{"invalid utf-8", term.UTF8, []string{"\xc3\x28"}, "\ufffd ("},
		{"cp437 input", term.CP437, []string{"\x82\x9c"}, "é £"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, client, _ := newPipeSession(t, term.Info{Encoding: tt.enc}, Config{})
				go func() {
					for _, in := range tt.input {
						client.Write([]byte(in))
					}
				}()
				n := len(strings.Fields(tt.want))
				if got := keyNames(t, s, n); got != tt.want {
					t.Errorf("keys of %q = %q; want %q", tt.input, got, tt.want)
				}
			})
		})
	}
}

// TestBareEscape checks that a lone ESC becomes the Esc key after the
// delay, and not before.
func TestBareEscape(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{}, Config{EscDelay: 50 * time.Millisecond})
		go client.Write([]byte{0x1b})
		start := time.Now()
		k, err := s.ReadKey(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if k.Code != term.KeyEscape || time.Since(start) != 50*time.Millisecond {
			t.Errorf("ReadKey = %v after %v; want Esc after 50ms", k, time.Since(start))
		}
	})
}

func TestResizeKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, pc := newPipeSession(t, term.Info{Size: term.Size{Cols: 80, Rows: 24}}, Config{})
		pc.resize(term.Size{Cols: 80, Rows: 24}) // no change: not reported
		go client.Write([]byte("a"))
		if k, err := s.ReadKey(t.Context()); err != nil || k.Rune != 'a' {
			t.Fatalf("ReadKey = %v, %v; want a", k, err)
		}
		pc.resize(term.Size{Cols: 132, Rows: 50})
		k, err := s.ReadKey(t.Context())
		if err != nil || k.Code != term.KeyResize {
			t.Fatalf("ReadKey = %v, %v; want Resize", k, err)
		}
		if got := s.Size(); got != (term.Size{Cols: 132, Rows: 50}) {
			t.Errorf("Size() = %v; want 132x50", got)
		}
		pc.resize(term.Size{Cols: 99999, Rows: 0})
		s.ReadKey(t.Context())
		if got := s.Size(); got != term.DefaultSize {
			t.Errorf("Size() after a bogus size = %v; want %v", got, term.DefaultSize)
		}
		pc.resize(term.Size{Cols: 99999, Rows: 99999})
		s.ReadKey(t.Context())
		if got := s.Size(); got != (term.Size{Cols: MaxCols, Rows: MaxRows}) {
			t.Errorf("Size() after a huge size = %v; want %dx%d", got, MaxCols, MaxRows)
		}
		pc.resize(term.Size{Cols: 3, Rows: 1})
		s.ReadKey(t.Context())
		if got := s.Size(); got != (term.Size{Cols: MinCols, Rows: MinRows}) {
			t.Errorf("Size() after a tiny size = %v; want %dx%d", got, MinCols, MinRows)
		}
	})
}

// A key after the idle warning comes after a KeyResize, so that the
// screen draws the warning's row again; a key without one comes alone.
func TestIdleWarningRedraw(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{Size: term.Size{Cols: 80, Rows: 24}}, Config{
			IdleTimeout: 30 * time.Minute,
			IdleWarning: time.Minute,
		})
		go io.Copy(io.Discard, client)
		time.AfterFunc(29*time.Minute+30*time.Second, func() { client.Write([]byte("x")) })
		if k, err := s.ReadKey(t.Context()); err != nil || k.Code != term.KeyResize {
			t.Fatalf("first ReadKey after a warning = %v, %v; want KeyResize", k, err)
		}
		if k, err := s.ReadKey(t.Context()); err != nil || k.Rune != 'x' {
			t.Fatalf("then ReadKey = %v, %v; want x", k, err)
		}
		time.AfterFunc(time.Minute, func() { client.Write([]byte("y")) })
		if k, err := s.ReadKey(t.Context()); err != nil || k.Rune != 'y' {
			t.Fatalf("a key with no warning before it: ReadKey = %v, %v; want y", k, err)
		}
		client.Close()
	})
}

func TestIdleTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{Size: term.Size{Cols: 80, Rows: 24}}, Config{
			IdleTimeout: 30 * time.Minute,
			IdleWarning: time.Minute,
		})
		var out bytes.Buffer
		var mu sync.Mutex
		go func() {
			buf := make([]byte, 256)
			for {
				n, err := client.Read(buf)
				mu.Lock()
				out.Write(buf[:n])
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
		// A key at 10 minutes restarts the clock.
		time.AfterFunc(10*time.Minute, func() { client.Write([]byte("x")) })
		start := time.Now()
		if k, err := s.ReadKey(t.Context()); err != nil || k.Rune != 'x' {
			t.Fatalf("ReadKey = %v, %v", k, err)
		}
		_, err := s.ReadKey(t.Context())
		if !errors.Is(err, ErrIdle) {
			t.Fatalf("ReadKey = %v; want ErrIdle", err)
		}
		if got, want := time.Since(start), 40*time.Minute; got != want {
			t.Errorf("idle limit reached after %v; want %v", got, want)
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(out.String(), "\x1b[24;1H") || !strings.Contains(out.String(), "disconnected in 1m0s") {
			t.Errorf("no idle warning on the bottom line; output %q", out.String())
		}
	})
}

func TestReadKeyEnds(t *testing.T) {
	t.Run("hang-up", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, client, _ := newPipeSession(t, term.Info{}, Config{})
			go func() { client.Write([]byte("a")); client.Close() }()
			if got := keyNames(t, s, 1); got != "a" {
				t.Errorf("first key %q; want a", got)
			}
			if _, err := s.ReadKey(t.Context()); !errors.Is(err, io.EOF) {
				t.Errorf("ReadKey after hang-up = %v; want EOF", err)
			}
		})
	})
	t.Run("context", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _, _ := newPipeSession(t, term.Info{}, Config{})
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			if _, err := s.ReadKey(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("ReadKey = %v; want deadline exceeded", err)
			}
		})
	})
	t.Run("close from another goroutine", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, _, _ := newPipeSession(t, term.Info{}, Config{})
			time.AfterFunc(time.Second, func() { s.Close() })
			if _, err := s.ReadKey(t.Context()); err == nil {
				t.Errorf("ReadKey on a closed session succeeded")
			}
		})
	})
}

// TestDisconnect: the last line goes to the bottom row and stays there
// disconnectLinger before the connection closes; meanwhile the handler
// gets no keys, not even those typed ahead, and draws nothing over it.
func TestDisconnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{}, Config{})
		go client.Write([]byte("abc"))
		if got := keyNames(t, s, 1); got != "a" {
			t.Fatalf("first key %q; want a", got)
		}
		start := time.Now()
		var got []byte
		var open time.Duration
		read := make(chan struct{})
		go func() {
			got, _ = io.ReadAll(client)
			open = time.Since(start)
			close(read)
		}()
		go s.Disconnect("Bye.")
		synctest.Wait()
		if k, err := s.ReadKey(t.Context()); !errors.Is(err, ErrClosed) {
			t.Errorf("ReadKey during Disconnect = %v, %v; want %v (b and c dropped)", k, err, ErrClosed)
		}
		if _, err := s.WriteString("drawn over"); !errors.Is(err, ErrClosed) {
			t.Errorf("WriteString during Disconnect = %v; want %v", err, ErrClosed)
		}
		if _, err := s.WriteRaw([]byte("drawn over")); !errors.Is(err, ErrClosed) {
			t.Errorf("WriteRaw during Disconnect = %v; want %v", err, ErrClosed)
		}
		// The handler ends and its server closes the session: the line
		// still gets its time.
		s.Close()
		if d := time.Since(start); d != disconnectLinger {
			t.Errorf("Close during Disconnect returned after %v; want %v", d, disconnectLinger)
		}
		<-read
		if want := "\r\n\x1b[0m\x1b[999;1H\x1b[2KBye.\r\n"; string(got) != want {
			t.Errorf("the caller got %q; want %q", got, want)
		}
		if open != disconnectLinger {
			t.Errorf("the connection closed %v after the line; want %v", open, disconnectLinger)
		}
	})
}

// A transfer has no screen to read a line on: its Disconnect closes at
// once.
func TestDisconnectTransfer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{Kind: term.KindSFTP}, Config{})
		go io.Copy(io.Discard, client)
		start := time.Now()
		s.Disconnect("Bye.")
		if d := time.Since(start); d != 0 {
			t.Errorf("Disconnect of a transfer took %v; want no wait", d)
		}
	})
}

// A second Disconnect (the user's account locked while the sysop ends
// the call) waits for the first and writes nothing more.
func TestDisconnectTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{}, Config{})
		var got []byte
		read := make(chan struct{})
		go func() {
			got, _ = io.ReadAll(client)
			close(read)
		}()
		start := time.Now()
		go s.Disconnect("First.")
		synctest.Wait()
		s.Disconnect("Second.")
		if d := time.Since(start); d != disconnectLinger {
			t.Errorf("the second Disconnect returned after %v; want %v", d, disconnectLinger)
		}
		<-read
		if strings.Contains(string(got), "Second.") || !strings.Contains(string(got), "First.") {
			t.Errorf("the caller got %q; want only the first line", got)
		}
	})
}

// TestPasteBounded sends 1 MiB without a newline and checks that the
// session holds at most one read buffer of keys at a time.
func TestPasteBounded(t *testing.T) {
	s, client, _ := newPipeSession(t, term.Info{Encoding: term.UTF8}, Config{})
	const total = 1 << 20
	go func() {
		chunk := bytes.Repeat([]byte("x"), 4096)
		for sent := 0; sent < total; sent += len(chunk) {
			if _, err := client.Write(chunk); err != nil {
				return
			}
		}
	}()
	maxBuffered := 0
	for range total {
		k, err := s.ReadKey(t.Context())
		if err != nil || k.Rune != 'x' {
			t.Fatalf("ReadKey = %v, %v", k, err)
		}
		maxBuffered = max(maxBuffered, s.Buffered())
	}
	if maxBuffered >= readBufSize {
		t.Errorf("up to %d keys buffered; want fewer than %d", maxBuffered, readBufSize)
	}
}

func TestWriteEncoding(t *testing.T) {
	tests := []struct {
		enc  term.Encoding
		in   string
		want string
	}{
		{term.UTF8, "héllo ─\r\n", "héllo ─\r\n"},
		{term.CP437, "héllo ─\r\n", "h\x82llo \xc4\r\n"},
		{term.CP437, "\x1b[1m“quoted”\x1b[0m", "\x1b[1m\"quoted\"\x1b[0m"},
	}
	for _, tt := range tests {
		synctest.Test(t, func(t *testing.T) {
			s, client, _ := newPipeSession(t, term.Info{Encoding: tt.enc}, Config{})
			go func() {
				s.WriteString(tt.in)
				s.Close()
			}()
			got, _ := io.ReadAll(client)
			if string(got) != tt.want {
				t.Errorf("%s: WriteString(%q) sent %q; want %q", tt.enc, tt.in, got, tt.want)
			}
		})
	}
}

func TestWriteRaw(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{Encoding: term.CP437}, Config{})
		go func() {
			s.WriteRaw([]byte{0xdb, 0xb0, 'x'})
			s.Close()
		}()
		got, _ := io.ReadAll(client)
		if !bytes.Equal(got, []byte{0xdb, 0xb0, 'x'}) {
			t.Errorf("WriteRaw sent % x; want db b0 78", got)
		}
	})
}

func TestSnapshot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		addr := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 4000}
		s, _, _ := newPipeSession(t, term.Info{Kind: term.KindTelnet, RemoteAddr: addr, Term: "ansi", Size: term.Size{Cols: 80, Rows: 25}, Encoding: term.CP437}, Config{})
		s.SetUser("bob")
		s.SetActivity("reading")
		var r Registry
		r.Add(s)
		time.Sleep(3 * time.Second)
		got := r.Snapshots()
		if len(got) != 1 {
			t.Fatalf("Snapshots() has %d entries; want 1", len(got))
		}
		sn := got[0]
		if sn.Node != 1 || sn.Kind != term.KindTelnet || sn.RemoteAddr != "10.0.0.1:4000" || sn.Term != "ansi" ||
			sn.Size != (term.Size{Cols: 80, Rows: 25}) || sn.Encoding != term.CP437 || sn.User != "bob" || sn.Activity != "reading" {
			t.Errorf("Snapshot() = %+v", sn)
		}
		if idle := time.Since(sn.LastInput); idle != 3*time.Second {
			t.Errorf("idle %v; want 3s", idle)
		}
	})
}

// What arrives while ReadKey waits for a key wakes it at once: an update,
// a notice, a sysop's disconnect.
func TestWokenWhileWaiting(t *testing.T) {
	for _, tt := range []struct {
		name    string
		arrive  func(s *Session)
		want    term.KeyCode
		wantErr error
	}{
		{"update", func(s *Session) {
			s.Inbox().PostUpdate(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
		}, term.KeyEvent, nil},
		{"notice", func(s *Session) {
			s.Inbox().PostNotice(events.Event{Topic: events.TopicBroadcast, Data: events.Broadcast{Text: "hi"}})
		}, term.KeyNotice, nil},
		{"disconnect", func(s *Session) { go s.Disconnect("bye") }, 0, ErrClosed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, client, _ := newPipeSession(t, term.Info{}, Config{})
			go io.Copy(io.Discard, client) // the disconnect's line
			go func() {
				time.Sleep(50 * time.Millisecond) // ReadKey is waiting by then
				tt.arrive(s)
			}()
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			k, err := s.ReadKey(ctx)
			if err != tt.wantErr || (err == nil && k.Code != tt.want) {
				t.Errorf("ReadKey = %v, %v; want %v, %v", k, err, tt.want, tt.wantErr)
			}
			select {
			case <-s.closing:
				// A disconnect's line lingers before the close: the
				// handler must have stopped long before.
				t.Errorf("ReadKey returned only once the connection closed")
			default:
			}
		})
	}
}

func TestInboxUpdates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{}, Config{})
		var bus events.Local
		stop := s.Inbox().WatchUpdates(&bus, events.ChatTopic("lounge"), events.TopicPresence)
		hi := events.ChatLine{Room: "lounge", Text: "hi"}
		bus.Publish(events.Event{Topic: events.ChatTopic("lounge"), Data: hi})
		bus.Publish(events.Event{Topic: events.TopicOneliner, Data: events.OnelinerPosted{ID: 1}})
		k, err := s.ReadKey(t.Context())
		if err != nil || k.Code != term.KeyEvent || s.Event().Data != hi {
			t.Fatalf("ReadKey = %v, %v, event %+v; want the chat line", k, err, s.Event())
		}
		stop()
		bus.Publish(events.Event{Topic: events.ChatTopic("lounge"), Data: events.ChatLine{Text: "after stop"}})
		go client.Write([]byte("k"))
		if k, err := s.ReadKey(t.Context()); err != nil || k.Rune != 'k' {
			t.Errorf("ReadKey after stop = %v, %v; want the key k", k, err)
		}
		// A full queue drops and counts, without blocking the poster.
		for i := range inboxSize + 5 {
			s.Inbox().PostUpdate(events.Event{Topic: events.TopicOneliner, Data: events.OnelinerPosted{ID: int64(i)}})
		}
		if got := s.Inbox().Dropped(); got != 5 {
			t.Errorf("Dropped() = %d; want 5", got)
		}
		if got := s.Inbox().Updates(); got != inboxSize {
			t.Errorf("Updates() = %d; want %d", got, inboxSize)
		}
		for i := range inboxSize {
			k, err := s.ReadKey(t.Context())
			if err != nil || k.Code != term.KeyEvent || s.Event().Data != (events.OnelinerPosted{ID: int64(i)}) {
				t.Fatalf("ReadKey #%d = %v, %v, %+v; want the updates in order", i, k, err, s.Event())
			}
		}
	})
}

func TestInboxNotices(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _, _ := newPipeSession(t, term.Info{}, Config{})
		var bus events.Local
		in := s.Inbox()
		stop := in.WatchNotices(&bus, events.TopicBroadcast, events.UserTopic("bob"))
		defer stop()
		reboot := events.Broadcast{Text: "reboot at noon"}
		page := events.Page{From: "alice", Room: "page:1:2:3"}
		bus.Publish(events.Event{Topic: events.TopicBroadcast, Data: reboot})
		bus.Publish(events.Event{Topic: events.UserTopic("alice"), Data: events.Mail{From: "not for bob"}})
		bus.Publish(events.Event{Topic: events.UserTopic("bob"), Data: page})
		in.PostUpdate(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
		// The screen hears once that notices wait (before the update),
		// and takes them, in order, at its safe point.
		k, err := s.ReadKey(t.Context())
		if err != nil || k.Code != term.KeyNotice {
			t.Fatalf("ReadKey = %v, %v; want KeyNotice", k, err)
		}
		if k, err := s.ReadKey(t.Context()); err != nil || k.Code != term.KeyEvent || s.Event().Topic != events.TopicPresence {
			t.Fatalf("second ReadKey = %v, %v, %+v; want the presence update", k, err, s.Event())
		}
		if n := in.Notices(); n != 2 {
			t.Errorf("Notices() = %d; want 2", n)
		}
		got := in.TakeNotices()
		if len(got) != 2 || got[0].Data != reboot || got[1].Data != page {
			t.Errorf("TakeNotices() = %+v; want the broadcast then the page", got)
		}
		if n := in.Notices(); n != 0 {
			t.Errorf("Notices() after take = %d; want 0", n)
		}
	})
}

// TestReadRaw: a door reads what the caller sends undecoded, in pieces as
// small as its buffer; a resize still comes as KeyResize; keys typed
// before are dropped, and ReadKey afterwards decodes again.
func TestReadRaw(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, pc := newPipeSession(t, term.Info{Encoding: term.CP437}, Config{EscDelay: 50 * time.Millisecond})
		go client.Write([]byte("x\x1b"))
		if got := keyNames(t, s, 1); got != "x" {
			t.Fatalf("first key %q; want x", got)
		}
		synctest.Wait() // the ESC is read and waits for its delay
		var got []byte
		p := make([]byte, 3)
		go client.Write([]byte("\x1b[Aq\x82\r\x00z")) // up, q, CP437 é, Enter as telnet sends it, z
		for len(got) < 8 {
			n, k, err := s.ReadRaw(t.Context(), p)
			if err != nil || k.Code != 0 {
				t.Fatalf("ReadRaw = %d, %v, %v; want input", n, k, err)
			}
			got = append(got, p[:n]...)
		}
		if want := "\x1b[Aq\x82\r\x00z"; string(got) != want {
			t.Errorf("ReadRaw read %q; want %q (the pending ESC dropped, the rest undecoded)", got, want)
		}
		pc.resize(term.Size{Cols: 100, Rows: 40})
		if n, k, err := s.ReadRaw(t.Context(), p); n != 0 || k.Code != term.KeyResize || err != nil {
			t.Errorf("after a resize ReadRaw = %d, %v, %v; want KeyResize", n, k, err)
		}
		go client.Write([]byte("ab"))
		if n, _, err := s.ReadRaw(t.Context(), p[:1]); n != 1 || err != nil || p[0] != 'a' {
			t.Fatalf("ReadRaw = %d %q, %v; want a", n, p[:n], err)
		}
		// Back to keys: the unread "b" is dropped with the door.
		go client.Write([]byte("\x1b[B"))
		if got := keyNames(t, s, 1); got != "Down" {
			t.Errorf("ReadKey after ReadRaw = %q; want Down", got)
		}
		client.Close()
		if n, _, err := s.ReadRaw(t.Context(), p); n != 0 || err == nil {
			t.Errorf("ReadRaw after hang-up = %d, %v; want an error", n, err)
		}
	})
}

// TestDeadline: ReadKey fails with the deadline's error once it passes,
// keys typed before it first; a zero deadline takes it away.
func TestDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, client, _ := newPipeSession(t, term.Info{}, Config{IdleTimeout: time.Hour})
		errLate := errors.New("too late")
		start := time.Now()
		s.SetDeadline(start.Add(time.Minute), errLate)
		go client.Write([]byte("a"))
		if got := keyNames(t, s, 1); got != "a" {
			t.Fatalf("key before the deadline = %q; want a", got)
		}
		if _, err := s.ReadKey(t.Context()); err != errLate || time.Since(start) != time.Minute {
			t.Errorf("ReadKey = %v after %v; want %v after 1m", err, time.Since(start), errLate)
		}
		s.SetDeadline(time.Time{}, nil)
		go func() {
			time.Sleep(2 * time.Minute)
			client.Write([]byte("b"))
		}()
		if got := keyNames(t, s, 1); got != "b" {
			t.Errorf("after the deadline was taken away: %q; want b", got)
		}
	})
}
