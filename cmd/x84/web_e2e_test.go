package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestWebTerminal calls the built binary from a browser's point of view:
// a WebSocket terminal logs in and resizes, and `x84 who --json` shows
// it as a web session of the new size. SIGHUP reloads the certificate
// without dropping it.
func TestWebTerminal(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "erin", "erins-password", false)
	addr := s.addrOf("web")
	if addr == "" {
		t.Fatalf("x84 logged no web listener:\n%s", s.log.String())
	}
	ctx, c, client, waitFor := dialWeb(t, addr)
	c.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`))
	waitFor("Handle:")
	c.Write(ctx, websocket.MessageBinary, []byte("erin\r"))
	c.Write(ctx, websocket.MessageBinary, []byte("erins-password\r"))
	waitFor("One-liners")
	c.Write(ctx, websocket.MessageText, []byte(`{"cols":120,"rows":40}`))
	isWeb := func(l []whoEntry) bool {
		return len(l) == 1 && l[0].Kind == "web" && l[0].Term == "xterm-256color" && l[0].Encoding == "utf-8" &&
			l[0].Cols == 120 && l[0].Rows == 40 && l[0].User != nil && *l[0].User == "erin" &&
			strings.HasPrefix(l[0].RemoteAddr, "127.0.0.1:")
	}
	s.waitWho(t, "erin's web session at 120x40", isWeb)

	resp, err := client.Get("https://" + addr + "/api/who")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var who []struct {
		Handle *string `json:"handle"`
		Kind   string  `json:"kind"`
	}
	if err := json.Unmarshal(body, &who); err != nil || len(who) != 1 || who[0].Handle == nil || *who[0].Handle != "erin" || who[0].Kind != "web" {
		t.Errorf("GET /api/who = %d %s; want erin on the web", resp.StatusCode, body)
	}

	s.cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.log.String(), "reloaded the web certificate") {
		if time.Now().After(deadline) {
			t.Fatalf("no reload logged after SIGHUP:\n%s", s.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.Write(ctx, websocket.MessageText, []byte(`{"cols":90,"rows":25}`))
	s.waitWho(t, "the session, still there after SIGHUP, at 90x25", func(l []whoEntry) bool {
		return len(l) == 1 && l[0].Kind == "web" && l[0].Cols == 90 && l[0].Rows == 25
	})

	c.Close(websocket.StatusNormalClosure, "")
	s.waitWho(t, "no one", func(l []whoEntry) bool { return len(l) == 0 })
}

// dialWeb opens the browser terminal's WebSocket on addr, as the page
// does. waitFor reads the terminal's output until want has come, and
// drops what came up to it. Everything is closed at the test's end.
func dialWeb(t *testing.T, addr string) (context.Context, *websocket.Conn, *http.Client, func(want string) string) {
	t.Helper()
	transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	t.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, "wss://"+addr+"/ws", &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatalf("dial /ws: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	var seen []byte
	waitFor := func(want string) string {
		t.Helper()
		for !bytes.Contains(seen, []byte(want)) {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %q: %v; got %q", want, err, seen[max(0, len(seen)-300):])
			}
			seen = append(seen, b...)
		}
		i := bytes.Index(seen, []byte(want))
		before := string(seen[:i])
		seen = seen[i+len(want):]
		return before
	}
	return ctx, c, client, waitFor
}
