package ui_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/ui"
)

// plainRun runs f on an accessible session and returns the terminal and
// f's error; the terminal's Raw is what f wrote.
func plainRun(t *testing.T, f func(ctx context.Context, s *session.Session) error) (*plainTerm, chan error) {
	t.Helper()
	done := make(chan error, 1)
	pt := &plainTerm{}
	pt.Term = testterm.Start(t, testterm.Options{}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		s.SetAccessible(true)
		err := f(ctx, s)
		s.WriteString(endMark)
		done <- err
		_, err = s.ReadKey(ctx)
		return err
	}))
	return pt, done
}

// endMark follows what a plainRun's function wrote.
const endMark = "<end of output>"

type plainTerm struct{ *testterm.Term }

// Raw returns what the function wrote, once it has returned and the
// terminal has read it all.
func (pt *plainTerm) Raw() []byte {
	pt.WaitFor(endMark)
	raw := pt.Term.Raw()
	if i := bytes.Index(raw, []byte(endMark)); i >= 0 {
		return raw[:i]
	}
	return raw
}

// noEscapes fails the test if out holds an escape sequence.
func noEscapes(t *testing.T, out []byte) {
	t.Helper()
	if i := bytes.IndexByte(out, 0x1b); i >= 0 {
		t.Errorf("accessible output holds an escape sequence: %q", out[i:min(len(out), i+16)])
	}
}

func TestPlainField(t *testing.T) {
	tests := []struct {
		name  string
		field ui.Field
		keys  string
		want  string
		out   string // what the caller reads, rubbed-out characters and all
	}{
		{"typing", ui.Field{Prompt: "Name: "}, "bob\r", "bob", "Name: bob\r\n"},
		{"backspace", ui.Field{Prompt: "Name: "}, "bx\x7fb\r", "bb", "Name: bx\b \bb\r\n"},
		{"ctrl-u rubs out the text", ui.Field{Prompt: "Name: "}, "ab\x15c\r", "c", "Name: ab\b\b  \b\bc\r\n"},
		{"ctrl-w rubs out a word", ui.Field{Prompt: "> "}, "one two\x17\r", "one ", "> one two\b\b\b   \b\b\b\r\n"},
		{"mask", ui.Field{Prompt: "Password: ", Mask: '*'}, "secret\r", "secret", "Password: ******\r\n"},
		{"value, cursor keys ignored", ui.Field{Prompt: "Subject: ", Value: "Re: hi"}, "\x1b[D\x1b[H!\r", "Re: hi!", "Subject: Re: hi!\r\n"},
		{"max, said once", ui.Field{Prompt: "N: ", Max: 3}, "12345\r", "123", "N: 123\r\n(the field is full)\r\nN: 123\r\n"},
		{"max, said again after a rub-out", ui.Field{Prompt: "N: ", Max: 1}, "12\x7f34\r", "3",
			"N: 1\r\n(the field is full)\r\nN: 1\b \b3\r\n(the field is full)\r\nN: 3\r\n"},
		{"accept", ui.Field{Prompt: "N: ", Accept: func(r rune) bool { return r >= '0' && r <= '9' }}, "1a2\r", "12", "N: 12\r\n"},
		{"value filtered by accept", ui.Field{Prompt: "N: ", Value: "1a2", Accept: func(r rune) bool { return r >= '0' && r <= '9' }}, "\r", "12", "N: 12\r\n"},
		{"value cut to max", ui.Field{Prompt: "N: ", Value: "12345", Max: 2}, "\r", "12", "N: 12\r\n"},
		{"wide characters rub out two cells", ui.Field{Prompt: "> "}, "漢\x7f\r", "", "> 漢\b\b  \b\b\r\n"},
		{"control characters refused", ui.Field{Prompt: "> "}, "a\x02b\r", "ab", "> ab\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.field
			f.Row, f.Col = 5, 30 // mean nothing here
			var got string
			tt, done := plainRun(t, func(ctx context.Context, s *session.Session) error {
				var err error
				got, err = f.Read(ctx, s)
				return err
			})
			tt.Type(tc.keys)
			if err := <-done; err != nil || got != tc.want {
				t.Errorf("typing %q = %q, %v; want %q", tc.keys, got, err, tc.want)
			}
			if out := string(tt.Raw()); out != tc.out {
				t.Errorf("typing %q wrote %q; want %q", tc.keys, out, tc.out)
			}
		})
	}
}

func TestPlainFieldEscape(t *testing.T) {
	tt, done := plainRun(t, func(ctx context.Context, s *session.Session) error {
		_, err := (&ui.Field{Prompt: "Name: "}).Read(ctx, s)
		return err
	})
	tt.Type("ab\x1b")
	if err := <-done; !errors.Is(err, ui.ErrCancel) {
		t.Errorf("Esc = %v; want ErrCancel", err)
	}
	if out := string(tt.Raw()); out != "Name: ab\r\n" {
		t.Errorf("Esc wrote %q; want the line ended", out)
	}
}

// Interject writes lines above the line being typed and writes the
// prompt and the text again under them.
func TestPlainFieldInterject(t *testing.T) {
	var f *ui.Field
	said := make(chan struct{}, 2)
	tt, done := plainRun(t, func(ctx context.Context, s *session.Session) error {
		f = &ui.Field{Prompt: "Say: "}
		f.OnEvent = func(events.Event) {
			f.Interject(s, "ann: hello", "bob: \x1b[2Jhi")
			said <- struct{}{}
		}
		_, err := f.Read(ctx, s)
		return err
	})
	tt.WaitFor("Say:")
	tt.Session.Inbox().PostUpdate(events.Event{Topic: events.TopicOneliner})
	<-said
	tt.Type("o")
	tt.WaitFor("Say: o")
	tt.Session.Inbox().PostUpdate(events.Event{Topic: events.TopicOneliner})
	<-said
	tt.Type("k\r")
	<-done
	// On an empty line the prompt is rubbed out before the lines; after
	// something typed, the line ends; the prompt and the text follow.
	out := string(tt.Raw())
	want := "Say: \b\b\b\b\b     \b\b\b\b\bann: hello\r\nbob: hi\r\nSay: o\r\nann: hello\r\nbob: hi\r\nSay: ok\r\n"
	if out != want {
		t.Errorf("wrote %q; want %q", out, want)
	}
}

func TestPlainMenu(t *testing.T) {
	items := []ui.MenuItem{{Key: 'w', Label: "Who's online"}, {Key: '1', Label: "general"}, {Key: 'g', Label: "Goodbye"}}
	tests := []struct {
		name  string
		typed string
		want  int
		err   error
		reads []string // lines the caller reads after the list
	}{
		{"a number", "2\r", 1, nil, nil},
		{"a key", "G\r", 2, nil, nil},
		{"a number beats a digit key", "1\r", 0, nil, nil},
		{"no such choice, then a key", "9\rw\r", 0, nil, []string{"There is no choice 9 here: type a number from 1 to 3, or Enter to hear the list again."}},
		{"Enter lists again", "\r3\r", 2, nil, []string{"1. Who's online, key w"}},
		{"q goes back", "q\r", 0, ui.ErrCancel, nil},
		{"Esc goes back", "\x1b", 0, ui.ErrCancel, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got int
			tt, done := plainRun(t, func(ctx context.Context, s *session.Session) error {
				var err error
				m := &ui.Menu{Items: items, Top: 3, Left: 3, Width: 70}
				got, err = m.Run(ctx, s)
				return err
			})
			tt.Type(tc.typed)
			err := <-done
			if !errors.Is(err, tc.err) || err == nil && got != tc.want {
				t.Errorf("typing %q = %d, %v; want %d, %v", tc.typed, got, err, tc.want, tc.err)
			}
			out := tt.Raw()
			noEscapes(t, out)
			list := "1. Who's online, key w\r\n2. general\r\n3. Goodbye, key g\r\nYour choice, 1 to 3, or Enter to list them: "
			if !strings.HasPrefix(string(out), list) {
				t.Errorf("the menu reads %q; want it to start %q", out, list)
			}
			for _, r := range tc.reads {
				if !strings.Contains(string(out[len(list):]), r+"\r\n") {
					t.Errorf("after the list, no line %q in %q", r, out[len(list):])
				}
			}
		})
	}
}

// A menu run again does not read its entries out again until asked.
func TestPlainMenuAgain(t *testing.T) {
	tt, done := plainRun(t, func(ctx context.Context, s *session.Session) error {
		m := &ui.Menu{Items: []ui.MenuItem{{Key: 'a', Label: "Alpha"}, {Key: 'b', Label: "Beta"}}}
		for range 2 {
			if _, err := m.Run(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	tt.Type("a\rb\r")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if out := string(tt.Raw()); strings.Count(out, "1. Alpha") != 1 {
		t.Errorf("the entries were read out %d times: %q", strings.Count(out, "1. Alpha"), out)
	}
}

func TestLineEditor(t *testing.T) {
	tests := []struct {
		name  string
		ed    ui.LineEditor
		typed string
		want  string
		err   error
		reads []string
	}{
		{"lines and a dot", ui.LineEditor{}, "one\rtwo\r.\r", "one\ntwo", nil, []string{"1: one", "2: two", "3: ."}},
		{"list and delete", ui.LineEditor{}, "one\rtwo\r/d\r/l\r.\r", "one", nil, []string{"Line 2 deleted.", "1: one"}},
		{"a quote to start with", ui.LineEditor{Text: "> quoted\n\n"}, "mine\r.\r", "> quoted\nmine", nil,
			[]string{"The text starts with 1 line of the message you answer, quoted; /l lists them.", "2: mine"}},
		{"abandon asks", ui.LineEditor{}, "x\r/a\ry\r", "", ui.ErrCancel, []string{"Abandon this text? (y or n): y"}},
		{"abandon an empty text", ui.LineEditor{}, "/a\r", "", ui.ErrCancel, nil},
		{"Esc, then send", ui.LineEditor{}, "x\r\x1b|s\r", "x", nil, []string{"Send the text, abandon it, or continue writing? (s, a or c): s"}},
		{"Esc, then go on", ui.LineEditor{}, "x\r\x1b|c\ry\r.\r", "x\ny", nil, nil},
		// At MaxLines the caller hears so before typing, and only the
		// commands are asked for.
		{"at most MaxLines", ui.LineEditor{MaxLines: 1}, "a\rb\r.\r", "a", nil,
			[]string{"1: a", "The text has 1 line, its most; send it with a dot alone on a line.", "Command: b", "Command: ."}},
		{"lines deleted at MaxLines", ui.LineEditor{MaxLines: 1}, "a\r/d\rb\r.\r", "b", nil, []string{"Line 1 deleted.", "1: b"}},
		// MaxBytes counts the text as the full editor does: the lines
		// joined with "\n". The field takes what fits, and says when it
		// is full.
		{"at most MaxBytes", ui.LineEditor{MaxBytes: 5}, "abc\rdef\r.\r", "abc\nd", nil,
			[]string{"(the field is full)", "2: d", "The text is 5 bytes, its most; send it with a dot alone on a line."}},
		{"MaxBytes exactly", ui.LineEditor{MaxBytes: 7}, "abc\rdef\r.\r", "abc\ndef", nil, []string{"2: def"}},
		{"MaxBytes of UTF-8", ui.LineEditor{MaxBytes: 5}, "ééé\r.\r", "éé", nil, []string{"(the field is full)", "1: éé"}},
		{"a start text cut to MaxBytes", ui.LineEditor{MaxBytes: 5, Text: "ab\ncd\nef"}, ".\r", "ab\ncd", nil, nil},
		{"escape sequences in the start text dropped", ui.LineEditor{Text: "a\x1b[2Jb"}, ".\r", "ab", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			tt, done := plainRun(t, func(ctx context.Context, s *session.Session) error {
				var err error
				got, err = (&tc.ed).Run(ctx, s)
				return err
			})
			// "|" waits for what came before to be read: an Esc alone,
			// not Alt and the next key.
			for i, part := range strings.Split(tc.typed, "|") {
				if i > 0 {
					tt.WaitFor("(s, a or c):")
				}
				tt.Type(part)
			}
			err := <-done
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Errorf("typing %q = %q, %v; want %q, %v", tc.typed, got, err, tc.want, tc.err)
			}
			out := tt.Raw()
			noEscapes(t, out)
			lines := strings.Split(string(out), "\r\n")
			for _, r := range tc.reads {
				found := false
				for _, l := range lines {
					found = found || l == r
				}
				if !found {
					t.Errorf("no line %q in:\n%s", r, strings.Join(lines, "\n"))
				}
			}
		})
	}
}

// The full-screen editor is a line editor in accessible mode.
func TestEditorAccessible(t *testing.T) {
	var got string
	tt, done := plainRun(t, func(ctx context.Context, s *session.Session) error {
		var err error
		got, err = (&ui.Editor{Title: "To bob: hi"}).Run(ctx, s)
		return err
	})
	tt.Type("hello\r.\r")
	if err := <-done; err != nil || got != "hello" {
		t.Errorf("Run = %q, %v; want hello", got, err)
	}
	if out := string(tt.Raw()); !strings.HasPrefix(out, "Writing: To bob: hi\r\n") {
		t.Errorf("the editor starts %q; want its title on a line", out)
	}
	noEscapes(t, tt.Raw())
}
