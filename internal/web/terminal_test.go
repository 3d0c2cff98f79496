package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/internal/telnetd"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/telnet"
	"github.com/x84bbs/x84/term"
)

// TestTerminalLogin logs in through /ws, reaches the menu, resizes, and
// checks what the session registry (which x84 who reads) shows.
func TestTerminalLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.addUser("erin", "erins-password")
	sc := f.terminal(100, 30)
	sc.waitFor("Handle:")
	s := f.waitSession("of kind web", func(s session.Snapshot) bool { return s.Kind == term.KindWeb })
	want := session.Snapshot{Kind: term.KindWeb, Term: TermType, Size: term.Size{Cols: 100, Rows: 30}, Encoding: term.UTF8}
	if s.Kind != want.Kind || s.Term != want.Term || s.Size != want.Size || s.Encoding != want.Encoding || !strings.HasPrefix(s.RemoteAddr, "127.0.0.1:") {
		t.Errorf("session = %+v; want kind %s, term %s, size %v, %s, from 127.0.0.1", s, want.Kind, want.Term, want.Size, want.Encoding)
	}
	sc.typeText("erin\r")
	sc.typeText("erins-password\r")
	sc.waitFor("One-liners")
	f.waitSession("logged in as erin", func(s session.Snapshot) bool { return s.User == "erin" })

	sc.resize(120, 40)
	f.waitSession("of 120x40", func(s session.Snapshot) bool { return s.Size == term.Size{Cols: 120, Rows: 40} })
	sc.waitFor("One-liners") // the menu redraws for the new size

	sc.c.Close(websocket.StatusNormalClosure, "")
	f.waitIdle()
}

// TestTerminalBadInput sends what a browser terminal must not, and
// checks that each closes the WebSocket with the right status and
// leaves nothing counted.
func TestTerminalBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{config: func(c *Config) {
		c.HelloTimeout = 300 * time.Millisecond
		c.MaxMessage = 4096
	}})
	hello := []byte(`{"cols":80,"rows":24}`)
	tests := []struct {
		name string
		msgs []msg
		want websocket.StatusCode
	}{
		{"not JSON", []msg{{websocket.MessageText, []byte("hello")}}, websocket.StatusPolicyViolation},
		{"JSON of another shape", []msg{{websocket.MessageText, []byte(`[80,24]`)}}, websocket.StatusPolicyViolation},
		{"unknown field", []msg{{websocket.MessageText, []byte(`{"cols":80,"rows":24,"x":1}`)}}, websocket.StatusPolicyViolation},
		{"missing rows", []msg{{websocket.MessageText, []byte(`{"cols":80}`)}}, websocket.StatusPolicyViolation},
		{"two objects", []msg{{websocket.MessageText, []byte(`{"cols":80,"rows":24}{}`)}}, websocket.StatusPolicyViolation},
		{"absurd size", []msg{{websocket.MessageText, []byte(`{"cols":100000,"rows":24}`)}}, websocket.StatusPolicyViolation},
		{"zero size", []msg{{websocket.MessageText, []byte(`{"cols":0,"rows":0}`)}}, websocket.StatusPolicyViolation},
		{"fractional size", []msg{{websocket.MessageText, []byte(`{"cols":80.5,"rows":24}`)}}, websocket.StatusPolicyViolation},
		{"long size message", []msg{{websocket.MessageText, append([]byte(`{"cols":80,"rows":24}`), bytes.Repeat([]byte(" "), 300)...)}}, websocket.StatusPolicyViolation},
		{"bytes before the size", []msg{{websocket.MessageBinary, []byte("new\r")}}, websocket.StatusPolicyViolation},
		{"no size in time", nil, websocket.StatusPolicyViolation},
		{"bad size later", []msg{{websocket.MessageText, hello}, {websocket.MessageText, []byte("{")}}, websocket.StatusPolicyViolation},
		{"oversized frame", []msg{{websocket.MessageText, hello}, {websocket.MessageBinary, bytes.Repeat([]byte("x"), 4097)}}, websocket.StatusMessageTooBig},
		{"huge frame", []msg{{websocket.MessageText, hello}, {websocket.MessageBinary, bytes.Repeat([]byte("x"), 4<<20)}}, websocket.StatusMessageTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := f.dial("/ws", nil)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer c.CloseNow()
			for _, m := range tt.msgs {
				if err := c.Write(t.Context(), m.typ, m.b); err != nil {
					break // the server may have closed already
				}
			}
			if got := readUntilClosed(t, c); got != tt.want {
				t.Errorf("close status = %v; want %v", got, tt.want)
			}
		})
	}
	f.waitIdle()
}

type msg struct {
	typ websocket.MessageType
	b   []byte
}

// TestTerminalOrigin checks the Origin rule: the server's own host over
// HTTPS, configured origins, or no Origin at all.
func TestTerminalOrigin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{config: func(c *Config) { c.AllowedOrigins = []string{"https://fans.example"} }})
	tests := []struct {
		origin string
		want   int
	}{
		{"", http.StatusSwitchingProtocols},
		{"https://" + f.host, http.StatusSwitchingProtocols},
		{"https://fans.example", http.StatusSwitchingProtocols},
		{"HTTPS://FANS.EXAMPLE", http.StatusSwitchingProtocols},
		{"https://evil.example", http.StatusForbidden},
		{"http://" + f.host, http.StatusForbidden},
		{"https://fans.example:444", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{"https://" + f.host + ".evil.example", http.StatusForbidden},
	}
	for _, tt := range tests {
		hdr := http.Header{}
		if tt.origin != "" {
			hdr.Set("Origin", tt.origin)
		}
		c, resp, err := f.dial("/ws", hdr)
		if c != nil {
			c.CloseNow()
		}
		got := 0
		if resp != nil {
			got = resp.StatusCode
		}
		if got != tt.want {
			t.Errorf("Origin %q: status %d (%v); want %d", tt.origin, got, err, tt.want)
		}
		if tt.want == http.StatusForbidden && resp != nil {
			b, _ := io.ReadAll(resp.Body)
			if jsonError(string(b)) == "" {
				t.Errorf("Origin %q: body %q; want a JSON error", tt.origin, b)
			}
		}
	}
	f.waitIdle()
}

// TestTerminalPerAddressLimit opens 1,000 WebSockets from one address:
// the per-address limit (shared with telnet and ssh) admits 20 and
// refuses the rest with 429 and a JSON error before upgrading them.
func TestTerminalPerAddressLimit(t *testing.T) {
	t.Parallel()
	hold := make(chan struct{})
	f := newFixture(t, setup{handler: session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		select {
		case <-hold:
		case <-ctx.Done():
		}
		return nil
	}), config: func(c *Config) {
		// The terminals send no window size: keep them counted however
		// long 1,000 dials take on a busy machine.
		c.HelloTimeout = time.Minute
	}})
	const n, limit = 1000, 20
	var mu sync.Mutex
	var open []*websocket.Conn
	codes := map[int]int{}
	bodies := map[string]int{}
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, resp, err := f.dial("/ws", nil)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				open = append(open, c)
				codes[http.StatusSwitchingProtocols]++
				return
			}
			if resp == nil {
				codes[0]++
				return
			}
			codes[resp.StatusCode]++
			if resp.Header.Get("Retry-After") == "" {
				codes[-1]++
			}
			b, _ := io.ReadAll(resp.Body)
			bodies[jsonError(string(b))]++
		})
	}
	wg.Wait()
	want := map[int]int{http.StatusSwitchingProtocols: limit, http.StatusTooManyRequests: n - limit}
	if len(codes) != len(want) || codes[101] != want[101] || codes[429] != want[429] {
		t.Errorf("statuses = %v; want %v (and a Retry-After on every 429)", codes, want)
	}
	if len(bodies) != 1 || bodies["Too many connections from your address; please call again later."] != n-limit {
		t.Errorf("refusal bodies = %v; want one JSON error for each", bodies)
	}
	if total, from := f.srv.Counts(loopback); total != limit || from != limit {
		t.Errorf("Counts = %d, %d while %d are open; want %d, %d", total, from, len(open), limit, limit)
	}
	for _, c := range open {
		c.CloseNow()
	}
	close(hold)
	f.waitIdle()
}

// TestWebTelnet negotiates telnet inside WebSocket frames, as fTelnet
// does: TTYPE and NAWS, then a resize.
func TestWebTelnet(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	c, resp, err := f.dial("/ws/telnet", nil, "telnet")
	if err != nil {
		t.Fatalf("dial /ws/telnet: %v", err)
	}
	defer c.CloseNow()
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != "telnet" {
		t.Errorf("subprotocol %q; want telnet", got)
	}
	nc := websocket.NetConn(t.Context(), c, websocket.MessageBinary)
	tc := telnet.NewClientConn(nc, &telnet.ClientConfig{TermTypes: []string{"XTERM-256COLOR"}, Cols: 90, Rows: 28, Binary: true})
	readFor(t, tc, "Handle:")
	s := f.waitSession("over telnet", func(s session.Snapshot) bool { return s.Kind == term.KindWeb })
	if s.Term != "xterm-256color" || s.Size != (term.Size{Cols: 90, Rows: 28}) || s.Encoding != term.UTF8 {
		t.Errorf("session = %+v; want xterm-256color, 90x28, utf-8", s)
	}
	if err := tc.Resize(132, 43); err != nil {
		t.Fatal(err)
	}
	f.waitSession("resized by NAWS", func(s session.Snapshot) bool { return s.Size == term.Size{Cols: 132, Rows: 43} })
	tc.Close()
	f.waitIdle()
}

// TestWebTelnetSilentClient checks that a client that answers no
// telnet option gets its session when negotiation times out, rather
// than having its WebSocket closed by the deadline.
func TestWebTelnetSilentClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{config: func(c *Config) {
		c.Telnet = &telnetd.Protocol{Config: telnet.Config{Timeout: 200 * time.Millisecond, Limit: 400 * time.Millisecond}}
	}})
	c, _, err := f.dial("/ws/telnet", nil)
	if err != nil {
		t.Fatalf("dial /ws/telnet: %v", err)
	}
	defer c.CloseNow()
	nc := websocket.NetConn(t.Context(), c, websocket.MessageBinary)
	readFor(t, nc, "Handle:")
	s := f.waitSession("for a silent client", func(s session.Snapshot) bool { return s.Kind == term.KindWeb })
	if s.Term != term.UnknownTerm || s.Size != term.DefaultSize {
		t.Errorf("session = %+v; want an unknown terminal of the default size", s)
	}
	nc.Close()
	f.waitIdle()
}

func readFor(t *testing.T, r io.Reader, want string) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		var seen []byte
		buf := make([]byte, 4096)
		for !bytes.Contains(seen, []byte(want)) {
			n, err := r.Read(buf)
			seen = append(seen, buf[:n]...)
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("waiting for %q: %v", want, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%q never came", want)
	}
}

// TestTerminalRefusedWhenBanned refuses a banned address with 403
// before the upgrade, by the session server's ban hook.
func TestTerminalRefusedWhenBanned(t *testing.T) {
	t.Parallel()
	banned := errors.New("Your address is banned.")
	f := newFixture(t, setup{
		config: func(c *Config) { c.Admit = nil }, // leave it to the session server
		server: func(s *server.Server) { s.Admit = func(netip.Addr) error { return banned } },
	})
	_, resp, err := f.dial("/ws", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("dial from a banned address: %v, %v; want 403", resp, err)
	}
	var e struct{ Error string }
	json.NewDecoder(resp.Body).Decode(&e)
	if e.Error != banned.Error() {
		t.Errorf("refusal %q; want %q", e.Error, banned)
	}
	f.waitIdle()
}

// TestTerminalHandlerReturns checks that once a browser terminal's
// session runs, its HTTP handler has returned: the session lives in a
// goroutine of its own, not in net/http's for the connection, whose
// stack and state would stay as long. Not parallel: it reads every
// goroutine's stack.
func TestTerminalHandlerReturns(t *testing.T) {
	f := newFixture(t, setup{})
	sc := f.terminal(80, 24)
	sc.waitFor("Handle:")
	// The session may draw the login screen before the scheduler lets
	// the handler's goroutine take its last steps back to net/http, so
	// the handler is given a moment; one that holds the session never
	// returns.
	buf := make([]byte, 1<<20)
	running := func() string {
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "internal/web.(*Server).upgrade(") {
				return g
			}
		}
		return ""
	}
	deadline := time.Now().Add(5 * time.Second)
	g := running()
	for g != "" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		g = running()
	}
	if g != "" {
		t.Errorf("a WebSocket's handler still runs:\n%s", g)
	}
	sc.c.Close(websocket.StatusNormalClosure, "")
	f.waitIdle()
}

// TestTerminalWriteTimeout checks that a write to a browser that reads
// nothing fails once terminalWriteTimeout has passed, closing the
// connection. Not parallel: it shortens terminalWriteTimeout.
func TestTerminalWriteTimeout(t *testing.T) {
	defer func(d time.Duration) { terminalWriteTimeout = d }(terminalWriteTimeout)
	terminalWriteTimeout = 200 * time.Millisecond
	sws, cws := wsPair(t)
	defer cws.CloseNow()
	tc := newTermConn(sws, term.Info{Kind: term.KindWeb, Term: TermType, Size: term.DefaultSize, Encoding: term.UTF8})
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	var err error
	for deadline := time.Now().Add(20 * time.Second); err == nil && time.Now().Before(deadline); {
		_, err = tc.Write(chunk)
	}
	if err == nil {
		t.Fatal("writes to a client that reads nothing never failed")
	}
	if _, err := tc.Write([]byte("x")); err == nil {
		t.Error("a write after the timeout succeeded; want the connection closed")
	}
	tc.Close()
	<-tc.closed
}
