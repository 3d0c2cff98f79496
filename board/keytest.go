package board

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// keyHistory is how many keys the check remembers.
const keyHistory = 64

// KeyTest returns the terminal check as a handler of its own: it shows the
// terminal type, window size and encoding, names every key pressed,
// follows window resizes, and ends the session when q is pressed.
func KeyTest() session.Handler {
	return session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		if err := runKeyTest(ctx, s, s.T("keytest.quit_session")); err != nil {
			return err
		}
		s.WriteString("\x1b[0m\r\n\r\n " + s.T("keytest.goodbye") + "\r\n")
		return nil
	})
}

// keyTestScreen is the terminal check on the main menu.
func keyTestScreen(ctx context.Context, c *Call) error {
	return runKeyTest(ctx, c.Session, c.T("keytest.quit_menu"))
}

// runKeyTest runs the terminal check until q is pressed; quit says what
// q does, in the caller's language.
func runKeyTest(ctx context.Context, s *session.Session, quit string) error {
	s.SetActivityMessage("activity.terminal_check")
	if s.Accessible() {
		return runKeyTestPlain(ctx, s, quit)
	}
	var last string
	var history []string
	draw := func() {
		drawKeyTest(s, last, history, quit)
	}
	draw()
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return err
		}
		switch {
		case k.Code == term.KeyResize:
			draw()
			continue
		case k.Code == term.KeyEvent, k.Code == term.KeyNotice:
			continue // not keys: notices wait for the menu
		case k.Code == term.KeyRune && k.Rune == 'q' && k.Mod == 0:
			return nil
		}
		last = describeKey(k)
		history = append(history, k.String())
		if len(history) > keyHistory {
			history = history[1:]
		}
		if s.Buffered() == 0 {
			drawKeyLines(s, last, history)
		}
	}
}

// describeKey names a key, adding the code point of a character so that
// non-ASCII input can be checked.
func describeKey(k term.Key) string {
	if k.Code == term.KeyRune && k.Mod == 0 && k.Rune != ' ' {
		return fmt.Sprintf("%s  (U+%04X)", k, k.Rune)
	}
	return k.String()
}

// Rows of the screen's parts, 1-based.
const (
	rowTitle   = 1
	rowFacts   = 3
	rowHelp    = 8
	rowLastKey = 10
	rowHistory = 12
)

func drawKeyTest(s *session.Session, last string, history []string, quit string) {
	sn := s.Snapshot()
	sz := sn.Size
	var b strings.Builder
	b.WriteString("\x1b[0m\x1b[H\x1b[2J")
	title := " " + s.T("keytest.title") + " "
	fmt.Fprintf(&b, "\x1b[%d;1H\x1b[1;37;44m%s\x1b[K\x1b[0m", rowTitle, clip(title, sz.Cols))
	facts := []struct{ k, v string }{
		{s.T("keytest.terminal_type"), sn.Term},
		{s.T("keytest.window_size"), fmt.Sprintf("%d × %d", sz.Cols, sz.Rows)},
		{s.T("keytest.encoding"), string(sn.Encoding)},
		{s.T("keytest.connected_by"), s.T("keytest.connection", "kind", string(sn.Kind), "addr", sn.RemoteAddr, "node", strconv.Itoa(sn.Node))},
	}
	// The labels' column fits the widest label (14 in English).
	labelWidth := 14
	for _, f := range facts {
		labelWidth = max(labelWidth, ui.Width(f.k)+1)
	}
	for i, f := range facts {
		line := " " + ui.Pad(f.k, labelWidth) + " \x1b[1m" + f.v + "\x1b[0m"
		fmt.Fprintf(&b, "\x1b[%d;1H%s", rowFacts+i, clipANSI(line, sz.Cols))
	}
	fmt.Fprintf(&b, "\x1b[%d;1H%s", rowHelp, clip(" "+s.T("keytest.help", "quit", quit), sz.Cols))
	s.WriteString(b.String())
	drawKeyLines(s, last, history)
}

// drawKeyLines redraws only the key lines, so typing does not flicker.
func drawKeyLines(s *session.Session, last string, history []string) {
	sz := s.Size()
	var b strings.Builder
	if last == "" {
		last = s.T("keytest.none_yet")
	}
	label := s.T("keytest.last_key") + " "
	fmt.Fprintf(&b, "\x1b[%d;1H\x1b[K %s", rowLastKey, clipANSI(label+"\x1b[1;33m"+last+"\x1b[0m", sz.Cols-1))
	// The history fills the rows left, newest last, wrapped at the width.
	width := max(sz.Cols-2, 10)
	lines := wrapWords(strings.Join(history, " "), width)
	room := max(sz.Rows-rowHistory, 1)
	if len(lines) > room {
		lines = lines[len(lines)-room:]
	}
	for i := 0; i < room && rowHistory+i <= sz.Rows; i++ {
		fmt.Fprintf(&b, "\x1b[%d;1H\x1b[K", rowHistory+i)
		if i < len(lines) {
			b.WriteString(" " + lines[i])
		}
	}
	fmt.Fprintf(&b, "\x1b[%d;%dH", rowLastKey, min(sz.Cols, 2+ui.Width(label)+utf8.RuneCountInString(last)))
	s.WriteString(b.String())
}

// wrapWords breaks s into lines of at most width runes at spaces.
func wrapWords(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		wl := utf8.RuneCountInString(w)
		if n > 0 && n+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wl
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// clip cuts plain text to width runes.
func clip(s string, width int) string {
	if width <= 0 {
		return ""
	}
	i, n := 0, 0
	for i < len(s) && n < width {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return s[:i]
}

// clipANSI cuts text with SGR sequences to width visible runes, keeping
// the sequences so colours are reset properly.
func clipANSI(s string, width int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			b.WriteString(s[i : i+j+1])
			i += j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if n < width {
			b.WriteRune(r)
			n++
		}
		i += size
	}
	return b.String()
}
