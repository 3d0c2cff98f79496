package webadmin

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/e2e"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/internal/web"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// frontend is where the browser driver and its npm packages live.
const frontend = "../web/frontend"

// TestAdminBrowser logs in to the admin in headless Chromium, first as
// a sysop with two-factor login (its code computed here with
// pquerna/otp; the code form's Cancel tried first), then as a sysop
// without (Debian's chromium, driven by internal/web/frontend's
// admin-browser-test.mjs with playwright-core), through a real
// web.Server with a browser terminal of the same session server beside
// it. The driver visits every page and changes things; the test then
// checks the store. Screenshots of each page go to $TEST_OUTPUT if set,
// else to the test's artifact directory: keep them with
// go test -artifacts -outputdir DIR.
func TestAdminBrowser(t *testing.T) {
	chromium, node, out := e2e.Browser(t, frontend)

	f := newFixture(t, func(c *Config) { c.Now = nil })
	f.settings.Web.MetricsToken = "metrics-secret"
	f.sysop("root")
	secret := f.withTOTP(f.sysop("otp"))
	f.addUser("erin", "password-erin", store.GroupUnvalidated)
	f.addUser("erik", "password-erik")
	spam := &store.Oneliner{Handle: "mallory", Text: "BUY CHEAP <b>WATCHES</b>", Posted: time.Now()}
	f.st.Oneliners.AddOneliner(t.Context(), spam, 0)
	f.st.Oneliners.AddOneliner(t.Context(), &store.Oneliner{Handle: "erik", Text: "hello from the wall", Posted: time.Now()}, 0)
	reading := f.svc.Messages.Reading(f.user("erik"))
	for _, d := range []community.Draft{{Area: "general", Subject: "Welcome", Body: "Hi all"}, {Area: "general", Subject: "Spam subject", Body: "junk"}} {
		if _, err := reading.Post(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.accounts.Ban(t.Context(), "203.0.113.66"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := range 100 {
		f.met.Login(i%4 != 0)
		f.h.cfg.History.Sample(now.Add(time.Duration(i-100) * 5 * time.Minute))
	}

	base := serveWeb(t, f)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	// The code of now: the driver types it within seconds, well inside
	// its window (the step and the one after).
	cmd := exec.CommandContext(ctx, node, "admin-browser-test.mjs", base, "root", "password-root", out,
		"otp", "password-otp", code(t, secret, time.Now()))
	cmd.Dir = frontend
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser test: %v\n%s", err, outb)
	}
	if !strings.Contains(string(outb), `"ok":true`) {
		t.Errorf("browser test said:\n%s", outb)
	}

	erin := f.user("erin")
	if erin.InGroup(store.GroupUnvalidated) || !erin.InGroup(store.GroupLocked) || erin.Level != 42 {
		t.Errorf("erin after the browser = groups %v, level %d; want validated, locked, level 42", erin.Groups, erin.Level)
	}
	if list, _ := f.st.Oneliners.Oneliners(t.Context(), 10); len(list) != 1 || list[0].ID == spam.ID {
		t.Errorf("one-liners after the browser = %+v; want the spam gone", list)
	}
	if msgs, _ := f.st.Messages.ListMessages(t.Context(), store.MessageQuery{Area: "general"}); len(msgs) != 1 || msgs[0].Subject != "Welcome" {
		t.Errorf("messages after the browser = %+v; want only Welcome", msgs)
	}
	if err := f.banner.Check(netip.MustParseAddr("203.0.113.66")); err != nil {
		t.Errorf("203.0.113.66 still banned: %v", err)
	}
	if last := f.user("otp").TOTP.LastStep; last == 0 {
		t.Errorf("otp's code was never spent: the browser did not log in with it")
	}
	for _, name := range []string{"code", "login", "who", "users", "user", "user-changed", "delete-confirm", "bans", "oneliners", "messages", "config", "charts"} {
		p := filepath.Join(out, "admin-"+name+".png")
		if fi, err := os.Stat(p); err != nil || fi.Size() < 1000 {
			t.Errorf("screenshot %s: %v", p, err)
		}
	}
	t.Logf("screenshots in %s", out)
}

// serveWeb serves the fixture's admin on a real web.Server with a
// session server behind its browser terminal, and returns its base URL.
// Its callers are "carol", who see broadcasts.
func serveWeb(t *testing.T, f *fixture) string {
	t.Helper()
	srv := &server.Server{Handler: session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		defer s.Inbox().WatchNotices(f.bus, events.TopicBroadcast)()
		s.SetUser("carol")
		s.SetActivity("testing the admin")
		s.WriteString("Welcome, carol\r\n")
		for {
			k, err := s.ReadKey(ctx)
			if err != nil {
				return nil
			}
			if k.Code == term.KeyNotice {
				for _, ev := range s.Inbox().TakeNotices() {
					if b, ok := ev.Data.(events.Broadcast); ok {
						s.WriteString("Broadcast: " + b.Text + "\r\n")
					}
				}
			}
		}
	}), Registry: f.reg, Events: f.bus, Admit: f.banner.Check}
	cert, _, err := web.SelfSigned(filepath.Join(t.TempDir(), "tls"))
	if err != nil {
		t.Fatal(err)
	}
	ws := web.New(web.Config{Server: srv, Certificate: cert, Admit: f.banner.Check, Admin: f.h, Name: "Test BBS",
		MaxConns: 100, MaxConnsPerAddress: 100})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- ws.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		ws.Shutdown(ctx)
		if err := <-done; !errors.Is(err, web.ErrServerClosed) {
			t.Errorf("Serve = %v; want ErrServerClosed", err)
		}
	})
	return "https://" + l.Addr().String()
}
