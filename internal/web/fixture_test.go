package web

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/metrics"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixture is a web server in front of a session server running the
// default board on a real SQLite file, with fast password hashing.
type fixture struct {
	t      testing.TB
	web    *Server
	srv    *server.Server
	board  *board.Board
	store  *store.Store
	reg    *session.Registry
	hasher *auth.Hasher
	banner *auth.Banner
	base   string // https://127.0.0.1:port
	host   string // 127.0.0.1:port
	client *http.Client
}

// setup changes a fixture's configuration before it starts.
type setup struct {
	config    func(*Config)
	server    func(*server.Server)
	board     board.Config      // its settings; the fixture adds the parts
	community community.Config  // its settings; the fixture adds the parts
	passwords account.Passwords // instead of fast argon2id
	ban       auth.BanConfig
	handler   session.Handler // instead of the board
}

func newFixture(t testing.TB, su setup) *fixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	banner, err := auth.NewBanner(t.Context(), su.ban, st.Bans, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: st, reg: &session.Registry{}, hasher: &auth.Hasher{Time: 1, MemoryKiB: 64}, banner: banner}
	bus := &events.Local{}
	met := metrics.New(f.reg)
	presence := community.NewLocalPresence(f.reg)
	var passwords account.Passwords = f.hasher
	if su.passwords != nil {
		passwords = su.passwords
	}
	accts, err := account.New(t.Context(), account.Config{Users: st.Users, Keys: st.Keys, Passwords: passwords, Bans: banner,
		Sessions: presence, OnLogin: met.Login, OnBan: met.Banned})
	if err != nil {
		t.Fatal(err)
	}
	cc := su.community
	cc.Store, cc.Events, cc.Presence = st, bus, presence
	svc, err := community.New(cc)
	if err != nil {
		t.Fatal(err)
	}
	bc := su.board
	bc.Store, bc.Events, bc.Accounts, bc.Community, bc.Art = st, bus, accts, svc, art.NewLibrary(t.TempDir())
	f.board, err = board.New(bc)
	if err != nil {
		t.Fatal(err)
	}
	var h session.Handler = f.board
	if su.handler != nil {
		h = su.handler
	}
	f.srv = &server.Server{Handler: h, Registry: f.reg, Events: bus, Admit: banner.Check,
		OnRefuse: met.Refused, OnSession: met.Session, WrapConn: met.Counting}
	if su.server != nil {
		su.server(f.srv)
	}
	cert, _, err := SelfSigned(filepath.Join(t.TempDir(), "tls"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Server: f.srv, Accounts: accts, Oneliners: svc.Oneliners, Calls: st.Calls, Presence: presence,
		Metrics: met.Registry, Certificate: cert, Admit: banner.Check, PublicWho: true,
		// Every test's client is 127.0.0.1: room for the terminal limit
		// tests' concurrent dials. conns_test.go tests these limits.
		MaxConns: 1000, MaxConnsPerAddress: 1000}
	if su.config != nil {
		su.config(&cfg)
	}
	f.web = New(cfg)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.host = l.Addr().String()
	f.base = "https://" + f.host
	done := make(chan error, 1)
	go func() { done <- f.web.Serve(l) }()
	transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	f.client = &http.Client{Transport: transport, Timeout: 20 * time.Second}
	t.Cleanup(func() {
		// The transport's idle connections first: net/http's Shutdown
		// waits 5 s for a connection that has sent no request yet.
		transport.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := f.srv.Shutdown(ctx); err != nil {
			t.Errorf("server.Shutdown: %v", err)
		}
		if err := f.web.Shutdown(ctx); err != nil {
			buf := make([]byte, 1<<20)
			t.Logf("%s", buf[:runtime.Stack(buf, true)])
			t.Errorf("web.Shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v; want ErrServerClosed", err)
		}
	})
	return f
}

// addUser creates an account directly in the store.
func (f *fixture) addUser(handle, password string) {
	f.t.Helper()
	h, err := f.hasher.Hash(f.t.Context(), password)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.Users.CreateUser(f.t.Context(), &store.User{Handle: handle, Password: h,
		Location: "Springfield", Encoding: store.EncodingAuto}); err != nil {
		f.t.Fatal(err)
	}
}

// dial opens a WebSocket on path, with extra request headers.
func (f *fixture) dial(path string, hdr http.Header, protos ...string) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return websocket.Dial(ctx, "wss://"+f.host+path, &websocket.DialOptions{HTTPClient: f.client, HTTPHeader: hdr, Subprotocols: protos})
}

// terminal opens a browser terminal of the given size and returns its
// reader of the screen's bytes.
func (f *fixture) terminal(cols, rows int) *screen {
	f.t.Helper()
	c, _, err := f.dial("/ws", nil)
	if err != nil {
		f.t.Fatalf("dial /ws: %v", err)
	}
	f.t.Cleanup(func() { c.CloseNow() })
	sc := &screen{t: f.t, c: c}
	sc.resize(cols, rows)
	return sc
}

// get requests a path and returns the response with its body read.
func (f *fixture) get(path string) (*http.Response, string) {
	f.t.Helper()
	return f.do(mustRequest(f.t, http.MethodGet, f.base+path, nil))
}

func (f *fixture) do(req *http.Request) (*http.Response, string) {
	f.t.Helper()
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func mustRequest(t testing.TB, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// waitSession waits until the registry has one session for which cond
// holds, and returns it.
func (f *fixture) waitSession(what string, cond func(session.Snapshot) bool) session.Snapshot {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list := f.reg.Snapshots()
		for _, s := range list {
			if cond(s) {
				return s
			}
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("no session %s; sessions: %+v", what, list)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitIdle waits until no session is left and nothing is counted
// against the limits.
func (f *fixture) waitIdle() {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		total, _ := f.srv.Counts(loopback)
		if f.reg.Len() == 0 && total == 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%d sessions, %d connections counted; want none", f.reg.Len(), total)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// screen is the client side of a browser terminal.
type screen struct {
	t    testing.TB
	c    *websocket.Conn
	seen []byte
}

func (s *screen) resize(cols, rows int) {
	s.t.Helper()
	if err := s.c.Write(s.t.Context(), websocket.MessageText, []byte(`{"cols":`+strconv.Itoa(cols)+`,"rows":`+strconv.Itoa(rows)+`}`)); err != nil {
		s.t.Fatalf("sending the size: %v", err)
	}
}

func (s *screen) typeText(text string) {
	s.t.Helper()
	if err := s.c.Write(s.t.Context(), websocket.MessageBinary, []byte(text)); err != nil {
		s.t.Fatalf("typing %q: %v", text, err)
	}
}

// waitFor reads until want has arrived since the last waitFor.
func (s *screen) waitFor(want string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !bytes.Contains(s.seen, []byte(want)) {
		typ, b, err := s.c.Read(ctx)
		if err != nil {
			s.t.Fatalf("waiting for %q: %v; got %q", want, err, tail(s.seen))
		}
		if typ != websocket.MessageBinary {
			s.t.Fatalf("got a %v message from the server; want binary", typ)
		}
		s.seen = append(s.seen, b...)
	}
	i := bytes.Index(s.seen, []byte(want))
	s.seen = s.seen[i+len(want):]
}

func readUntilClosed(t testing.TB, c *websocket.Conn) websocket.StatusCode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		_, _, err := c.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				t.Fatalf("the server did not close the WebSocket")
			}
			return websocket.CloseStatus(err)
		}
	}
}

func tail(b []byte) string {
	return string(b[max(0, len(b)-300):])
}

// jsonError returns the "error" of a JSON error body, or "" if the body
// is not one.
func jsonError(body string) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal([]byte(body), &e) != nil {
		return ""
	}
	return e.Error
}

var loopback = netip.MustParseAddr("127.0.0.1")
