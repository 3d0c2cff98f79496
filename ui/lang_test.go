package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/ui"
)

func german(t *testing.T) *lang.Printer {
	t.Helper()
	c, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	return c.Printer("de")
}

// The widgets speak the session's language.
func TestWidgetsGerman(t *testing.T) {
	de := german(t)
	got := ui.QuoteIn(de, "alice", "hi", time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC), 79)
	if want := "Am 2026-03-01 14:05 schrieb alice:\n> hi\n"; got != want {
		t.Errorf("QuoteIn(de) = %q; want %q", got, want)
	}
	tt, done := plainRun(t, func(ctx context.Context, s *session.Session) error {
		s.SetLang(de)
		m := &ui.Menu{Items: []ui.MenuItem{{Key: 'a', Label: "Alpha"}, {Key: '2', Label: "Beta"}}}
		_, err := m.Run(ctx, s)
		return err
	})
	tt.Type("a\r")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := "1. Alpha, Taste a\r\n2. Beta\r\nDeine Wahl, 1 bis 2, oder Enter für die Liste: "
	if out := string(tt.Raw()); !strings.HasPrefix(out, want) {
		t.Errorf("the menu reads %q; want it to start %q", out, want)
	}
}
