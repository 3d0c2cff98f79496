package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/internal/server"
)

// countingConn counts the bytes the server sent.
type countingConn struct {
	net.Conn
	n atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// dialFrom opens a TCP connection to addr from the loopback address
// from (all of 127/8 is loopback on Linux), closed at the end of the
// test. A connection the server resets at once may fail to dial: then
// it returns nil.
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if errors.Is(err, syscall.ECONNRESET) {
		return nil
	}
	if err != nil {
		t.Fatalf("dial %s from %s: %v", addr, from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByPeer reports whether err is the server closing or resetting
// the connection (not a timeout, not a TLS alert).
// http.ReadResponse reports a clean close before the first byte as
// io.ErrUnexpectedEOF: the server closed before our request arrived.
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// handshakes opens n TCP connections from `from` at once, then tries a
// TLS handshake on each. It returns the connections that completed one
// and the number closed by the server before it sent a byte; any other
// outcome fails the test.
func handshakes(t *testing.T, from, addr string, n int) (ok []*tls.Conn, refused int) {
	t.Helper()
	var raw []*countingConn
	for range n {
		if c := dialFrom(t, from, addr); c != nil {
			raw = append(raw, &countingConn{Conn: c})
		} else {
			refused++ // reset before the dial returned
		}
	}
	for _, c := range raw {
		tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true})
		c.SetDeadline(time.Now().Add(5 * time.Second))
		err := tc.Handshake()
		c.SetDeadline(time.Time{})
		switch {
		case err == nil:
			ok = append(ok, tc)
		case closedByPeer(err) && c.n.Load() == 0:
			c.Close()
			refused++
		default:
			c.Close()
			t.Fatalf("handshake from %s: %v after %d bytes from the server; want a handshake, or the connection closed before any", from, err, c.n.Load())
		}
	}
	return ok, refused
}

// waitConns waits until the web server counts total connections, and
// perAddr from addr.
func waitConns(t *testing.T, w *Server, addr string, total, perAddr int) {
	t.Helper()
	a := netip.MustParseAddr(addr)
	deadline := time.Now().Add(10 * time.Second)
	for {
		gotTotal, gotPer := w.conns.Counts(a)
		if gotTotal == total && gotPer == perAddr {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("connections counted = %d, %d from %s; want %d, %d", gotTotal, gotPer, addr, total, perAddr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncBuffer is a log destination for several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestConnLimits holds idle TLS connections as the attacker of the
// hardening issue did: beyond the per-address and the total limit,
// connections are closed at accept, before the TLS handshake, and so is
// every connection from a banned address. Closing one frees its slot.
func TestConnLimits(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	var mu sync.Mutex
	refusals := map[server.RefusalReason]int{}
	f := newFixture(t, setup{config: func(c *Config) {
		c.MaxConns, c.MaxConnsPerAddress = 4, 3
		c.Admit = func(a netip.Addr) error {
			if a == netip.MustParseAddr("127.0.0.3") {
				return errors.New("banned")
			}
			return nil
		}
		c.OnRefuse = func(_ netip.Addr, r server.RefusalReason) {
			mu.Lock()
			refusals[r]++
			mu.Unlock()
		}
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	}})

	// One address: three of five complete a handshake.
	first, refused := handshakes(t, "127.0.0.1", f.host, 5)
	if len(first) != 3 || refused != 2 {
		t.Fatalf("5 connections from one address: %d handshakes, %d closed; want 3, 2", len(first), refused)
	}
	waitConns(t, f.web, "127.0.0.1", 3, 3)
	if got := logs.String(); !strings.Contains(got, `msg="web connection refused" remote=127.0.0.1 reason=per_address unlogged_before=0`) {
		t.Errorf("log = %q; want the first refusal logged", got)
	}

	// Another address: one more fills the total.
	second, refused := handshakes(t, "127.0.0.2", f.host, 2)
	if len(second) != 1 || refused != 1 {
		t.Fatalf("2 connections from another address with 1 slot left: %d handshakes, %d closed; want 1, 1", len(second), refused)
	}
	waitConns(t, f.web, "127.0.0.2", 4, 1)

	// Closing one frees its slot.
	first[0].Close()
	waitConns(t, f.web, "127.0.0.1", 3, 2)
	if ok, _ := handshakes(t, "127.0.0.2", f.host, 1); len(ok) != 1 {
		t.Fatalf("after a connection closed, a new one was refused")
	}
	waitConns(t, f.web, "127.0.0.2", 4, 2)

	// A banned address is closed before the handshake with room to spare.
	first[1].Close()
	waitConns(t, f.web, "127.0.0.1", 3, 1)
	if ok, refused := handshakes(t, "127.0.0.3", f.host, 1); len(ok) != 0 || refused != 1 {
		t.Fatalf("a banned address: %d handshakes; want its connection closed before one", len(ok))
	}
	waitConns(t, f.web, "127.0.0.3", 3, 0)

	// The admitted connections serve requests.
	c := second[0]
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", f.host)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz on an admitted connection: %v, %v; want 200", resp, err)
	}
	resp.Body.Close()

	mu.Lock()
	defer mu.Unlock()
	want := map[server.RefusalReason]int{server.RefusedPerAddr: 2, server.RefusedFull: 1, server.RefusedBanned: 1}
	if fmt.Sprint(refusals) != fmt.Sprint(want) {
		t.Errorf("OnRefuse reasons = %v; want %v", refusals, want)
	}
}

// TestIdleKeepAlive checks that a keep-alive connection with no second
// request is closed after IdleTimeout, and its slot freed.
func TestIdleKeepAlive(t *testing.T) {
	t.Parallel()
	const idle = 300 * time.Millisecond
	f := newFixture(t, setup{config: func(c *Config) { c.IdleTimeout = idle }})
	conns, _ := handshakes(t, "127.0.0.1", f.host, 1)
	if len(conns) != 1 {
		t.Fatal("no handshake")
	}
	c := conns[0]
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", f.host)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 || resp.Close {
		t.Fatalf("GET /healthz: %v, %v; want 200, kept alive", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = br.ReadByte()
	if d := time.Since(start); !closedByPeer(err) || d < idle-50*time.Millisecond || d > idle+2*time.Second {
		t.Errorf("idle keep-alive connection: read %v after %v; want closed after about %v", err, d, idle)
	}
	waitConns(t, f.web, "127.0.0.1", 0, 0)
}

// TestRedirectListenerLimits checks that the plain-HTTP listener's
// connections count with the HTTPS listener's.
func TestRedirectListenerLimits(t *testing.T) {
	t.Parallel()
	cert, _, err := SelfSigned(filepath.Join(t.TempDir(), "tls"))
	if err != nil {
		t.Fatal(err)
	}
	w := New(Config{Certificate: cert, MaxConnsPerAddress: 2})
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	go func() { done <- w.Serve(hl) }()
	go func() { done <- w.ServeRedirect(pl, 8443) }()

	tlsConns, _ := handshakes(t, "127.0.0.1", hl.Addr().String(), 1)
	if len(tlsConns) != 1 {
		t.Fatal("no handshake")
	}
	get := func() (*http.Response, int64, error) {
		nc := dialFrom(t, "127.0.0.1", pl.Addr().String())
		if nc == nil {
			return nil, 0, syscall.ECONNRESET
		}
		c := &countingConn{Conn: nc}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET /x HTTP/1.1\r\nHost: example.com\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			resp.Body.Close()
		}
		return resp, c.n.Load(), err
	}
	// One HTTPS and one plain connection: the plain one is served...
	plain := dialFrom(t, "127.0.0.1", pl.Addr().String())
	io.WriteString(plain, "GET /x HTTP/1.1\r\nHost: example.com\r\n\r\n")
	if resp, err := http.ReadResponse(bufio.NewReader(plain), nil); err != nil || resp.StatusCode != http.StatusPermanentRedirect {
		t.Fatalf("GET over plain HTTP: %v, %v; want 308", resp, err)
	}
	waitConns(t, w, "127.0.0.1", 2, 2)
	// ...and a third is closed unanswered, on either listener.
	if resp, n, err := get(); !closedByPeer(err) || n != 0 {
		t.Errorf("a third connection (plain) = %v, %v after %d bytes; want closed with no answer", resp, err, n)
	}
	if ok, refused := handshakes(t, "127.0.0.1", hl.Addr().String(), 1); len(ok) != 0 || refused != 1 {
		t.Errorf("a third connection (HTTPS) completed a handshake")
	}
	tlsConns[0].Close()
	waitConns(t, w, "127.0.0.1", 1, 1)
	if resp, _, err := get(); err != nil || resp.StatusCode != http.StatusPermanentRedirect {
		t.Errorf("after one closed, GET over plain HTTP = %v, %v; want 308", resp, err)
	}
	plain.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.Shutdown(ctx); err != nil {
		t.Error(err)
	}
	for range 2 {
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve = %v; want ErrServerClosed", err)
		}
	}
}

// TestErrorReplyHeaders sends requests net/http refuses itself, before
// any handler, and checks that the replies carry the security headers
// all the same: over TLS, over plain HTTP (the redirect listener), and
// plain HTTP sent to the HTTPS port.
func TestErrorReplyHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	redirect := New(Config{})
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- redirect.ServeRedirect(pl, 8443) }()
	t.Cleanup(func() {
		redirect.Close()
		<-done
	})

	bigHeader := "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 40<<10) + "\r\n\r\n"
	tests := []struct {
		name    string
		request string
		status  int
		body    string // the start of the body
	}{
		{"malformed request line", "GARBAGE\r\n\r\n", 400, "400 Bad Request"},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400, "400 Bad Request: missing required Host header"},
		{"headers too large", bigHeader, 431, "431 Request Header Fields Too Large"},
		{"unknown transfer coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: x84\r\n\r\n", 501, "Unsupported transfer encoding"},
	}
	type listener struct {
		name string
		tls  bool
		dial func() net.Conn
	}
	listeners := []listener{
		{"https", true, func() net.Conn {
			c, err := tls.Dial("tcp", f.host, &tls.Config{InsecureSkipVerify: true})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}},
		{"redirect", false, func() net.Conn { return dialFrom(t, "127.0.0.1", pl.Addr().String()) }},
	}
	check := func(name string, c net.Conn, request string, status int, body, ctype string, hsts bool) {
		t.Helper()
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, request)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Errorf("%s: reading the reply: %v", name, err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status || !strings.HasPrefix(string(b), body) {
			t.Errorf("%s: reply %d %q; want %d %q", name, resp.StatusCode, b, status, body)
		}
		want := map[string]string{
			"X-Frame-Options":              "DENY",
			"X-Content-Type-Options":       "nosniff",
			"Referrer-Policy":              "no-referrer",
			"Content-Security-Policy":      "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Resource-Policy": "same-origin",
			"Strict-Transport-Security":    "",
		}
		if hsts {
			want["Strict-Transport-Security"] = "max-age=31536000"
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q; want %q", name, k, got, v)
			}
		}
		if got := resp.Header.Get("Content-Type"); got != ctype {
			t.Errorf("%s: Content-Type %q; want %q", name, got, ctype)
		}
	}
	for _, l := range listeners {
		for _, tt := range tests {
			check(l.name+": "+tt.name, l.dial(), tt.request, tt.status, tt.body, "text/plain; charset=utf-8", l.tls)
		}
	}
	// Plain HTTP to the HTTPS port: net/http's 400 below TLS.
	check("plain HTTP to the HTTPS port", dialFrom(t, "127.0.0.1", f.host), "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		400, "Client sent an HTTP request to an HTTPS server.", "", false)
}

// TestErrorReply checks which writes errorReply rewrites: net/http's
// own error replies only.
func TestErrorReply(t *testing.T) {
	const eh = netHTTPErrorHeaders
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"400", "HTTP/1.1 400 Bad Request" + "\r\n" + eh + "400 Bad Request", true},
		{"431", "HTTP/1.1 431 Request Header Fields Too Large\r\n" + eh + "431 Request Header Fields Too Large", true},
		{"400 with reason", "HTTP/1.1 400 Bad Request: missing required Host header\r\n" + eh + "400 Bad Request: missing required Host header", true},
		{"no headers", "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n", true},
		{"a handler's 404", "HTTP/1.1 404 Not Found\r\nContent-Security-Policy: default-src 'none'\r\nContent-Type: application/json\r\n\r\n{}", false},
		{"a handler's 400 with those headers after others", "HTTP/1.1 400 Bad Request\r\nX-Frame-Options: DENY\r\n" + eh, false},
		{"200", "HTTP/1.1 200 OK\r\n" + eh + "ok", false},
		{"100 Continue", "HTTP/1.1 100 Continue\r\n\r\n", false},
		{"HTTP/2", "HTTP/2.0 400 Bad Request\r\n" + eh, false},
		{"other headers", "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n", false},
		{"a WebSocket frame", "\x82\x05HTTP/", false},
		{"a TLS record", "\x17\x03\x03\x00\x10", false},
		{"no end of the status line", "HTTP/1.1 400 " + strings.Repeat("x", 300) + "\r\n\r\n", false},
		{"short", "HTTP/1.1 4", false},
	}
	for _, tt := range tests {
		got := errorReply([]byte(tt.in), true)
		if (got != nil) != tt.want {
			t.Errorf("%s: errorReply(%q) = %q; want rewritten %v", tt.name, tt.in, got, tt.want)
			continue
		}
		if got == nil {
			continue
		}
		status, rest, _ := strings.Cut(tt.in, "\r\n")
		if !strings.HasPrefix(string(got), status+"\r\nStrict-Transport-Security: max-age=31536000\r\n") ||
			!strings.HasSuffix(string(got), "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"+
				"Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Resource-Policy: same-origin\r\n"+rest) {
			t.Errorf("%s: errorReply(%q) = %q; want the security headers after the status line", tt.name, tt.in, got)
		}
	}
	if got := errorReply([]byte("HTTP/1.1 400 Bad Request\r\n"+eh), false); bytes.Contains(got, []byte("Strict-Transport-Security")) {
		t.Errorf("errorReply over plain HTTP = %q; want no HSTS", got)
	}
}

// TestRequestTLS checks that the wrapped TLS connections keep what
// net/http derives from *tls.Conn: Request.TLS, and ALPN choosing
// HTTP/1.1 when a client offers h2 first.
func TestRequestTLS(t *testing.T) {
	t.Parallel()
	cert, _, err := SelfSigned(filepath.Join(t.TempDir(), "tls"))
	if err != nil {
		t.Fatal(err)
	}
	w := New(Config{Certificate: cert})
	w.https.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			io.WriteString(rw, "no TLS")
			return
		}
		fmt.Fprintf(rw, "%s %s %v", tls.VersionName(r.TLS.Version), r.TLS.NegotiatedProtocol, r.TLS.HandshakeComplete)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Serve(l) }()
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}}, ForceAttemptHTTP2: true}
	resp, err := (&http.Client{Transport: tr}).Get("https://" + l.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Proto != "HTTP/1.1" || string(b) != "TLS 1.3 http/1.1 true" {
		t.Errorf("GET over TLS offering h2 = %s %q; want HTTP/1.1 \"TLS 1.3 http/1.1 true\"", resp.Proto, b)
	}
	tr.CloseIdleConnections()
	w.Close()
	if err := <-done; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve = %v; want ErrServerClosed", err)
	}
}

// TestHijackedWritesUntouched: a WebSocket message whose payload, split
// by the library's buffer, puts what looks like an HTTP error reply at
// the start of a write reaches the client byte for byte.
func TestHijackedWritesUntouched(t *testing.T) {
	t.Parallel()
	cert, _, err := SelfSigned(filepath.Join(t.TempDir(), "tls"))
	if err != nil {
		t.Fatal(err)
	}
	msg := append(bytes.Repeat([]byte("x"), 4092), "HTTP/1.1 400 A\r\n\r\nafter"...)
	w := New(Config{Certificate: cert})
	w.https.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(rw, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.Write(r.Context(), websocket.MessageBinary, msg)
		c.Read(r.Context()) // until the client closes
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Serve(l) }()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	c, _, err := websocket.Dial(t.Context(), "wss://"+l.Addr().String()+"/", &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := c.Read(t.Context())
	if err != nil || !bytes.Equal(got, msg) {
		t.Errorf("message = %d bytes ending %q, %v; want the %d bytes sent", len(got), got[max(0, len(got)-40):], err, len(msg))
	}
	c.Close(websocket.StatusNormalClosure, "")
	w.Close()
	if err := <-done; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve = %v; want ErrServerClosed", err)
	}
}
