package mail_test

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/x84bbs/x84/internal/mail"
	"github.com/x84bbs/x84/internal/smtptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// logBuf is a log the tests read.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// wait waits until the log holds text; the worker logs after the server
// answered.
func (l *logBuf) wait(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(l.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", text, l.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newSender starts a Sender, shut down when the test ends.
func newSender(t *testing.T, cfg mail.Config) (*mail.Sender, *logBuf) {
	t.Helper()
	lb := &logBuf{}
	cfg.Logger = slog.New(slog.NewTextHandler(lb, nil))
	if cfg.From == "" {
		cfg.From = "x84 <bbs@" + smtptest.Domain + ">"
	}
	s, err := mail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return s, lb
}

// TestDelivers sends a mail through a real Postfix in each TLS mode and
// reads it from the mailbox.
func TestDelivers(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: true})
	roots := &tls.Config{RootCAs: srv.Roots}
	for _, tc := range []struct {
		mode     string
		port     int
		tls      *tls.Config
		received string // what Postfix's Received header says of TLS
	}{
		{mail.NoTLS, srv.Port, nil, ""},
		{mail.StartTLS, srv.Port, roots, "using TLS"},
		{mail.TLS, srv.TLSPort, roots, "using TLS"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			s, lb := newSender(t, mail.Config{Host: srv.Host, Port: tc.port, TLS: tc.mode, TLSConfig: tc.tls})
			to := tc.mode + "@" + smtptest.Domain
			body := "Hello,\n\nyour code is abcd-efgh.\nFrom the board, with = and é.\n"
			if err := s.Send(t.Context(), to, "Password reset for x84", body); err != nil {
				t.Fatal(err)
			}
			m := srv.Wait(t, to, 1)
			if m.Subject != "Password reset for x84" || m.Body != body {
				t.Errorf("delivered subject %q, body %q; want %q, %q", m.Subject, m.Body, "Password reset for x84", body)
			}
			if got := m.Header.Get("From"); got != `"x84" <bbs@x84.test>` && got != "x84 <bbs@x84.test>" {
				t.Errorf("From: %q", got)
			}
			if got := m.Header.Get("Auto-Submitted"); got != "auto-generated" {
				t.Errorf("Auto-Submitted: %q; want auto-generated", got)
			}
			rcvd := strings.Join(m.Header["Received"], "\n")
			if tc.received != "" && !strings.Contains(rcvd, tc.received) {
				t.Errorf("Received: %q; want it to say %q", rcvd, tc.received)
			}
			if tc.received == "" && strings.Contains(rcvd, "using TLS") {
				t.Errorf("Received: %q; want no TLS", rcvd)
			}
			lb.wait(t, "mail sent")
			if strings.Contains(lb.String(), "abcd-efgh") {
				t.Errorf("the log shows the body:\n%s", lb.String())
			}
		})
	}
}

// TestRefusesInsecure: a server without STARTTLS, and one whose
// certificate is not trusted, get no mail.
func TestRefusesInsecure(t *testing.T) {
	plain := smtptest.Start(t, smtptest.Options{})
	withTLS := smtptest.Start(t, smtptest.Options{TLS: true})
	for _, tc := range []struct {
		name, mode string
		srv        *smtptest.Server
		port       int
		want       string
	}{
		{"no STARTTLS offered", mail.StartTLS, plain, plain.Port, "does not support STARTTLS"},
		{"STARTTLS, unknown certificate", mail.StartTLS, withTLS, withTLS.Port, "certificate"},
		{"TLS, unknown certificate", mail.TLS, withTLS, withTLS.TLSPort, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, lb := newSender(t, mail.Config{Host: tc.srv.Host, Port: tc.port, TLS: tc.mode})
			if err := s.Send(t.Context(), "alice@"+smtptest.Domain, "x", "secret body"); err != nil {
				t.Fatal(err)
			}
			lb.wait(t, "mail not sent")
			if !strings.Contains(lb.String(), tc.want) {
				t.Errorf("the log does not say %q:\n%s", tc.want, lb.String())
			}
		})
	}
	if got := append(plain.Messages(t), withTLS.Messages(t)...); len(got) != 0 {
		t.Errorf("%d mails delivered; want none", len(got))
	}
}

// blackHole accepts connections and never answers: an SMTP server that
// hangs. It closes when the test ends.
func blackHole(t *testing.T) (host string, port int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var conns []net.Conn
	var mu sync.Mutex
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	})
	a := l.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

// TestQueueFull: with the server hanging, Send never waits: once the
// queue is full it drops the mail, and the log says so once. Shutdown
// then breaks the hung delivery when its context ends.
func TestQueueFull(t *testing.T) {
	host, port := blackHole(t)
	lb := &logBuf{}
	s, err := mail.New(mail.Config{Host: host, Port: port, TLS: mail.NoTLS, From: "bbs@x84.test",
		Queue: 2, Timeout: 10 * time.Minute, Logger: slog.New(slog.NewTextHandler(lb, nil))})
	if err != nil {
		t.Fatal(err)
	}
	// The worker takes at most one mail off the queue, and holds it.
	var full int
	for range 10 {
		err := s.Send(t.Context(), "a@x84.test", "x", "y")
		if errors.Is(err, mail.ErrQueueFull) {
			full++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if full < 7 {
		t.Errorf("%d of 10 mails dropped; want at least 7 (queue of 2, one in delivery)", full)
	}
	if n := strings.Count(lb.String(), "mail queue full"); n != 1 {
		t.Errorf("the log says the queue is full %d times; want once:\n%s", n, lb.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown(cancelled) = %v; want context.Canceled", err)
	}
	if err := s.Send(t.Context(), "a@x84.test", "x", "y"); !errors.Is(err, mail.ErrClosed) {
		t.Errorf("Send after Shutdown = %v; want ErrClosed", err)
	}
}

// TestShutdownDelivers: mails queued before Shutdown are delivered
// before it returns.
func TestShutdownDelivers(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s, err := mail.New(mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.NoTLS, From: "bbs@x84.test"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := s.Send(t.Context(), "carol@x84.test", "queued", "body"); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	srv.Wait(t, "carol@x84.test", 3)
}

func TestSendRefuses(t *testing.T) {
	host, port := blackHole(t)
	s, _ := newSender(t, mail.Config{Host: host, Port: port, TLS: mail.NoTLS})
	for _, tc := range []struct{ name, to, subject string }{
		{"no address", "", "x"},
		{"two addresses", "a@x84.test, b@x84.test", "x"},
		{"header in the address", "a@x84.test\r\nBcc: b@x84.test", "x"},
		{"header in the subject", "a@x84.test", "x\r\nBcc: b@x84.test"},
	} {
		if err := s.Send(t.Context(), tc.to, tc.subject, "body"); err == nil {
			t.Errorf("%s: Send(%q, %q) = nil; want an error", tc.name, tc.to, tc.subject)
		}
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  mail.Config
		want string
	}{
		{"no host", mail.Config{From: "a@b.c"}, "mail: Config.Host is required"},
		{"clear text to another host", mail.Config{Host: "smtp.example.org", TLS: mail.NoTLS, From: "a@b.c"},
			`mail: TLS mode none sends in clear, so it is allowed only for a loopback host (localhost, 127.0.0.1, ::1), not "smtp.example.org"`},
		{"unknown mode", mail.Config{Host: "smtp.example.org", TLS: "ssl", From: "a@b.c"},
			`mail: TLS mode "ssl" is not starttls, tls or none`},
		{"bad sender", mail.Config{Host: "smtp.example.org", From: "nobody"}, `mail: sender "nobody": mail: missing '@' or angle-addr`},
		{"password without user", mail.Config{Host: "smtp.example.org", From: "a@b.c", Password: "pw"}, "mail: a password needs a user"},
		{"port", mail.Config{Host: "smtp.example.org", From: "a@b.c", Port: 70000}, "mail: port 70000 is out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := mail.New(tc.cfg)
			if err == nil {
				s.Shutdown(t.Context())
				t.Fatalf("New = nil error; want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("New error = %q; want %q", err, tc.want)
			}
		})
	}
}
