package board

import (
	"context"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// runKeyTestPlain is the terminal check in accessible mode: the
// terminal's facts as lines, then a line naming each key pressed. Keys,
// not lines, since the keys are what it checks.
func runKeyTestPlain(ctx context.Context, s *session.Session, quit string) error {
	sn := s.Snapshot()
	var b strings.Builder
	b.WriteString("\r\n")
	for _, l := range []string{
		s.T("keytest.plain_title"),
		s.T("keytest.plain_terminal", "term", sn.Term),
		s.T("keytest.plain_size", "cols", strconv.Itoa(sn.Size.Cols), "rows", strconv.Itoa(sn.Size.Rows)),
		s.T("keytest.plain_encoding", "encoding", string(sn.Encoding)),
		s.T("keytest.plain_connected", "kind", string(sn.Kind), "addr", sn.RemoteAddr, "node", strconv.Itoa(sn.Node)),
		s.T("keytest.plain_help", "quit", quit),
	} {
		b.WriteString(plainLine(l))
	}
	s.WriteString(b.String())
	size := sn.Size
	for {
		k, err := s.ReadKey(ctx)
		if err != nil {
			return err
		}
		switch {
		case k.Code == term.KeyResize:
			// One also follows an idle warning, to redraw: no resize.
			if sz := s.Size(); sz != size {
				size = sz
				writeLine(s, s.T("keytest.plain_resized", "cols", strconv.Itoa(sz.Cols), "rows", strconv.Itoa(sz.Rows)))
			}
			continue
		case k.Code == term.KeyEvent, k.Code == term.KeyNotice:
			continue
		case k.Code == term.KeyRune && k.Rune == 'q' && k.Mod == 0:
			writeLine(s, s.T("keytest.plain_end"))
			return nil
		}
		writeLine(s, s.T("keytest.plain_key", "key", describeKey(k)))
	}
}
