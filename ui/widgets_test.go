package ui_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// fieldResult runs a field and reports what Read returned.
type fieldResult struct {
	value string
	err   error
}

func runField(t *testing.T, opts testterm.Options, f *ui.Field) (*testterm.Term, chan fieldResult) {
	res := make(chan fieldResult, 1)
	tt := testterm.Start(t, opts, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		s.WriteString(ui.ClearScreen + ui.MoveTo(f.Row, 1) + "Name:")
		v, err := f.Read(ctx, s)
		res <- fieldResult{v, err}
		return nil
	}))
	return tt, res
}

func TestFieldEditing(t *testing.T) {
	tests := []struct {
		name  string
		field ui.Field
		keys  string
		want  string
	}{
		{"typing", ui.Field{Max: 10}, "hello\r", "hello"},
		{"backspace both ways", ui.Field{Max: 10}, "abc\x7f\x08d\r", "ad"},
		{"cursor moves and insert", ui.Field{Max: 10}, "ac\x1b[Db\x1b[H>\x1b[F<\r", ">abc<"},
		{"delete", ui.Field{Max: 10}, "abc\x1b[H\x1b[3~\r", "bc"},
		{"ctrl-u clears, ctrl-w deletes a word", ui.Field{Max: 20}, "junk\x15one two\x17\r", "one "},
		{"max length", ui.Field{Max: 3}, "abcdef\r", "abc"},
		{"control characters refused", ui.Field{Max: 10}, "a\x02\x0f\x1b[Zb\tc\x1b[15~\r", "abc"},
		{"accept filter", ui.Field{Max: 10, Accept: func(r rune) bool { return r >= '0' && r <= '9' }}, "1a2b3\r", "123"},
		{"initial value", ui.Field{Max: 10, Value: "pre"}, "!\r", "pre!"},
		{"non-ASCII", ui.Field{Max: 10}, "héllo 漢\r", "héllo 漢"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.field
			f.Row, f.Col = 2, 8
			term, res := runField(t, testterm.Options{}, &f)
			term.Type(tt.keys)
			r := <-res
			if r.err != nil || r.value != tt.want {
				t.Errorf("typing %q = %q, %v; want %q", tt.keys, r.value, r.err, tt.want)
			}
		})
	}
}

func TestFieldEscape(t *testing.T) {
	f := &ui.Field{Row: 2, Col: 8, Max: 10}
	term, res := runField(t, testterm.Options{}, f)
	term.Type("abc\x1b")
	if r := <-res; !errors.Is(r.err, ui.ErrCancel) {
		t.Errorf("Esc = %q, %v; want ErrCancel", r.value, r.err)
	}
}

// A hint wider than the window is cut, not wrapped onto the next row.
func TestFieldLongHint(t *testing.T) {
	f := &ui.Field{Row: 2, Col: 8, Max: 10, HintRow: 3, HintCol: 2,
		Hint: func(string) string { return "Handles use letters, digits, '.', '_' and '-'." }}
	tt, _ := runField(t, testterm.Options{Cols: 30, Rows: 10}, f)
	tt.Type("x")
	scr := tt.WaitFor("Handles use")
	if lines := strings.Split(scr, "\n"); strings.TrimSpace(lines[3]) != "" || ui.Width(strings.TrimRight(lines[2], " ")) > 29 {
		t.Errorf("the hint runs past the window:\n%s", scr)
	}
}

func TestFieldMaskAndHint(t *testing.T) {
	f := &ui.Field{Row: 2, Col: 8, Max: 30, Width: 10, Mask: '*', HintRow: 3, HintCol: 1,
		Hint: func(v string) string {
			if len(v) < 4 {
				return "too short"
			}
			return "fine"
		}}
	tt, res := runField(t, testterm.Options{}, f)
	tt.WaitFor("Name:")
	if strings.Contains(tt.Screen(), "too short") {
		t.Errorf("an empty field shows its hint before anything is typed")
	}
	tt.Type("sec")
	tt.WaitFor("too short")
	tt.Type("ret")
	tt.WaitFor("fine")
	if line := tt.Line(1); line != "Name:  ******" || strings.Contains(tt.Screen(), "secret") {
		t.Errorf("masked field shows %q; screen:\n%s", line, tt.Screen())
	}
	tt.Type("-and-more-than-ten")
	// Scrolled: the field stays 10 cells wide, the last one for the cursor.
	tt.WaitFor("*********")
	if line := tt.Line(1); term.Sanitize(line) != "Name:  *********" {
		t.Errorf("long masked field shows %q; want 9 stars and the cursor", line)
	}
	if x, y := tt.Cursor(); x != 16 || y != 1 {
		t.Errorf("cursor at %d,%d; want 16,1 (the field's last cell)", x, y)
	}
	tt.Type("\r")
	if r := <-res; r.value != "secret-and-more-than-ten" {
		t.Errorf("value %q", r.value)
	}
}

func TestFieldRelayout(t *testing.T) {
	f := &ui.Field{Row: 2, Col: 8, Max: 10}
	var tt *testterm.Term
	f.Relayout = func() (int, int) { return 5, 8 }
	res := make(chan fieldResult, 1)
	tt = testterm.Start(t, testterm.Options{}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		v, err := f.Read(ctx, s)
		res <- fieldResult{v, err}
		return nil
	}))
	tt.Type("abc")
	tt.WaitFor("abc")
	tt.Resize(100, 30)
	tt.Type("d")
	tt.WaitFor("abcd")
	// The field may draw "d" where it was before it takes the resize:
	// what counts is that it ends on row 5.
	for deadline := time.Now().Add(10 * time.Second); strings.TrimSpace(tt.Line(4)) != "abcd"; {
		if time.Now().After(deadline) {
			t.Fatalf("after a resize the field is not on row 5: %q\n%s", tt.Line(4), tt.Screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
	tt.Type("\r")
	if r := <-res; r.value != "abcd" {
		t.Errorf("value after resize %q; want abcd", r.value)
	}
}

// TestFieldFollowsWidth narrows a wide field with the window, and widens
// it again: it never wraps past the window's edge.
func TestFieldFollowsWidth(t *testing.T) {
	f := &ui.Field{Row: 1, Col: 3, Max: 200, Width: 200, Style: "\x1b[0m"}
	tt := testterm.Start(t, testterm.Options{Cols: 80, Rows: 24}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		f.Relayout = func() (int, int) { s.WriteString(ui.ClearScreen); return 1, 3 }
		_, err := f.Read(ctx, s)
		return err
	}))
	text := strings.Repeat("abcdefghij", 5)
	tt.Type(text)
	tt.WaitFor(text)
	tt.Resize(30, 12)
	// 27 cells from column 3: the text's last 26 characters and the
	// cursor after them.
	want := "  " + (text + "X")[51-26:]
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		tt.Type("X")
		if tt.Line(0) == want || time.Now().After(deadline) {
			break
		}
		tt.Type("\x7f") // the resize was not seen yet: try again
	}
	scr := tt.WaitFor("X")
	if line := tt.Line(0); line != want {
		t.Errorf("at 30 columns the field shows %q; want %q", line, want)
	}
	if lines := strings.Split(scr, "\n"); strings.TrimSpace(lines[1]) != "" {
		t.Errorf("the field wrapped onto row 2: %q", lines[1])
	}
	tt.Resize(80, 24)
	tt.Type("Y")
	tt.WaitFor(text + "XY")
}

func TestMenu(t *testing.T) {
	items := []ui.MenuItem{{'w', "Who's online"}, {'o', "One-liners"}, {'l', "Last callers"}, {'g', "Goodbye"}}
	tests := []struct {
		name string
		cols int
		keys string
		want int
		err  error
	}{
		{"hotkey", 80, "l", 2, nil},
		{"hotkey any case", 80, "G", 3, nil},
		{"arrows and enter", 80, "\x1b[B\x1b[B\x1b[A\r", 1, nil},
		{"wraps around", 80, "\x1b[A\r", 3, nil},
		{"right moves a column", 40, "\x1b[C\r", 2, nil},
		{"escape", 80, "\x1b", 0, ui.ErrCancel},
		{"q without an entry", 80, "q", 0, ui.ErrCancel},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				i   int
				err error
			}
			res := make(chan result, 1)
			tt := testterm.Start(t, testterm.Options{}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
				m := &ui.Menu{Items: items, Top: 3, Left: 1, Width: tc.cols}
				i, err := m.Run(ctx, s)
				res <- result{i, err}
				return nil
			}))
			tt.WaitFor("[O] One-liners")
			tt.Type(tc.keys)
			r := <-res
			if r.i != tc.want || !errors.Is(r.err, tc.err) {
				t.Errorf("keys %q = %d, %v; want %d, %v", tc.keys, r.i, r.err, tc.want, tc.err)
			}
		})
	}
}

func TestMenuFitsWidth(t *testing.T) {
	items := make([]ui.MenuItem, 8)
	for i := range items {
		items[i] = ui.MenuItem{Key: rune('a' + i), Label: "Entry " + string(rune('A'+i))}
	}
	for _, size := range []struct{ cols, rows int }{{80, 24}, {132, 50}, {40, 24}} {
		tt := testterm.Start(t, testterm.Options{Cols: size.cols, Rows: size.rows}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
			m := &ui.Menu{Items: items, Top: 1, Left: 1, Width: s.Size().Cols}
			_, err := m.Run(ctx, s)
			return err
		}))
		scr := tt.WaitFor("Entry H")
		for _, line := range strings.Split(scr, "\n") {
			if ui.Width(line) > size.cols {
				t.Errorf("%dx%d: line wider than the window: %q", size.cols, size.rows, line)
			}
		}
		for i := range items {
			if !strings.Contains(scr, items[i].Label) {
				t.Errorf("%dx%d: %q missing:\n%s", size.cols, size.rows, items[i].Label, scr)
			}
		}
	}
	// Squeezed into one or two rows of a narrow window, every key still
	// shows, and nothing runs off the edge.
	for _, size := range []struct{ cols, rows, menuRows int }{{60, 11, 1}, {30, 10, 2}} {
		tt := testterm.Start(t, testterm.Options{Cols: size.cols, Rows: size.rows}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
			m := &ui.Menu{Items: items, Top: 1, Left: 3, Width: s.Size().Cols - 4, Rows: size.menuRows}
			_, err := m.Run(ctx, s)
			return err
		}))
		scr := tt.WaitFor("[H]")
		for i, line := range strings.Split(scr, "\n") {
			if ui.Width(strings.TrimRight(line, " ")) > size.cols-2 {
				t.Errorf("%dx%d: row %d runs to the edge: %q", size.cols, size.rows, i, line)
			}
		}
		for i := range items {
			if k := fmt.Sprintf("[%c]", 'A'+i); !strings.Contains(scr, k) {
				t.Errorf("%dx%d: %s missing:\n%s", size.cols, size.rows, k, scr)
			}
		}
	}
}
