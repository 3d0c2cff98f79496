package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// A LineEditor is the message editor of accessible mode, a classic BBS
// line editor: the caller types the text a line at a time, Enter ending
// each, and a line holding only a dot sends it. Each line is asked for
// after its number ("3: "), and nothing already written moves, so a
// screen reader reads the text as it grows. Commands, typed alone on a
// line:
//
//	.       send the text
//	/l      list the text so far, numbered
//	/d      delete the last line
//	/a      abandon the text (asks first when lines were written)
//	/?, /h  say the commands again
//
// Esc on a line asks whether to send, abandon or go on. Run returns the
// lines joined with "\n" (each line a paragraph, which readers wrap to
// their own width), ErrCancel when the caller abandons, or the session's
// error. Editor.Run uses a LineEditor in accessible mode.
type LineEditor struct {
	// Text is what the editor starts with (a quoted original, see
	// Quote): made safe with term.SanitizeText, tabs as spaces, and cut
	// to the limits.
	Text string
	// MaxLines and MaxBytes bound the text: lines, and bytes of UTF-8.
	// Defaults DefaultMaxLines and DefaultMaxBytes, as the Editor's.
	MaxLines, MaxBytes int
	// Title, if set, says what is being written ("To bob: Re: hello").
	Title string
	// OnEvent, if non-nil, is given every update (term.KeyEvent) that
	// arrives while the caller writes.
	OnEvent func(ev events.Event)
}

// Run lets the caller write the text (see LineEditor).
func (e *LineEditor) Run(ctx context.Context, s *session.Session) (string, error) {
	defaults.Positive(&e.MaxLines, DefaultMaxLines)
	defaults.Positive(&e.MaxBytes, DefaultMaxBytes)
	lines := e.startLines()
	say := func(text string) { s.WriteString(term.Sanitize(text) + "\r\n") }
	if e.Title != "" {
		say(s.T("ui.lines.writing", "title", e.Title))
	}
	help := func() {
		// A line of its own each, as the catalog breaks them.
		for l := range strings.SplitSeq(s.T("ui.lines.help"), "\n") {
			say(l)
		}
	}
	help()
	if len(lines) > 0 {
		say(s.N("ui.lines.quoted", len(lines)))
	}
	full := func() {
		if len(lines) >= e.MaxLines {
			say(s.N("ui.lines.full_lines", e.MaxLines))
			return
		}
		say(s.N("ui.lines.full_bytes", e.MaxBytes))
	}
	offer := "" // a line refused as too long, offered again cut to fit
	for {
		// A line is a paragraph, as long as what is left of MaxBytes,
		// less the line break before it. At MaxLines only the commands
		// are left: the caller hears so before typing.
		f := &Field{Prompt: fmt.Sprintf("%d: ", len(lines)+1), Value: offer}
		f.maxBytes = e.MaxBytes - textBytes(lines) - lineBreak(lines)
		if len(lines) >= e.MaxLines || f.maxBytes < 1 {
			full()
			f.Prompt, f.maxBytes, f.Value = s.T("ui.lines.command"), 16, ""
		}
		f.Max = max(1, f.maxBytes)
		offer = ""
		if e.OnEvent != nil {
			f.OnEvent = e.OnEvent
		}
		line, err := f.Read(ctx, s)
		if errors.Is(err, ErrCancel) {
			switch a, err := askLetter(ctx, s, s.T("ui.lines.escape")); {
			case err != nil:
				return "", err
			case a == 's':
				return strings.Join(lines, "\n"), nil
			case a == 'a':
				return "", ErrCancel
			}
			continue
		}
		if err != nil {
			return "", err
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case ".":
			return strings.Join(lines, "\n"), nil
		case "/l":
			if len(lines) == 0 {
				say(s.T("ui.lines.none"))
			}
			for i, l := range lines {
				say(fmt.Sprintf("%d: %s", i+1, l))
			}
			continue
		case "/d":
			if len(lines) == 0 {
				say(s.T("ui.lines.none_to_delete"))
				continue
			}
			lines = lines[:len(lines)-1]
			say(s.T("ui.lines.deleted", "line", strconv.Itoa(len(lines)+1)))
			continue
		case "/a":
			if len(lines) == 0 {
				return "", ErrCancel
			}
			if a, err := askLetter(ctx, s, s.T("ui.lines.abandon")); err != nil || s.Lang().Yes(string(a)) {
				return "", cmp.Or(err, ErrCancel)
			}
			continue
		case "/?", "/h":
			help()
			continue
		}
		switch room := e.MaxBytes - textBytes(lines) - lineBreak(lines); {
		case len(lines) >= e.MaxLines || room < 1:
			// The Command prompt took no line; the limit was said.
		case len(line) > room: // the field keeps within room; should it not, nothing is lost
			say(s.T("ui.lines.cut"))
			offer = cutBytes(line, room)
		default:
			lines = append(lines, line)
		}
	}
}

// startLines returns Text as lines, made safe and cut to the limits.
func (e *LineEditor) startLines() []string {
	text := strings.TrimRight(strings.ReplaceAll(term.SanitizeText(e.Text), "\t", "    "), "\n ")
	if text == "" {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if len(lines) >= e.MaxLines || textBytes(lines)+lineBreak(lines)+len(l) > e.MaxBytes {
			break
		}
		lines = append(lines, l)
	}
	return lines
}

// textBytes returns the bytes of lines joined with "\n", as Run returns
// them and the Editor counts them against MaxBytes.
func textBytes(lines []string) int {
	n := max(0, len(lines)-1)
	for _, l := range lines {
		n += len(l)
	}
	return n
}

// lineBreak is the bytes a line after lines adds before its text: the
// "\n" that joins it, unless it is the first.
func lineBreak(lines []string) int {
	return min(len(lines), 1)
}

// cutBytes cuts s to at most n bytes, at a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// askLetter asks a question on a line of its own and returns the first
// letter of the answer, in lower case (0 for none, or Esc).
func askLetter(ctx context.Context, s *session.Session, question string) (rune, error) {
	v, err := (&Field{Prompt: question, Max: 16}).Read(ctx, s)
	if errors.Is(err, ErrCancel) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	for _, r := range strings.ToLower(strings.TrimSpace(v)) {
		return r, nil
	}
	return 0, nil
}
