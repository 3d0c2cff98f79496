package script_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/app"
	"github.com/x84bbs/x84/internal/plaincheck"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
)

// A script run for a caller on accessible screens sees bbs.accessible,
// and whatever it draws reaches the caller as plain lines: no cursor
// addressing, no clearing, no colour, the questions on lines of their
// own.
func TestAccessibleScript(t *testing.T) {
	f := newFixture(t, options{})
	u := f.addUser("erin")
	f.write("plain", `
bbs.clear();
bbs.print("accessible: " + bbs.accessible);
bbs.print("|12Hello|07 @USER@");
bbs.moveTo(5, 3); bbs.write("row five");
bbs.moveTo(5, 20); bbs.write(", same row");
bbs.moveTo(6, 1); bbs.writePlain("no colour", "|14");
bbs.print(" rows of art: " + bbs.art("missing"));
bbs.write("Then");
var name = bbs.prompt("Your name:", {max: 20});
bbs.print("hi " + name);
bbs.print("confirmed " + bbs.confirm("Sure?"));
var v = bbs.form([{name: "a", label: "First:"}, {name: "b", label: "Second:"}]);
bbs.print("form " + v.a + v.b);
bbs.pause();
bbs.print("done");
`)
	done := make(chan error, 1)
	tt := testterm.Start(t, testterm.Options{Registry: f.reg}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		s.SetUser(u.Handle)
		s.SetAccessible(true)
		call := &board.Call{Session: s, Board: f.board, User: u, Theme: f.board.Theme()}
		done <- f.engine.Run(ctx, app.ScriptCall(call), "plain")
		_, err := s.ReadKey(ctx)
		return err
	}))
	tt.WaitFor("Your name:")
	tt.Type("bob\r")
	tt.WaitFor("Sure? (y or n):")
	tt.Type("y\r")
	tt.WaitFor("First:")
	tt.Type("1\r2\r")
	tt.WaitFor("Press Enter to go on.")
	tt.Type("\r")
	tt.WaitFor("done")
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	raw := tt.Raw()
	if i := bytes.IndexByte(raw, 0x1b); i >= 0 {
		t.Errorf("the script's output holds an escape sequence: %q", raw[i:min(len(raw), i+20)])
	}
	for _, r := range string(raw) {
		if r < 0x20 && r != '\r' && r != '\n' && r != '\b' && r != '\a' || r == utf8.RuneError {
			t.Errorf("the script's output holds %U: %q", r, raw)
			break
		}
	}
	lines := strings.Split(string(raw), "\r\n")
	for _, want := range []string{"accessible: true", "Hello erin", "row five, same row", "no colour rows of art: 0",
		"Then", "Your name: bob", "hi bob", "Sure? (y or n): y", "confirmed true", "First: 1", "Second: 2", "form 12", "done"} {
		if !slices.Contains(lines, want) {
			t.Errorf("no line %q in:\n%s", want, strings.Join(lines, "\n"))
		}
	}
}

// The bundled scripts, run for a caller on accessible screens, write
// plain text only, and the caller leaves each as its last line says.
func TestAccessibleBundled(t *testing.T) {
	tests := []struct{ name, first, keys string }{
		{"news", "No bulletins yet.", "q"},
		{"automessage", "No one has left a message yet.", "\r"},
		{"bbslist", "No boards are listed yet.", "q"},
		{"blocks", "Falling blocks is a picture game for full screens.", "\r"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, bundled())
			u := f.addUser("erin")
			done := make(chan error, 1)
			tt := testterm.Start(t, testterm.Options{Registry: f.reg}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
				s.SetUser(u.Handle)
				s.SetAccessible(true)
				call := &board.Call{Session: s, Board: f.board, User: u, Theme: f.board.Theme()}
				done <- f.engine.Run(ctx, app.ScriptCall(call), tc.name)
				_, err := s.ReadKey(ctx)
				return err
			}))
			tt.WaitFor(tc.first)
			tt.Type(tc.keys)
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Fatalf("%q did not end the script; the caller read:\n%s", tc.keys, tt.Screen())
			}
			raw := tt.Raw()
			if bad := plaincheck.Violations(raw); len(bad) > 0 {
				t.Errorf("the script wrote %d control sequences; the first: %s", len(bad), bad[0])
			}
			if lines := plaincheck.Lines(raw); !slices.Contains(lines, tc.first) {
				t.Errorf("no line %q in:\n%s", tc.first, strings.Join(lines, "\n"))
			}
		})
	}
}

// A script that fails, on accessible screens, tells the caller why on a
// plain line of its own, then asks for Enter: nothing cleared, no cursor
// moved, no colour.
func TestAccessibleScriptError(t *testing.T) {
	f := newFixture(t, options{})
	u := f.addUser("erin")
	f.write("thrower", `bbs.print("about to fail");
throw "\x1b[31mplain " + "string\x07";`)
	done := make(chan error, 1)
	tt := testterm.Start(t, testterm.Options{Registry: f.reg}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		s.SetUser(u.Handle)
		s.SetAccessible(true)
		call := &board.Call{Session: s, Board: f.board, User: u, Theme: f.board.Theme()}
		done <- f.engine.Run(ctx, app.ScriptCall(call), "thrower")
		_, err := s.ReadKey(ctx)
		return err
	}))
	tt.WaitFor("Press Enter to go on.")
	tt.Type("\r")
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	raw := tt.Raw()
	if bad := plaincheck.Violations(raw); len(bad) > 0 {
		t.Errorf("the failure wrote %d control sequences; the first: %s", len(bad), bad[0])
	}
	lines := plaincheck.Lines(raw)
	i := slices.Index(lines, "The script thrower failed: plain string.")
	if i < 0 || !slices.Contains(lines[i+1:], "Press Enter to go on.") {
		t.Errorf("no failure line, then the question, in:\n%s", strings.Join(lines, "\n"))
	}
}
