// Package testterm runs a session handler against an emulated terminal,
// for tests that assert what a caller would see: the handler writes to a
// real session over a pipe, the bytes go through a terminal emulator
// (github.com/charmbracelet/x/vt), and the test reads the screen's cells.
// CP437 sessions are decoded to Unicode before the emulator sees them, as
// a CP437 terminal would draw them.
//
// Concurrency: a Term's methods are for the test's goroutine; the handler
// runs in its own goroutine and the output is read in another.
package testterm

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/vt"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// Options describe the terminal. Zero values mean 80x24, UTF-8, xterm.
type Options struct {
	Cols, Rows int
	Encoding   term.Encoding
	Term       string
	Kind       term.Kind
	RemoteAddr net.Addr
	// User is the user name the client offered (as rlogin does).
	User string
	// Env is the environment the client sent (LANG…).
	Env map[string]string
	// Registry, if set, registers the session (so it has a node number).
	Registry *session.Registry
	Session  session.Config
}

// Term is a running handler and the screen it draws.
type Term struct {
	t       testing.TB
	client  net.Conn
	conn    *pipeConn
	Session *session.Session
	enc     term.Encoding
	done    chan error

	mu    sync.Mutex
	stall chan struct{} // while non-nil the caller reads nothing; closed to resume
	emu   *vt.Emulator
	raw   []byte
	eof   bool
	got   chan struct{}
}

type pipeConn struct {
	net.Conn
	info    term.Info
	resized chan term.Size
}

func (c *pipeConn) Info() term.Info           { return c.info }
func (c *pipeConn) Resized() <-chan term.Size { return c.resized }

// Start runs h on a new session and returns once it has started. The
// handler is stopped and waited for when the test ends.
func Start(t testing.TB, opts Options, h session.Handler) *Term {
	t.Helper()
	if opts.Cols == 0 {
		opts.Cols, opts.Rows = 80, 24
	}
	if opts.Encoding == "" {
		opts.Encoding = term.UTF8
	}
	if opts.Term == "" {
		opts.Term = "xterm-256color"
	}
	if opts.Kind == "" {
		opts.Kind = term.KindTelnet
	}
	if opts.RemoteAddr == nil {
		opts.RemoteAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	}
	server, client := net.Pipe()
	pc := &pipeConn{Conn: server, resized: make(chan term.Size, 1), info: term.Info{
		Kind: opts.Kind, RemoteAddr: opts.RemoteAddr, Term: opts.Term,
		Size: term.Size{Cols: opts.Cols, Rows: opts.Rows}, Encoding: opts.Encoding, User: opts.User,
		Env: opts.Env,
	}}
	tt := &Term{
		t: t, client: client, conn: pc, enc: opts.Encoding, done: make(chan error, 1),
		emu: vt.NewEmulator(opts.Cols, opts.Rows), got: make(chan struct{}, 1),
	}
	tt.Session = session.New(pc, opts.Session)
	if opts.Registry != nil {
		if _, err := opts.Registry.Add(tt.Session); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go tt.readLoop()
	go func() {
		err := h.ServeSession(ctx, tt.Session)
		if opts.Registry != nil {
			opts.Registry.Remove(tt.Session)
		}
		tt.Session.Close()
		tt.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		client.Close()
		select {
		case <-tt.done:
		case <-time.After(10 * time.Second):
			t.Errorf("testterm: handler did not end")
		}
	})
	return tt
}

func (tt *Term) readLoop() {
	buf := make([]byte, 4096)
	for {
		tt.mu.Lock()
		stall := tt.stall
		tt.mu.Unlock()
		if stall != nil {
			<-stall
		}
		n, err := tt.client.Read(buf)
		tt.mu.Lock()
		tt.raw = append(tt.raw, buf[:n]...)
		tt.emu.Write(tt.decode(buf[:n]))
		if err != nil {
			tt.eof = true
		}
		tt.mu.Unlock()
		select {
		case tt.got <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// decode turns CP437 output into the Unicode a CP437 terminal would show.
func (tt *Term) decode(p []byte) []byte {
	if tt.enc != term.CP437 {
		return p
	}
	out := make([]byte, 0, len(p)*2)
	for _, b := range p {
		out = utf8.AppendRune(out, term.DecodeCP437(b))
	}
	return out
}

// Type sends keystrokes, as raw bytes ("\r" for Enter, "\x1b[A" for Up).
func (tt *Term) Type(keys string) {
	tt.t.Helper()
	if _, err := tt.client.Write([]byte(keys)); err != nil {
		tt.t.Fatalf("testterm: typing %q: %v", keys, err)
	}
}

// Resize changes the window size, as NAWS or window-change would.
func (tt *Term) Resize(cols, rows int) {
	tt.mu.Lock()
	tt.emu.Resize(cols, rows)
	tt.mu.Unlock()
	term.SendSize(tt.conn.resized, term.Size{Cols: cols, Rows: rows})
}

// Screen returns the visible screen, one line per row with trailing
// spaces removed.
func (tt *Term) Screen() string {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	w, h := tt.emu.Width(), tt.emu.Height()
	lines := make([]string, h)
	for y := range h {
		var b strings.Builder
		for x := 0; x < w; x++ {
			c := tt.emu.CellAt(x, y)
			if c == nil || c.Content == "" {
				if c != nil && c.Width == 0 {
					continue // the second half of a wide character
				}
				b.WriteByte(' ')
				continue
			}
			b.WriteString(c.Content)
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return strings.Join(lines, "\n")
}

// Line returns one row of the screen (0-based), trailing spaces removed.
func (tt *Term) Line(y int) string {
	lines := strings.Split(tt.Screen(), "\n")
	if y < 0 || y >= len(lines) {
		return ""
	}
	return lines[y]
}

// Raw returns every byte the handler has written so far.
func (tt *Term) Raw() []byte {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return bytes.Clone(tt.raw)
}

// Cursor returns the cursor's 0-based column and row.
func (tt *Term) Cursor() (x, y int) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	p := tt.emu.CursorPosition()
	return p.X, p.Y
}

// Stall stops reading what the handler writes, as a caller whose
// connection has stopped taking data: the handler's next write blocks. It
// returns the function that reads again (called at the test's end too).
func (tt *Term) Stall() (resume func()) {
	stall := make(chan struct{})
	tt.mu.Lock()
	tt.stall = stall
	tt.mu.Unlock()
	var once sync.Once
	resume = func() {
		once.Do(func() {
			tt.mu.Lock()
			tt.stall = nil
			tt.mu.Unlock()
			close(stall)
		})
	}
	tt.t.Cleanup(resume)
	return resume
}

// WaitFor waits until the screen shows text and returns the screen.
func (tt *Term) WaitFor(text string) string {
	tt.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s := tt.Screen()
		if strings.Contains(s, text) {
			return s
		}
		tt.mu.Lock()
		eof := tt.eof
		tt.mu.Unlock()
		if eof {
			// The last bytes may have come in since the screen was read.
			if s = tt.Screen(); strings.Contains(s, text) {
				return s
			}
			tt.t.Fatalf("testterm: the session ended before %q showed; screen:\n%s", text, s)
		}
		select {
		case <-tt.got:
		case <-deadline:
			tt.t.Fatalf("testterm: %q never showed; screen:\n%s", text, s)
		}
	}
}

// WaitGone waits until the screen no longer shows text.
func (tt *Term) WaitGone(text string) string {
	tt.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tt.Screen()
		if !strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			tt.t.Fatalf("testterm: %q still shows; screen:\n%s", text, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Wait waits for the handler to return and returns its error.
func (tt *Term) Wait() error {
	tt.t.Helper()
	select {
	case err := <-tt.done:
		tt.done <- err
		return err
	case <-time.After(10 * time.Second):
		tt.t.Fatalf("testterm: the handler did not return")
		return nil
	}
}
