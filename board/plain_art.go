package board

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// showArtPlain is ShowArt in accessible mode: art is pictures drawn with
// characters, which a screen reader cannot read, so the caller hears
// that it was left out, and what its SAUCE record says (title, author,
// group, comments) when it has one.
func (c *Call) showArtPlain(ctx context.Context, a *art.Art) error {
	c.WriteString("\r\n")
	c.Line(c.T("art.plain_skipped", "title", clean(a.Title())))
	lines := artFactsPlain(c, a)
	if len(lines) > 0 {
		if _, err := c.pageLines(ctx, lines); err != nil {
			return err
		}
	}
	return c.AnyKey(ctx, func() {})
}

// artFactsPlain are what a piece's SAUCE record says, as lines.
func artFactsPlain(c *Call, a *art.Art) []string {
	var lines []string
	for _, f := range artFacts(c, a) {
		lines = append(lines, f.Label+": "+clean(f.Value)+".")
	}
	if s := a.SAUCE; s != nil {
		for _, l := range s.Comments {
			if l = clean(l); l != "" {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// galleryPlain is the art gallery in accessible mode: the pieces as a
// numbered list (title, author, size); a number says what that piece's
// record says (the picture itself is skipped).
func galleryPlain(ctx context.Context, c *Call) error {
	lib := c.Board.cfg.Art
	names := lib.Gallery()
	c.WriteString("\r\n")
	if len(names) == 0 {
		c.Line(c.T("art.plain_empty"))
		return c.AnyKey(ctx, func() {})
	}
	list := func() error {
		c.Line(c.N("art.plain_count", len(names)))
		c.Line(c.T("art.plain_note"))
		lines := make([]string, len(names))
		for i, n := range names {
			p, err := lib.Describe(n)
			if err != nil {
				c.Board.log.Warn("art", "name", n, "err", err)
				p = art.Piece{Name: n, Size: -1}
			}
			piece := clean(p.Title())
			if p.SAUCE != nil && p.SAUCE.Author != "" {
				piece = c.T("art.plain_by", "title", piece, "author", clean(p.SAUCE.Author))
			}
			line := fmt.Sprintf("%d. %s", i+1, piece)
			if p.Size >= 0 {
				line += ", " + c.size(p.Size)
			}
			lines[i] = line + "."
		}
		_, err := c.pageLines(ctx, lines)
		return err
	}
	if err := list(); err != nil {
		return err
	}
	for {
		v, err := c.readLine(ctx, c.T("art.plain_number")+", l "+c.T("art.plain_list")+", q "+c.Theme.Strings.Back+": ", plainAnswerMax)
		switch {
		case errors.Is(err, ui.ErrCancel):
			return nil
		case err != nil:
			return err
		case v == "q" || v == "Q":
			return nil
		case v == "l" || v == "":
			err = list()
		default:
			n, convErr := strconv.Atoi(v)
			if convErr != nil || n < 1 || n > len(names) {
				c.Line(c.T("art.plain_no_such", "number", term.Sanitize(v), "last", strconv.Itoa(len(names))))
				continue
			}
			err = c.ShowArt(ctx, names[n-1])
			c.SetActivityMessage("activity.art_gallery")
		}
		if err != nil {
			return err
		}
	}
}
