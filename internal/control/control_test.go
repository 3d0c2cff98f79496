package control

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestListen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x84.sock")
	// A socket file left by a server that died is replaced.
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	l, err := Listen(path)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	defer l.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v; want 0600", fi.Mode().Perm())
	}
	// One that answers is left alone.
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	if _, err := Listen(path); !errors.Is(err, ErrRunning) {
		t.Errorf("Listen on a live socket = %v; want ErrRunning", err)
	}
}

func TestWho(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x84.sock")
	c := NewClient(path)
	defer c.Close()
	if _, err := c.Who(t.Context()); !errors.Is(err, ErrNoServer) {
		t.Fatalf("Who with no server = %v; want ErrNoServer", err)
	}
	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Presence: community.NewLocalPresence(&session.Registry{})})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	defer func() {
		srv.Shutdown(t.Context())
		<-done
	}()
	list, err := c.Who(t.Context())
	if err != nil || len(list) != 0 {
		t.Fatalf("Who = %v, %v; want an empty list", list, err)
	}
	st, err := c.Stats(t.Context(), true)
	if err != nil || st.Goroutines == 0 || st.HeapAlloc == 0 {
		t.Errorf("Stats = %+v, %v", st, err)
	}
	// Profiles for the sysop (go tool pprof), on the socket only.
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Get("http://x84/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile:") {
		t.Errorf("GET /debug/pprof/goroutine = %s: %.200s; want the goroutine profile", resp.Status, body)
	}
}

func TestWhoJSON(t *testing.T) {
	at := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	sn := session.Snapshot{Node: 3, Kind: term.KindTelnet, RemoteAddr: "[::1]:5000", Term: "ansi",
		Size: term.Size{Cols: 80, Rows: 25}, Encoding: term.CP437, Activity: "login",
		ConnectedAt: at, LastInput: at.Add(10 * time.Second)}
	b, _ := json.Marshal(WhoOf(sn, at.Add(75*time.Second)))
	want := `{"node":3,"kind":"telnet","remote_addr":"[::1]:5000","term":"ansi","cols":80,"rows":25,"encoding":"cp437","user":null,"activity":"login","connected_at":"2026-11-25T14:00:00Z","idle_seconds":65}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
	sn.User = "bob"
	b, _ = json.Marshal(WhoOf(sn, at))
	if !strings.Contains(string(b), `"user":"bob"`) {
		t.Errorf("JSON with a user = %s", b)
	}
}
