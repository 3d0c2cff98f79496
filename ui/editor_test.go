package ui_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Keys as terminals send them.
const (
	kUp       = "\x1b[A"
	kDown     = "\x1b[B"
	kRight    = "\x1b[C"
	kLeft     = "\x1b[D"
	kHome     = "\x1b[H"
	kEnd      = "\x1b[F"
	kPgUp     = "\x1b[5~"
	kPgDn     = "\x1b[6~"
	kInsert   = "\x1b[2~"
	kDelete   = "\x1b[3~"
	kCtrlHome = "\x1b[1;5H"
	kCtrlEnd  = "\x1b[1;5F"
	kCtrlPgUp = "\x1b[5;5~"
	kF2       = "\x1bOQ"
	kF10      = "\x1b[21~"
	kSave     = "\x1a" // Ctrl-Z
	kEsc      = "\x1b"
)

const menuPrompt = "Save, Abort, or Continue? [s/a/c]"
const confirmPrompt = "Abort and lose your changes? [y/n]"

type editResult struct {
	text string
	err  error
}

func runEditor(t *testing.T, opts testterm.Options, e *ui.Editor) (*testterm.Term, chan editResult) {
	t.Helper()
	res := make(chan editResult, 1)
	tt := testterm.Start(t, opts, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		text, err := e.Run(ctx, s)
		res <- editResult{text, err}
		return nil
	}))
	return tt, res
}

func result(t *testing.T, res chan editResult) editResult {
	t.Helper()
	select {
	case r := <-res:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the editor did not return")
		return editResult{}
	}
}

func TestEditorKeys(t *testing.T) {
	tests := []struct {
		name string
		text string // the editor starts with it, the cursor at its end
		keys string
		want string
	}{
		{"typing", "", "hello, world", "hello, world"},
		{"enter breaks the line", "", "ab\rcd", "ab\ncd"},
		{"enter in the middle", "abcd", kLeft + kLeft + "\r", "ab\ncd"},
		{"pasted lines", "", "one\r\ntwo\r\n", "one\ntwo\n"},
		{"backspace", "", "abc\x08\x7f", "a"},
		{"backspace joins lines", "ab\ncd", kHome + "\x7f", "abcd"},
		{"backspace at the start does nothing", "ab", kCtrlHome + "\x7f", "ab"},
		{"delete", "abc", kHome + kDelete, "bc"},
		{"ctrl-d deletes", "abc", kHome + "\x04", "bc"},
		{"delete joins the next line", "ab\ncd", kUp + kEnd + kDelete, "abcd"},
		{"delete at the end does nothing", "ab", kDelete, "ab"},
		{"up and down keep the column", "abcdef\nab\nabcdef", kUp + kUp + "X", "abcdefX\nab\nabcdef"},
		{"down keeps the column", "abcdef\nab\nabcdef", kCtrlHome + kEnd + kDown + kDown + "X", "abcdef\nab\nabcdefX"},
		{"up on a short line clamps", "ab\nabcdef", kUp + "X", "abX\nabcdef"},
		{"left goes to the line above", "ab\ncd", kHome + kLeft + "X", "abX\ncd"},
		{"right goes to the line below", "ab\ncd", kCtrlHome + kEnd + kRight + "Y", "ab\nYcd"},
		{"home and end", "hello", kHome + "[" + kEnd + "]", "[hello]"},
		{"ctrl-a and ctrl-e", "hello", "\x01[\x05]", "[hello]"},
		{"ctrl-home and ctrl-end", "one\ntwo\nthree", kCtrlHome + "<" + kCtrlEnd + ">", "<one\ntwo\nthree>"},
		{"ctrl-pgup", "one\ntwo", kCtrlPgUp + "<", "<one\ntwo"},
		{"overwrite", "abcd", kHome + kInsert + "XY", "XYcd"},
		{"overwrite at the end inserts", "ab", kInsert + "cd", "abcd"},
		{"overwrite stops at the line's end", "ab\ncd", kUp + kHome + kInsert + "XYZ", "XYZ\ncd"},
		{"ctrl-v switches back to insert", "abcd", kHome + "\x16X\x16Y", "XYbcd"},
		{"tab", "", "a\tb\t\tc", "a   b       c"},
		{"control characters are refused", "", "a\x02\x0f\x00b\x1b[15~\x1b[Zc\x1b[24~\x1b[200~", "abc"},
		{"wide characters", "", "漢字" + kLeft + "x", "漢x字"},
		{"ctrl-y deletes a line", "one\ntwo\nthree", kUp + "\x19", "one\nthree"},
		{"ctrl-y deletes the last line", "one\ntwo", "\x19", "one"},
		{"initial text is cleaned", "a\x1b[31mb\tc\r\nd\x07", "", "ab  c\nd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tt, res := runEditor(t, testterm.Options{}, &ui.Editor{Text: tc.text})
			tt.Type(tc.keys)
			tt.Type(kSave)
			if r := result(t, res); r.err != nil || r.text != tc.want {
				t.Errorf("typing %q into %q = %q, %v; want %q", tc.keys, tc.text, r.text, r.err, tc.want)
			}
		})
	}
}

func TestEditorWrap(t *testing.T) {
	// A 30-cell area wraps at 29 cells, leaving a cell for the cursor.
	tt, res := runEditor(t, testterm.Options{}, &ui.Editor{Width: 30})
	const para = "The quick brown fox jumps over the lazy dog and keeps running far away."
	tt.Type(para)
	tt.WaitFor("running far away.")
	want := []string{"The quick brown fox jumps", "over the lazy dog and keeps", "running far away."}
	for i, w := range want {
		if got := tt.Line(i); got != w {
			t.Errorf("row %d = %q; want %q\n%s", i, got, w, tt.Screen())
		}
	}
	// Words typed at the start push the others along.
	tt.Type(kCtrlHome + "Yes, ")
	tt.WaitFor("Yes, The")
	want = []string{"Yes, The quick brown fox", "jumps over the lazy dog and", "keeps running far away."}
	for i, w := range want {
		if got := tt.Line(i); got != w {
			t.Errorf("after inserting, row %d = %q; want %q\n%s", i, got, w, tt.Screen())
		}
	}
	tt.Type(kSave)
	if r := result(t, res); r.text != "Yes, "+para {
		t.Errorf("saved %q; want the paragraph without line breaks", r.text)
	}
}

func TestEditorWrapWide(t *testing.T) {
	tt, res := runEditor(t, testterm.Options{}, &ui.Editor{Width: 11})
	tt.Type("漢字漢字漢字")
	scr := tt.WaitFor("漢字漢字漢\n字")
	if got := tt.Line(0); got != "漢字漢字漢" {
		t.Errorf("row 0 = %q; want five wide characters (10 cells)\n%s", got, scr)
	}
	if got := tt.Line(1); got != "字" {
		t.Errorf("row 1 = %q; want the sixth", got)
	}
	if x, y := tt.Cursor(); x != 2 || y != 1 {
		t.Errorf("cursor at %d,%d; want 2,1", x, y)
	}
	tt.Type(kSave)
	if r := result(t, res); r.text != "漢字漢字漢字" {
		t.Errorf("saved %q", r.text)
	}
}

func TestEditorPages(t *testing.T) {
	var lines []string
	for i := 1; i <= 60; i++ {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	// 80x24: 23 rows of text, pages of 22.
	tt, res := runEditor(t, testterm.Options{}, &ui.Editor{Text: strings.Join(lines, "\n")})
	tt.WaitFor("Ln 60/60")
	if got := tt.Line(0); got != "line 38" {
		t.Errorf("the view ends at the cursor: top row %q; want line 38", got)
	}
	steps := []struct {
		keys, wait, top string
	}{
		{kCtrlHome, "Ln 1/60", "line 1"},
		{kPgDn, "Ln 23/60", "line 23"},
		{"X", "Xline 23", "Xline 23"},
		{kPgDn, "Ln 45/60", "line 38"},
		{"Y", "lYine 45", "line 38"},
		{kPgUp, "Ln 23/60", "line 16"},
		{"Z", "XlZine 23", "line 16"},
		{kPgUp + kPgUp, "Ln 1/60", "line 1"},
	}
	for _, s := range steps {
		tt.Type(s.keys)
		scr := tt.WaitFor(s.wait)
		if got := tt.Line(0); got != s.top {
			t.Errorf("after %q the top row is %q; want %q\n%s", s.keys, got, s.top, scr)
		}
	}
	tt.Type(kSave)
	lines[22], lines[44] = "XlZine 23", "lYine 45"
	if r := result(t, res); r.text != strings.Join(lines, "\n") {
		t.Errorf("saved %q", r.text)
	}
}

func TestEditorLimits(t *testing.T) {
	tests := []struct {
		name   string
		editor ui.Editor
		keys   string // the last one is refused
		more   string // typed after, when there is room
		want   string
		status string
	}{
		{"max lines", ui.Editor{MaxLines: 3}, "a\rb\rc\r", "d", "a\nb\ncd", "The text is full (3 lines)."},
		{"max lines by wrapping", ui.Editor{MaxLines: 2, Width: 30}, "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk ", "",
			"aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk", "The text is full (2 lines)."},
		{"max bytes", ui.Editor{MaxBytes: 5}, "abcdefg", "", "abcde", "The text is full (5 bytes)."},
		{"max bytes of UTF-8", ui.Editor{MaxBytes: 5}, "ééé", "", "éé", "The text is full (5 bytes)."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.editor
			tt, res := runEditor(t, testterm.Options{}, &e)
			tt.Type(tc.keys)
			if tc.status != "" {
				tt.WaitFor(tc.status)
			}
			if !strings.Contains(string(tt.Raw()), "\a") {
				t.Errorf("no bell when typing was refused")
			}
			tt.Type(tc.more + kSave)
			if r := result(t, res); r.text != tc.want {
				t.Errorf("typing %q then %q = %q; want %q", tc.keys, tc.more, r.text, tc.want)
			}
		})
	}
}

func TestEditorSaveAndAbort(t *testing.T) {
	quote := ui.Quote("alice", "Is anyone there?", time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC), 79)
	tests := []struct {
		name string
		text string
		// steps alternate keys to type and text to wait for ("" waits for
		// nothing).
		steps []string
		want  editResult
	}{
		{"ctrl-z saves exactly the text", quote, []string{"Yes!" + kSave, ""},
			editResult{"On 2026-03-01 14:05, alice wrote:\n> Is anyone there?\nYes!", nil}},
		{"f2 saves", "", []string{"hi" + kF2, ""}, editResult{"hi", nil}},
		{"esc s saves", "", []string{"hi" + kEsc, menuPrompt, "s", ""}, editResult{"hi", nil}},
		{"esc and s together save", "", []string{"hi\x1bs", ""}, editResult{"hi", nil}},
		{"esc c continues", "", []string{"ab" + kEsc, menuPrompt, "c", "Esc Menu", "cd" + kSave, ""}, editResult{"abcd", nil}},
		{"esc esc continues", "", []string{"ab" + kEsc, menuPrompt, kEsc, "Esc Menu", "cd" + kSave, ""}, editResult{"abcd", nil}},
		{"abort without changes asks nothing", "draft", []string{kEsc, menuPrompt, "a", ""}, editResult{"", ui.ErrCancel}},
		{"abort after changes asks", "", []string{"x" + kEsc, menuPrompt, "a", confirmPrompt, "y", ""}, editResult{"", ui.ErrCancel}},
		{"no to abort goes on", "", []string{"x" + kEsc, menuPrompt, "a", confirmPrompt, "n", "Esc Menu", "y" + kSave, ""}, editResult{"xy", nil}},
		{"typing back the text is no change", "ab", []string{"c\x7f" + kF10, ""}, editResult{"", ui.ErrCancel}},
		{"f10 asks after changes", "ab", []string{"c" + kF10, confirmPrompt, "Y", ""}, editResult{"", ui.ErrCancel}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tt, res := runEditor(t, testterm.Options{}, &ui.Editor{Text: tc.text})
			for i := 0; i < len(tc.steps); i += 2 {
				tt.Type(tc.steps[i])
				if tc.steps[i+1] != "" {
					tt.WaitFor(tc.steps[i+1])
				}
			}
			r := result(t, res)
			if r.text != tc.want.text || !errors.Is(r.err, tc.want.err) {
				t.Errorf("Run = %q, %v; want %q, %v", r.text, r.err, tc.want.text, tc.want.err)
			}
			if tc.want.err != nil && !strings.Contains(strings.Join(tc.steps, ""), confirmPrompt) &&
				strings.Contains(tt.Screen(), confirmPrompt) {
				t.Errorf("asked to confirm an abort that loses nothing")
			}
		})
	}
}

func TestEditorRender(t *testing.T) {
	text := "Dear all,\n\nCafé au lait, 漢字 ok.\n> quoted"
	for _, enc := range []term.Encoding{term.UTF8, term.CP437} {
		for _, size := range []term.Size{{Cols: 80, Rows: 24}, {Cols: 132, Rows: 50}} {
			t.Run(fmt.Sprintf("%s %dx%d", enc, size.Cols, size.Rows), func(t *testing.T) {
				opts := testterm.Options{Cols: size.Cols, Rows: size.Rows, Encoding: enc}
				tt, _ := runEditor(t, opts, &ui.Editor{Text: text, Title: "Re: Coffee"})
				scr := tt.WaitFor("Ln 4/4")
				want := []string{"Dear all,", "", "Café au lait, 漢字 ok.", "> quoted"}
				if enc == term.CP437 {
					want[2] = "Café au lait, ???? ok." // the same width
				}
				for i, w := range want {
					if got := tt.Line(i); got != w {
						t.Errorf("row %d = %q; want %q", i, got, w)
					}
				}
				for i := len(want); i < size.Rows-1; i++ {
					if got := tt.Line(i); got != "" {
						t.Errorf("row %d = %q; want it empty", i, got)
					}
				}
				status := tt.Line(size.Rows - 1)
				for _, s := range []string{"Re: Coffee", "Ins", "Ln 4/4", "Col 9", "^Z/F2 Save", "Esc Menu", "F10 Abort"} {
					if !strings.Contains(status, s) {
						t.Errorf("status line %q lacks %q", status, s)
					}
				}
				if ui.Width(status) >= size.Cols {
					t.Errorf("the status line reaches the bottom right cell: %q", status)
				}
				for i, line := range strings.Split(scr, "\n") {
					if ui.Width(line) > size.Cols {
						t.Errorf("row %d is wider than the window: %q", i, line)
					}
				}
				if x, y := tt.Cursor(); x != 8 || y != 3 {
					t.Errorf("cursor at %d,%d; want 8,3", x, y)
				}
				if !strings.Contains(string(tt.Raw()), "\x1b[0;36m> quoted") {
					t.Errorf("the quote is not in the quote style")
				}
			})
		}
	}
}

// A title too long for the status line is cut short of the mode.
func TestEditorLongTitle(t *testing.T) {
	title := "To alice: Meeting notes for the week of November, with the agenda"
	tt, _ := runEditor(t, testterm.Options{Cols: 80, Rows: 24}, &ui.Editor{Title: title})
	tt.WaitFor("Ln 1/1")
	status := tt.Line(23)
	if !strings.HasPrefix(status, " To alice: Meeting") || !strings.Contains(status, "  Ins  Ln 1/1") {
		t.Errorf("status line %q; want the title cut short, then two spaces and the mode", status)
	}
}

func TestEditorResize(t *testing.T) {
	// Words of 10 cells with their space: 7 to a row at 80 columns, 13 at
	// 132.
	var words []string
	for i := range 40 {
		words = append(words, fmt.Sprintf("word%05d", i))
	}
	para := strings.Join(words, " ")
	text := "Title line\n" + para
	tt, res := runEditor(t, testterm.Options{}, &ui.Editor{Text: text})
	tt.WaitFor("Ln 7/7")
	check := func(cols, rows, perRow int) {
		t.Helper()
		scr := tt.Screen()
		if got, want := tt.Line(1), strings.Join(words[:perRow], " "); got != want {
			t.Errorf("%dx%d: row 1 = %q; want %q", cols, rows, got, want)
		}
		if status := tt.Line(rows - 1); !strings.Contains(status, "Esc Menu") {
			t.Errorf("%dx%d: no status line on the last row: %q\n%s", cols, rows, status, scr)
		}
		for i, line := range strings.Split(scr, "\n") {
			if ui.Width(line) > cols {
				t.Errorf("%dx%d: row %d is wider than the window: %q", cols, rows, i, line)
			}
		}
	}
	check(80, 24, 7)
	tt.Resize(132, 50)
	tt.WaitFor("Ln 5/5")
	check(132, 50, 13)
	tt.Resize(80, 24)
	tt.WaitFor("Ln 7/7")
	check(80, 24, 7)
	// The cursor stayed at the end.
	tt.Type("!" + kSave)
	if r := result(t, res); r.text != text+"!" {
		t.Errorf("after resizing, saved %q; want %q", r.text, text+"!")
	}
}

func TestEditorRelayout(t *testing.T) {
	var e *ui.Editor
	res := make(chan editResult, 1)
	var s *session.Session
	e = &ui.Editor{Top: 3, Text: "body", Relayout: func() (int, int, int, int) {
		sz := s.Size()
		s.WriteString(ui.ClearScreen + "Subject: resized")
		return 3, 1, sz.Cols, sz.Rows - 4
	}}
	tt := testterm.Start(t, testterm.Options{}, session.HandlerFunc(func(ctx context.Context, sess *session.Session) error {
		s = sess
		s.WriteString(ui.ClearScreen + "Subject: hello")
		text, err := e.Run(ctx, s)
		res <- editResult{text, err}
		return nil
	}))
	tt.WaitFor("Ln 1/1")
	if got := tt.Line(2); got != "body" {
		t.Errorf("row 3 = %q; want the text", got)
	}
	tt.Resize(100, 30)
	tt.WaitFor("Subject: resized")
	tt.WaitFor("Esc Menu")
	if got := tt.Line(2); got != "body" {
		t.Errorf("after the resize row 3 = %q; want the text\n%s", got, tt.Screen())
	}
	if status := tt.Line(28); !strings.Contains(status, "Esc Menu") {
		t.Errorf("status line not below the new area: %q\n%s", status, tt.Screen())
	}
	tt.Type(kSave)
	if r := result(t, res); r.text != "body" {
		t.Errorf("saved %q", r.text)
	}
}

func TestEditorEvent(t *testing.T) {
	got := make(chan events.Event, 1)
	var s *session.Session
	e := &ui.Editor{Text: "hello", OnEvent: func(ev events.Event) {
		s.WriteString(ui.MoveTo(1, 1) + "UPDATE: " + ev.Topic + ui.ClearEOL)
		got <- ev
	}}
	res := make(chan editResult, 1)
	tt := testterm.Start(t, testterm.Options{}, session.HandlerFunc(func(ctx context.Context, sess *session.Session) error {
		s = sess
		text, err := e.Run(ctx, s)
		res <- editResult{text, err}
		return nil
	}))
	tt.WaitFor("hello")
	tt.Session.Inbox().PostUpdate(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
	if ev := <-got; ev.Topic != events.TopicPresence {
		t.Errorf("OnEvent got %q", ev.Topic)
	}
	tt.Type("!")
	tt.WaitFor("hello!")
	if line := tt.Line(0); line != "hello!" {
		t.Errorf("the editor did not redraw over the notice: %q", line)
	}
	tt.Type(kSave)
	if r := result(t, res); r.text != "hello!" {
		t.Errorf("saved %q", r.text)
	}
}
