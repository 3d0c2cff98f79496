package ui_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/plaincheck"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/ui"
)

// FuzzPlainInput types random input into accessible mode's widgets (a
// menu, then the line editor) and checks that all they write is plain
// text, and that the text stays within the editor's limits.
func FuzzPlainInput(f *testing.F) {
	f.Add([]byte("2\rone\rtwo\r/l\r/d\r.\r"))
	f.Add([]byte("zz\r\r?\rq\r"))
	f.Add([]byte("a\r\x1b[A\x1b[Dx\x7f\x7f\x15\x17漢字\x08\r\x1b"))
	f.Add([]byte("1\r\x1bs\r"))
	f.Add([]byte("b\r\x00\x01\x1b]0;title\x07\x9b2J\xff\xfe\r."))
	f.Fuzz(func(t *testing.T, input []byte) {
		type result struct {
			text string
			err  error
		}
		done := make(chan result, 1)
		tt := testterm.Start(t, testterm.Options{}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
			s.SetAccessible(true)
			m := &ui.Menu{Items: []ui.MenuItem{{Key: 'a', Label: "Alpha"}, {Key: 'b', Label: "Beta"}}}
			if _, err := m.Run(ctx, s); err != nil && !errors.Is(err, ui.ErrCancel) {
				done <- result{"", err}
				return err
			}
			text, err := (&ui.LineEditor{MaxLines: 5, MaxBytes: 100}).Run(ctx, s)
			done <- result{text, err}
			return err
		}))
		tt.Type(string(input))
		tt.Session.Close()
		r := <-done
		if r.err == nil && (len(r.text) > 100 || strings.Count(r.text, "\n") >= 5) {
			t.Fatalf("text over the limits: %q", r.text)
		}
		if bad := plaincheck.Violations(tt.Raw()); len(bad) > 0 {
			t.Fatalf("typing %q wrote %s", input, bad[0])
		}
	})
}
