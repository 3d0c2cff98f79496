package telnet

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/internal/nettest"
)

// recorder keeps every byte the client side received from the server.
type recorder struct {
	net.Conn
	mu  sync.Mutex
	got []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	r.got = append(r.got, p[:n]...)
	r.mu.Unlock()
	return n, err
}

func (r *recorder) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.got...)
}

// negotiateWith runs NewServerConn against a ClientConn configured as cc.
// The client keeps reading (and answering) in the background until the
// test ends; what it reads as data is returned by the data channel.
func negotiateWith(t *testing.T, cc ClientConfig, cfg *Config) (*Conn, *ClientConn, *recorder, <-chan []byte) {
	t.Helper()
	sc, c := nettest.TCPPair(t)
	rec := &recorder{Conn: c}
	client := NewClientConn(rec, &cc)
	data := make(chan []byte, 100)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 1024)
		for {
			n, err := client.Read(buf)
			if n > 0 {
				data <- append([]byte(nil), buf[:n]...)
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.Close(); wg.Wait() })
	conn, err := NewServerConn(context.Background(), sc, cfg)
	if err != nil {
		t.Fatalf("NewServerConn: %v", err)
	}
	return conn, client, rec, data
}

var openingBytes = []byte{
	IAC, WILL, OptEcho, IAC, WILL, OptSGA, IAC, DO, OptSGA, IAC, DO, OptBinary,
	IAC, WILL, OptBinary, IAC, DO, OptTTYPE, IAC, DO, OptNAWS, IAC, DO, OptNewEnviron,
	IAC, DO, OptCharset,
}

func TestNegotiateRealClients(t *testing.T) {
	// Client profiles from captures of Debian 12's clients (see the
	// project's reference notes on telnet clients).
	tests := []struct {
		name      string
		client    ClientConfig
		term      string
		cols      int
		rows      int
		binary    bool
		env       map[string]string
		envAsked  bool
		complete  bool
		mtts      int
		ttypesLen int
	}{
		{"inetutils", ClientConfig{TermTypes: []string{"XTERM-256COLOR"}, Cols: 100, Rows: 30, Binary: true,
			Env: map[string]string{"DISPLAY": "localhost:9"}},
			"xterm-256color", 100, 30, true, map[string]string{"DISPLAY": "localhost:9"}, true, true, 0, 1},
		{"busybox", ClientConfig{TermTypes: []string{"xterm-256color"}, Cols: 100, Rows: 30},
			"xterm-256color", 100, 30, false, map[string]string{}, false, true, 0, 1},
		{"plink", ClientConfig{TermTypes: []string{"XTERM"}, Cols: 100, Rows: 30, Binary: true,
			Env: map[string]string{"USER": "root"}},
			"xterm", 100, 30, true, map[string]string{"USER": "root"}, true, true, 0, 1},
		{"tintin", ClientConfig{TermTypes: []string{"TINTIN++", "xterm-256color", "MTTS 271"}, Cols: 100, Rows: 30, SilentEnv: true},
			"xterm-256color", 100, 30, false, map[string]string{}, true, false, 271, 2},
		{"microsoft telnet", ClientConfig{TermTypes: []string{"ANSI", "VT100"}, Cols: 80, Rows: 25, Env: map[string]string{"USER": "x"}},
			"ansi", 80, 25, false, map[string]string{}, false, true, 0, 2},
		{"cycling to the limit", ClientConfig{TermTypes: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
			"a", 0, 0, false, map[string]string{}, false, true, 0, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Config{Timeout: 500 * time.Millisecond, Limit: 700 * time.Millisecond}
			conn, _, rec, _ := negotiateWith(t, tt.client, cfg)
			if got := conn.TermType(); got != tt.term {
				t.Errorf("TermType() = %q; want %q", got, tt.term)
			}
			if cols, rows := conn.WindowSize(); cols != tt.cols || rows != tt.rows {
				t.Errorf("WindowSize() = %d, %d; want %d, %d", cols, rows, tt.cols, tt.rows)
			}
			bin := conn.Enabled(Local, OptBinary) && conn.Enabled(Remote, OptBinary)
			if bin != tt.binary {
				t.Errorf("BINARY both ways = %v; want %v", bin, tt.binary)
			}
			if got := conn.Env(); !equalEnv(got, tt.env) {
				t.Errorf("Env() = %v; want %v", got, tt.env)
			}
			if got := conn.MTTS(); got != tt.mtts {
				t.Errorf("MTTS() = %d; want %d", got, tt.mtts)
			}
			if got := len(conn.TermTypes()); got != tt.ttypesLen {
				t.Errorf("len(TermTypes()) = %d (%q); want %d", got, conn.TermTypes(), tt.ttypesLen)
			}
			neg := conn.Negotiation()
			if neg.Complete != tt.complete || !neg.Answered {
				t.Errorf("Negotiation() = %+v; want Complete %v, Answered", neg, tt.complete)
			}
			sent := rec.bytes()
			if !bytes.HasPrefix(sent, openingBytes) {
				t.Errorf("server's first bytes % x; want % x", sent[:min(len(sent), len(openingBytes))], openingBytes)
			}
			asked := bytes.Contains(sent, []byte{IAC, SB, OptNewEnviron, sbSEND})
			if asked != tt.envAsked {
				t.Errorf("NEW-ENVIRON SEND sent = %v; want %v", asked, tt.envAsked)
			}
		})
	}
}

func equalEnv(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestNegotiateTiming checks, in a bubble of fake time, that a client that
// answers nothing gets its session at Timeout and one that answers part
// at Limit.
func TestNegotiateTiming(t *testing.T) {
	tests := []struct {
		name   string
		answer []byte // what the client sends after reading the opening
		want   time.Duration
	}{
		{"raw socket", nil, time.Second},
		{"answers some", []byte{IAC, WILL, OptTTYPE}, 2 * time.Second},
		{"answers all but NAWS", []byte{IAC, DO, OptEcho, IAC, DO, OptSGA, IAC, WILL, OptSGA, IAC, WONT, OptBinary,
			IAC, DONT, OptBinary, IAC, WONT, OptTTYPE, IAC, WILL, OptNAWS, IAC, WONT, OptNewEnviron}, 2 * time.Second},
		{"answers everything", []byte{IAC, DO, OptEcho, IAC, DO, OptSGA, IAC, WILL, OptSGA, IAC, WONT, OptBinary,
			IAC, DONT, OptBinary, IAC, WONT, OptTTYPE, IAC, WONT, OptNAWS, IAC, WONT, OptNewEnviron}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sc, cc := net.Pipe()
				defer cc.Close()
				go func() {
					buf := make([]byte, 256)
					if _, err := io.ReadFull(cc, buf[:len(openingBytes)]); err != nil {
						return
					}
					if tt.answer != nil {
						cc.Write(tt.answer)
					}
					for {
						if _, err := cc.Read(buf); err != nil {
							return
						}
					}
				}()
				start := time.Now()
				conn, err := NewServerConn(t.Context(), sc, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				if got := time.Since(start); got != tt.want {
					t.Errorf("negotiation took %v; want %v", got, tt.want)
				}
				if tt.answer == nil && conn.Negotiation().Answered {
					t.Errorf("Negotiation().Answered = true for a silent client")
				}
			})
		})
	}
}

// slowConn is a server whose goroutine runs late: each Read returns its
// data only after a pause, as on a machine too busy to schedule it.
type slowConn struct {
	net.Conn
	pause time.Duration
}

func (c slowConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	time.Sleep(c.pause)
	return n, err
}

// A client that answered in time keeps its connection when the server
// itself was late to read the answer: the answer's reply is still sent.
func TestNegotiateSlowServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		defer cc.Close()
		go func() {
			buf := make([]byte, 256)
			if _, err := io.ReadFull(cc, buf[:len(openingBytes)]); err != nil {
				return
			}
			cc.Write([]byte{IAC, WILL, OptTTYPE}) // the server answers with TTYPE SEND
			io.Copy(io.Discard, cc)
		}()
		conn, err := NewServerConn(t.Context(), slowConn{sc, 3 * time.Second}, nil)
		if err != nil {
			t.Fatalf("NewServerConn with a server slower than the negotiation limit = %v; want a connection", err)
		}
		conn.Close()
	})
}

func TestNegotiateKeepsEarlyData(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		defer cc.Close()
		go func() {
			buf := make([]byte, len(openingBytes))
			io.ReadFull(cc, buf)
			cc.Write([]byte("hel"))
			cc.Write([]byte{IAC, WONT, OptTTYPE, 'l', 'o', '\r', 0})
			io.Copy(io.Discard, cc)
		}()
		conn, err := NewServerConn(t.Context(), sc, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		go cc.Write([]byte(" world"))
		got := make([]byte, 0, 32)
		buf := make([]byte, 3) // smaller than the pending data
		for len(got) < len("hello\r world") {
			n, err := conn.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, buf[:n]...)
		}
		if string(got) != "hello\r world" {
			t.Errorf("Read = %q; want %q", got, "hello\r world")
		}
	})
}

func TestNegotiateClientGoesAway(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		go func() {
			buf := make([]byte, len(openingBytes))
			io.ReadFull(cc, buf)
			cc.Write([]byte{IAC, WILL})
			cc.Close()
		}()
		_, err := NewServerConn(t.Context(), sc, nil)
		if !errors.Is(err, io.EOF) {
			t.Errorf("NewServerConn with a client that leaves = %v; want EOF", err)
		}
	})
}

func TestNegotiateCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		defer cc.Close()
		go io.Copy(io.Discard, cc)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := NewServerConn(ctx, sc, nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("NewServerConn after cancel = %v; want context.Canceled", err)
		}
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("cancelled negotiation returned after %v; want 100ms", d)
		}
	})
}

func TestResizeAndLinemode(t *testing.T) {
	sizes := make(chan [2]int, 10)
	cfg := &Config{OnResize: func(c, r int) { sizes <- [2]int{c, r} }}
	conn, client, rec, _ := negotiateWith(t, ClientConfig{TermTypes: []string{"xterm"}, Cols: 80, Rows: 24, Binary: true, Env: map[string]string{}}, cfg)
	defer conn.Close()
	go io.Copy(io.Discard, conn)

	if err := client.Resize(132, 50); err != nil {
		t.Fatal(err)
	}
	if got := <-sizes; got != [2]int{132, 50} {
		t.Errorf("OnResize(%v); want [132 50]", got)
	}
	// A client volunteering LINEMODE twice gets one DONT.
	before := len(rec.bytes())
	client.conn.Write([]byte{IAC, WILL, OptLinemode, IAC, WILL, OptLinemode})
	if err := client.Resize(100, 30); err != nil { // a marker we can wait for
		t.Fatal(err)
	}
	<-sizes
	if _, err := conn.Write([]byte("x")); err != nil { // flush ordering marker
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !bytes.Contains(rec.bytes()[before:], []byte("x")) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	got := rec.bytes()[before:]
	if n := bytes.Count(got, []byte{IAC, DONT, OptLinemode}); n != 1 {
		t.Errorf("server sent DONT LINEMODE %d times (% x); want 1", n, got)
	}
}

func TestEnvSendFrames(t *testing.T) {
	var vars []string
	for i := range 40 {
		vars = append(vars, strings.Repeat("V", 10)+string(rune('A'+i%26)))
	}
	out, frames := appendEnvSend(nil, vars)
	if frames < 2 {
		t.Fatalf("appendEnvSend(40 vars) = %d frames; want several", frames)
	}
	n := 0
	for _, f := range bytes.SplitAfter(out, []byte{IAC, SE}) {
		if len(f) == 0 {
			continue
		}
		n++
		if len(f) > envFrameMax {
			t.Errorf("frame of %d bytes; want at most %d", len(f), envFrameMax)
		}
	}
	if n != frames {
		t.Errorf("found %d frames; appendEnvSend said %d", n, frames)
	}
	// Every variable is asked for, in order.
	var got []string
	NewDecoder(0).Decode(nil, out, func(ev Event) {
		for _, item := range bytes.Split(ev.Data[1:], []byte{envVAR}) {
			if len(item) > 0 {
				got = append(got, string(item))
			}
		}
	})
	if strings.Join(got, ",") != strings.Join(vars, ",") {
		t.Errorf("variables asked = %v; want %v", got, vars)
	}
}

func TestParseEnv(t *testing.T) {
	tests := []struct {
		in   []byte
		want map[string]string
	}{
		{seq(sbIS, envVAR, 'U', 'S', 'E', 'R', envVALUE, 'b', 'o', 'b'), map[string]string{"USER": "bob"}},
		{seq(sbIS, envVAR, 'A', envVAR, 'B', envVALUE, 'x'), map[string]string{"A": "", "B": "x"}},
		{seq(sbINFO, envUSERVAR, 'X', envVALUE, envESC, envVAR, 'y'), map[string]string{"X": "\x00y"}},
		{seq(sbSEND, envVAR, 'A'), map[string]string{}},
		{seq(sbIS, 'j', 'u', 'n', 'k', envVALUE, 'v'), map[string]string{}},
		{seq(sbIS, envVAR, envVALUE, 'v'), map[string]string{}},
		{seq(sbIS, envVAR, 'E', envESC), map[string]string{"E": ""}},
	}
	for _, tt := range tests {
		got := map[string]string{}
		parseEnv(tt.in, got)
		if !equalEnv(got, tt.want) {
			t.Errorf("parseEnv(% x) = %v; want %v", tt.in, got, tt.want)
		}
	}
	// Limits: oversized values and too many variables are dropped.
	in := seq(sbIS, envVAR, 'L', envVALUE)
	in = append(in, bytes.Repeat([]byte{'v'}, envMaxValue+1)...)
	got := map[string]string{}
	parseEnv(in, got)
	if len(got) != 0 {
		t.Errorf("parseEnv(oversized value) kept %d variables", len(got))
	}
	in = seq(sbIS)
	for i := range 100 {
		in = append(in, envVAR, byte('A'+i%26), byte('a'+i/26), envVALUE, '1')
	}
	got = map[string]string{}
	parseEnv(in, got)
	if len(got) != envMaxVars {
		t.Errorf("parseEnv(100 variables) kept %d; want %d", len(got), envMaxVars)
	}
}

func TestParseTTYPE(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{seq(sbIS, 'x', 't', 'e', 'r', 'm'), "xterm"},
		{seq(sbIS, 'M', 'T', 'T', 'S', ' ', '1'), "MTTS 1"},
		{seq(sbIS, 'a', 0x1b, '[', '2', 'J', 'b'), "a[2Jb"},
		{seq(sbSEND), ""},
		{nil, ""},
		{append(seq(sbIS), bytes.Repeat([]byte{'x'}, 500)...), strings.Repeat("x", ttypeMax)},
	}
	for _, tt := range tests {
		if got := parseTTYPE(tt.in); got != tt.want {
			t.Errorf("parseTTYPE(% x) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestNegotiateFlood is a client that flips an option back and forth
// without ever reading our answers: negotiation must still end by its
// limit, having answered a bounded number of times.
func TestNegotiateFlood(t *testing.T) {
	sc, c := nettest.TCPPair(t)
	flood := bytes.Repeat([]byte{IAC, WILL, OptSGA, IAC, WONT, OptSGA}, 20000)
	go c.Write(flood)
	start := time.Now()
	cfg := &Config{Timeout: 300 * time.Millisecond, Limit: 600 * time.Millisecond}
	conn, err := NewServerConn(t.Context(), sc, cfg)
	if err != nil {
		t.Fatalf("NewServerConn: %v", err)
	}
	if d := time.Since(start); d > cfg.Limit+500*time.Millisecond {
		t.Errorf("negotiation with a flooding client took %v; limit %v", d, cfg.Limit)
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	got, _ := io.ReadAll(c)
	if max := len(openingBytes) + 3*replyBudget; len(got) > max {
		t.Errorf("server answered with %d bytes; want at most %d", len(got), max)
	}
	conn.Close()
}

func TestWriteTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc, cc := net.Pipe()
		defer cc.Close()
		go func() {
			buf := make([]byte, len(openingBytes))
			io.ReadFull(cc, buf) // then never read again
		}()
		conn, err := NewServerConn(t.Context(), sc, &Config{WriteTimeout: 30 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		_, err = conn.Write([]byte("hello"))
		if !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) != 30*time.Second {
			t.Errorf("Write to a client that never reads = %v after %v; want a deadline error after 30s", err, time.Since(start))
		}
		if _, err := conn.Write([]byte("again")); err == nil {
			t.Errorf("Write after a failed write succeeded")
		}
	})
}

// TestClientWithoutTypes checks that a ClientConn with no terminal types
// ignores a server asking for one anyway.
func TestClientWithoutTypes(t *testing.T) {
	sc, c := nettest.TCPPair(t)
	client := NewClientConn(c, &ClientConfig{})
	sc.Write([]byte{IAC, SB, OptTTYPE, sbSEND, IAC, SE, IAC, SB, OptNewEnviron, sbSEND, IAC, SE, 'x'})
	buf := make([]byte, 16)
	n, err := client.Read(buf)
	if err != nil || string(buf[:n]) != "x" {
		t.Errorf("Read = %q, %v; want x", buf[:n], err)
	}
}

// TestNegotiateCharsetClients runs ClientConns that speak CHARSET over
// loopback TCP: the one that can show UTF-8 gets it, the BBS terminal
// that shows only CP437 gets CP437 (offered to ANSI terminals), and one
// that can show neither agrees on nothing.
func TestNegotiateCharsetClients(t *testing.T) {
	offer := func(tt string) bool { return strings.EqualFold(tt, "ansi-bbs") }
	tests := []struct {
		name   string
		client ClientConfig
		want   string
	}{
		{"MUD client", ClientConfig{TermTypes: []string{"TINTIN++", "xterm-256color", "MTTS 271"}, Cols: 100, Rows: 30, Charsets: []string{"utf-8"}}, CharsetUTF8},
		{"BBS terminal", ClientConfig{TermTypes: []string{"ANSI-BBS"}, Cols: 80, Rows: 25, Charsets: []string{"CP437"}}, CharsetCP437},
		{"Latin-1 terminal", ClientConfig{TermTypes: []string{"ANSI-BBS"}, Cols: 80, Rows: 25, Charsets: []string{"ISO-8859-1"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Config{Timeout: 500 * time.Millisecond, Limit: 700 * time.Millisecond, OfferCP437: offer}
			conn, _, _, _ := negotiateWith(t, tt.client, cfg)
			if got := conn.Charset(); got != tt.want {
				t.Errorf("Charset() = %q; want %q", got, tt.want)
			}
			if !conn.Negotiation().Complete {
				t.Errorf("Negotiation() = %+v; want complete", conn.Negotiation())
			}
		})
	}
}

// TestEnvSharedCopyOnWrite: the map Env hands out never changes, even
// when the client sends variables again later.
func TestEnvSharedCopyOnWrite(t *testing.T) {
	c := &Conn{env: map[string]string{"LANG": "C"}}
	got := c.Env()
	c.mu.Lock()
	c.subnegLocked(nil, OptNewEnviron, append([]byte{sbINFO, envVAR}, "LANG\x01fr_FR.UTF-8"...))
	c.mu.Unlock()
	if got["LANG"] != "C" {
		t.Errorf("the map Env returned changed to %v", got)
	}
	if now := c.Env(); now["LANG"] != "fr_FR.UTF-8" {
		t.Errorf("Env() after the update = %v; want LANG=fr_FR.UTF-8", now)
	}
}

// TestSetTransparent: in a transfer's mode, every byte reaches the
// client as it was written (IAC doubled on the wire) and the client's
// CR NUL reaches the server; out of it, text rules apply again.
func TestSetTransparent(t *testing.T) {
	conn, client, rec, data := negotiateWith(t, ClientConfig{TermTypes: []string{"xterm"}, Cols: 80, Rows: 24, Binary: true, Env: map[string]string{}}, nil)
	defer conn.Close()
	wire := func(want []byte) bool {
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if bytes.Contains(rec.bytes(), want) {
				return true
			}
		}
		return false
	}
	recv := func(n int) []byte {
		var got []byte
		timeout := time.After(5 * time.Second)
		for len(got) < n {
			select {
			case b := <-data:
				got = append(got, b...)
			case <-timeout:
				t.Fatalf("client got % x; want %d bytes", got, n)
			}
		}
		return got
	}
	conn.SetTransparent(true)
	if _, err := conn.Write(allBytes()); err != nil {
		t.Fatal(err)
	}
	if got := recv(256); !bytes.Equal(got, allBytes()) {
		t.Errorf("transparent: client got % x; want every byte once", got)
	}
	if _, err := client.Write([]byte("x\r\x00y\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	var got []byte
	for len(got) < 6 {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if want := []byte("x\r\x00y\r\n"); !bytes.Equal(got, want) {
		t.Errorf("transparent: server read % x; want % x", got, want)
	}
	conn.Write([]byte("p\nq"))
	if !wire([]byte("p\nq")) {
		t.Errorf("transparent: the wire has %q; want p LF q", rec.bytes())
	}
	conn.SetTransparent(false)
	conn.Write([]byte("a\nb"))
	if !wire([]byte("a\r\nb")) {
		t.Errorf("after: the wire has %q; want a CR LF b", rec.bytes())
	}
}

// TestClientTransparent: a client with Transparent set reads what a
// server in BINARY sends as it was sent, CR NUL and CR LF included.
func TestClientTransparent(t *testing.T) {
	for _, tt := range []struct {
		transparent bool
		want        []byte
	}{
		{false, []byte("a\rb\rc")},
		{true, []byte("a\r\x00b\r\nc")},
	} {
		conn, _, _, data := negotiateWith(t, ClientConfig{TermTypes: []string{"xterm"}, Binary: true, Transparent: tt.transparent, Env: map[string]string{}}, nil)
		conn.SetTransparent(true)
		conn.Write([]byte("a\r\x00b\r\nc"))
		var got []byte
		timeout := time.After(5 * time.Second)
		for len(got) < len(tt.want) {
			select {
			case b := <-data:
				got = append(got, b...)
			case <-timeout:
				t.Fatalf("transparent=%v: got % x", tt.transparent, got)
			}
		}
		if !bytes.Equal(got, tt.want) {
			t.Errorf("transparent=%v: client read %q; want %q", tt.transparent, got, tt.want)
		}
		conn.Close()
	}
}
