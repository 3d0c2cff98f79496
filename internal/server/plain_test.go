package server

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/plaincheck"
	"github.com/x84bbs/x84/session"
)

// TestIdleGoodbyePlain: a caller on accessible screens who is idle too
// long reads why the call ended on a plain line of its own: the idle
// warning and the last line hold no escape sequence.
func TestIdleGoodbyePlain(t *testing.T) {
	h := session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		s.SetAccessible(true)
		s.WriteString("welcome\r\n")
		for {
			if _, err := s.ReadKey(ctx); err != nil {
				return err
			}
		}
	})
	srv := &Server{Handler: h, Session: session.Config{IdleTimeout: 200 * time.Millisecond}}
	addr := startServer(t, srv)
	c, line := dialFrom(t, "127.0.0.1", addr)
	defer c.Close()
	if line != "welcome" {
		t.Fatalf("first line %q", line)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	rest, _ := io.ReadAll(c)
	if bad := plaincheck.Violations(rest); len(bad) > 0 {
		t.Errorf("an idle caller on plain screens got control sequences: %s", strings.Join(bad, "\n"))
	}
	if !strings.Contains(string(rest), "\r\nYou have been idle too long. Goodbye!\r\n") {
		t.Errorf("an idle caller saw %q; want to be told why the call ended, on a line of its own", rest)
	}
}
