package x84_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"go.uber.org/goleak"
)

// A board of one's own (Options.Board) gets the running board's parts,
// and the web API and the control socket keep working with it: they use
// the same services, not the default board.
func TestCustomBoardKeepsServices(t *testing.T) {
	dir := t.TempDir()
	conf := "[telnet]\nport = 0\n[ssh]\nenabled = false\n[web]\nport = 0\n[board]\noneliner_length = 30\n"
	if err := os.WriteFile(filepath.Join(dir, x84.ConfigFile), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	// The custom board shows the newest one-liner, and the broadcasts that
	// reach its callers, through the parts it was given.
	var parts *x84.Parts
	custom := func(p *x84.Parts) (session.Handler, error) {
		parts = p
		return session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
			defer s.Inbox().WatchNotices(p.Events, events.TopicBroadcast)()
			s.SetActivity("in the custom board")
			s.WriteString("custom board\r\n")
			for {
				k, err := s.ReadKey(ctx)
				if err != nil {
					return err
				}
				if k.Code == term.KeyNotice {
					for _, n := range s.Inbox().TakeNotices() {
						s.WriteString("broadcast: " + n.Data.(events.Broadcast).Text + "\r\n")
					}
				}
				if k.Code == term.KeyRune && k.Rune == 'o' {
					list, err := p.Community.Oneliners.List(ctx, 1)
					if err == nil && len(list) == 1 {
						s.WriteString("newest: " + list[0].Text + "\r\n")
					}
				}
			}
		}), nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan map[string]net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- x84.Run(ctx, x84.Options{DataDir: dir, Log: &syncBuffer{}, Board: custom,
			Ready: func(a map[string]net.Addr) { ready <- a }})
	}()
	var addrs map[string]net.Addr
	select {
	case addrs = <-ready:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
		goleak.VerifyNone(t, goleak.IgnoreCurrent())
	}()
	if parts == nil || parts.Accounts == nil || parts.Community == nil || parts.Store == nil || parts.Events == nil || parts.Sessions == nil {
		t.Fatalf("the custom board got parts %+v; want them all", parts)
	}
	b := &runningBoard{addr: addrs["telnet"].String(), dir: dir}
	tc, scr := dialTelnet(t, b, xterm)
	scr.waitFor(t, "custom board")

	// An account, through the control socket (x84 user add).
	ctl := control.NewClient(filepath.Join(dir, x84.SocketFile))
	defer ctl.Close()
	if err := ctl.AddUser(t.Context(), "ursula", "ursulas-password", false); err != nil {
		t.Fatal(err)
	}
	// A one-liner through the web API, with the board's rules: the
	// configured length.
	transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport}
	post := func(text string) int {
		body, _ := json.Marshal(map[string]string{"text": text})
		req, _ := http.NewRequestWithContext(t.Context(), "POST", "https://"+addrs["web"].String()+"/api/oneliners", strings.NewReader(string(body)))
		req.SetBasicAuth("ursula", "ursulas-password")
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(strings.Repeat("x", 31)); code != http.StatusBadRequest {
		t.Errorf("a one-liner over the configured length: %d; want 400", code)
	}
	if code := post("hello from the web"); code != http.StatusCreated {
		t.Fatalf("POST /api/oneliners = %d; want 201", code)
	}
	tc.Write([]byte("o"))
	scr.waitFor(t, "newest: hello from the web")

	// x84 broadcast reaches the custom board's caller.
	n, err := ctl.Broadcast(t.Context(), "Tea is served.")
	if err != nil || n != 1 {
		t.Fatalf("Broadcast = %d, %v; want 1 session", n, err)
	}
	scr.waitFor(t, "broadcast: Tea is served.")
	if list := who(t, b); len(list) != 1 || list[0].Activity != "in the custom board" {
		t.Errorf("who = %+v", list)
	}
}
