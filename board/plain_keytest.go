package board

import (
	"context"
	"fmt"
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
		"Terminal check.",
		"Terminal type: " + sn.Term + ".",
		fmt.Sprintf("Window size: %d columns by %d rows.", sn.Size.Cols, sn.Size.Rows),
		"Encoding: " + string(sn.Encoding) + ".",
		fmt.Sprintf("Connected by %s from %s, node %d.", sn.Kind, sn.RemoteAddr, sn.Node),
		"Press any key to hear its name; " + quit + ".",
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
				writeLine(s, fmt.Sprintf("Window resized: %d columns by %d rows.", sz.Cols, sz.Rows))
			}
			continue
		case k.Code == term.KeyEvent, k.Code == term.KeyNotice:
			continue
		case k.Code == term.KeyRune && k.Rune == 'q' && k.Mod == 0:
			writeLine(s, "End of the terminal check.")
			return nil
		}
		writeLine(s, "Key: "+describeKey(k))
	}
}
