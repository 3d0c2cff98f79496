package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// rawConn is a term.Conn for a connection with no protocol at all.
type rawConn struct {
	net.Conn
	resized chan term.Size
}

func (c rawConn) Info() term.Info {
	return term.Info{Kind: "raw", RemoteAddr: c.RemoteAddr(), Encoding: term.UTF8}
}
func (c rawConn) Resized() <-chan term.Size { return c.resized }

var raw = ProtocolFunc(func(ctx context.Context, c net.Conn) (term.Conn, error) {
	return rawConn{Conn: c, resized: make(chan term.Size)}, nil
})

// startServer serves srv on a loopback listener until the test ends.
func startServer(t *testing.T, srv *Server) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l, raw) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v; want ErrServerClosed", err)
		}
	})
	return l.Addr().String()
}

// waitingHandler holds every session until its context ends or the
// caller hangs up, and counts how many it is holding.
func waitingHandler(held *atomic.Int32) session.Handler {
	return session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		held.Add(1)
		defer held.Add(-1)
		s.WriteString("welcome\r\n")
		for {
			if _, err := s.ReadKey(ctx); err != nil {
				return err
			}
		}
	})
}

// dialFrom connects to addr from the given local IP and returns the first
// line the server sends.
func dialFrom(t *testing.T, local, addr string) (net.Conn, string) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Errorf("dial: %v", err)
		return nil, ""
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	c.SetReadDeadline(time.Time{})
	return c, strings.TrimSpace(line)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestLimits connects many clients at once and checks that exactly as
// many as the limits allow get in, and the rest are told why.
func TestLimits(t *testing.T) {
	tests := []struct {
		name         string
		maxTotal     int
		maxPer       int
		locals       []string
		clients      int
		wantIn       int
		refusalMatch string
	}{
		{"per address", 1000, 7, []string{"127.0.0.1"}, 100, 7, "Too many connections from your address"},
		{"total", 10, 100, []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}, 60, 10, "every node is busy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var held atomic.Int32
			var refusals atomic.Int32
			srv := &Server{Handler: waitingHandler(&held), MaxSessions: tt.maxTotal, MaxPerAddress: tt.maxPer,
				OnRefuse: func(netip.Addr, RefusalReason) { refusals.Add(1) }}
			addr := startServer(t, srv)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var in []net.Conn
			var refused int
			for i := range tt.clients {
				wg.Go(func() {
					c, line := dialFrom(t, tt.locals[i%len(tt.locals)], addr)
					if c == nil {
						return
					}
					mu.Lock()
					defer mu.Unlock()
					switch {
					case line == "welcome":
						in = append(in, c)
					case strings.Contains(line, tt.refusalMatch):
						refused++
						c.Close()
					default:
						t.Errorf("unexpected first line %q", line)
						c.Close()
					}
				})
			}
			wg.Wait()
			if len(in) != tt.wantIn || refused != tt.clients-tt.wantIn {
				t.Errorf("%d clients: %d got in, %d refused; want %d in", tt.clients, len(in), refused, tt.wantIn)
			}
			if got := int(refusals.Load()); got != tt.clients-tt.wantIn {
				t.Errorf("OnRefuse called %d times; want %d", got, tt.clients-tt.wantIn)
			}
			total, _ := srv.Counts(netip.MustParseAddr("127.0.0.1"))
			if total != tt.wantIn {
				t.Errorf("Counts() total = %d; want %d", total, tt.wantIn)
			}
			for _, c := range in {
				c.Close()
			}
			waitFor(t, "sessions to end", func() bool { total, _ := srv.Counts(netip.Addr{}); return total == 0 })
			if n := srv.Registry.Len(); n != 0 {
				t.Errorf("Registry.Len() = %d after every caller left", n)
			}
		})
	}
}

func TestShutdownSaysGoodbye(t *testing.T) {
	var held atomic.Int32
	srv := &Server{Handler: waitingHandler(&held), Goodbye: "See you!"}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l, raw) }()
	var clients []net.Conn
	for range 3 {
		c, line := dialFrom(t, "127.0.0.1", l.Addr().String())
		if line != "welcome" {
			t.Fatalf("first line %q", line)
		}
		clients = append(clients, c)
	}
	waitFor(t, "sessions", func() bool { return held.Load() == 3 })
	if err := srv.Shutdown(t.Context()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for i, c := range clients {
		rest, _ := io.ReadAll(c)
		if !strings.Contains(string(rest), "See you!") {
			t.Errorf("client %d got %q at shutdown; want the goodbye", i, rest)
		}
		c.Close()
	}
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve = %v; want ErrServerClosed", err)
	}
	if err := srv.Serve(l, raw); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Shutdown = %v; want ErrServerClosed", err)
	}
}

// TestShutdownForces checks that a handler ignoring its context is ended
// by closing its connection once Shutdown's context expires.
func TestShutdownForces(t *testing.T) {
	stubborn := session.HandlerFunc(func(_ context.Context, s *session.Session) error {
		s.WriteString("welcome\r\n")
		for {
			if _, err := s.ReadKey(context.Background()); err != nil {
				return err
			}
		}
	})
	srv := &Server{Handler: stubborn}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l, raw) }()
	c, _ := dialFrom(t, "127.0.0.1", l.Addr().String())
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v; want DeadlineExceeded", err)
	}
	<-served
}

func TestPanicConfined(t *testing.T) {
	var calls atomic.Int32
	h := session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		s.WriteString("still here\r\n")
		return nil
	})
	addr := startServer(t, &Server{Handler: h})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, _ := io.ReadAll(c)
	c.Close()
	if !strings.Contains(string(got), "something went wrong") {
		t.Errorf("after a panic the caller saw %q", got)
	}
	var line string
	c, line = dialFrom(t, "127.0.0.1", addr)
	c.Close()
	if line != "still here" {
		t.Errorf("next caller saw %q; want still here", line)
	}
}

func TestAdmit(t *testing.T) {
	srv := &Server{
		Handler: session.HandlerFunc(func(context.Context, *session.Session) error { return nil }),
		Admit: func(a netip.Addr) error {
			if a == netip.MustParseAddr("127.0.0.2") {
				return errors.New("Your address is banned for 6 minutes.")
			}
			return nil
		},
	}
	addr := startServer(t, srv)
	c, line := dialFrom(t, "127.0.0.2", addr)
	c.Close()
	if line != "Your address is banned for 6 minutes." {
		t.Errorf("banned caller saw %q", line)
	}
}

// flakyListener fails Accept with errs, then hands out conns, then blocks
// until closed.
type flakyListener struct {
	errs   []error
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
	times  []time.Time
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.times = append(l.times, time.Now())
	if len(l.errs) > 0 {
		err := l.errs[0]
		l.errs = l.errs[1:]
		return nil, err
	}
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}
func (l *flakyListener) Close() error   { l.once.Do(func() { close(l.closed) }); return nil }
func (l *flakyListener) Addr() net.Addr { return &net.TCPAddr{} }

func TestAcceptBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emfile := errors.New("accept: too many open files")
		l := &flakyListener{errs: []error{emfile, emfile, emfile}, conns: make(chan net.Conn, 1), closed: make(chan struct{})}
		server, client := net.Pipe()
		l.conns <- server
		srv := &Server{Handler: session.HandlerFunc(func(_ context.Context, s *session.Session) error {
			s.WriteString("ok\r\n")
			return nil
		})}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(l, raw) }()
		line, _ := bufio.NewReader(client).ReadString('\n')
		if line != "ok\r\n" {
			t.Errorf("after accept errors the caller saw %q", line)
		}
		client.Close()
		srv.Shutdown(t.Context())
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve = %v", err)
		}
		var gaps []time.Duration
		for i := 1; i < 4; i++ {
			gaps = append(gaps, l.times[i].Sub(l.times[i-1]))
		}
		want := []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond}
		for i := range want {
			if gaps[i] != want[i] {
				t.Errorf("backoff %d = %v; want %v", i, gaps[i], want[i])
			}
		}
	})
}

// TestBackoffEndsOnShutdown checks that Shutdown does not wait for an
// accept backoff pause to run out.
func TestBackoffEndsOnShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errs := make([]error, 20)
		for i := range errs {
			errs[i] = errors.New("accept: too many open files")
		}
		l := &flakyListener{errs: errs, conns: make(chan net.Conn), closed: make(chan struct{})}
		srv := &Server{}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(l, raw) }()
		time.Sleep(2 * time.Second) // deep into 1 s pauses
		start := time.Now()
		srv.Shutdown(t.Context())
		<-served
		if d := time.Since(start); d != 0 {
			t.Errorf("Serve returned %v after Shutdown; want at once", d)
		}
	})
}

func TestIdleGoodbye(t *testing.T) {
	var held atomic.Int32
	srv := &Server{Handler: waitingHandler(&held), Session: session.Config{IdleTimeout: 200 * time.Millisecond}}
	addr := startServer(t, srv)
	c, line := dialFrom(t, "127.0.0.1", addr)
	defer c.Close()
	if line != "welcome" {
		t.Fatalf("first line %q", line)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	rest, _ := io.ReadAll(c)
	// On a cleared line of its own, whatever the screen had there.
	if !strings.Contains(string(rest), "\x1b[2KYou have been idle too long. Goodbye!\r\n") {
		t.Errorf("an idle caller saw %q; want to be told why the call ended, on a cleared line", rest)
	}
}

// TestShutdownLeavesStuckHandler checks that a handler ignoring its
// context and its connection cannot hang Shutdown.
func TestShutdownLeavesStuckHandler(t *testing.T) {
	block := make(chan struct{})
	entered := make(chan struct{})
	h := session.HandlerFunc(func(context.Context, *session.Session) error {
		close(entered)
		<-block
		return nil
	})
	srv := &Server{Handler: h}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l, raw) }()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	<-entered
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v; want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond+closeWait+time.Second {
		t.Errorf("Shutdown took %v with a stuck handler", d)
	}
	close(block) // let it go so that no goroutine outlives the test
	<-served
	srv.workers.Wait()
}

func TestCallerOf(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"192.0.2.7", "192.0.2.7/32"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"},
		{"::1", "::/64"},
	}
	for _, tt := range tests {
		if got := callerOf(netip.MustParseAddr(tt.addr)).String(); got != tt.want {
			t.Errorf("callerOf(%s) = %s; want %s", tt.addr, got, tt.want)
		}
	}
	var l limiter
	a, b := netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::ffff")
	if _, ok := l.acquire(a, 10, 1); !ok {
		t.Fatal("first IPv6 connection refused")
	}
	if reason, ok := l.acquire(b, 10, 1); ok || reason != RefusedPerAddr {
		t.Errorf("second address of the same /64 = %v, %v; want refused per address", reason, ok)
	}
	l.release(a)
	if total, per := l.counts(b); total != 0 || per != 0 {
		t.Errorf("counts after release = %d, %d; want 0, 0", total, per)
	}
}

func TestThrottle(t *testing.T) {
	var th throttle
	t0 := time.Unix(1000, 0)
	steps := []struct {
		at      time.Duration
		ok      bool
		skipped int
	}{
		{0, true, 0},
		{100 * time.Millisecond, false, 0},
		{900 * time.Millisecond, false, 0},
		{time.Second, true, 2},
		{1500 * time.Millisecond, false, 0},
		{3 * time.Second, true, 1},
	}
	for _, s := range steps {
		skipped, ok := th.allow(t0.Add(s.at))
		if ok != s.ok || skipped != s.skipped {
			t.Errorf("allow(+%v) = %d, %v; want %d, %v", s.at, skipped, ok, s.skipped, s.ok)
		}
	}
}
