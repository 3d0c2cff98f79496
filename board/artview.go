package board

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// ShowArt shows the art called name full screen (a name as
// art.Library.Load takes it: a sysop's DATA/art/NAME.ans or a variant,
// built-in art, or a gallery piece, "gallery/NAME"; in the caller's
// language when there is art for it, see art.Library.LoadFor). Art wider
// than the window is clipped, never wrapped; art taller than the window
// pages, the bottom row saying where the caller is and which keys work:
// Down, Up, j and k move a row, PgDn, PgUp and space a page, Home and End
// go to the ends, i shows what the art's SAUCE record says, and Esc or q
// leave. When all of the art is shown, or its end, any other key leaves,
// and so does space. Missing art is said to be missing; that is no error.
func (c *Call) ShowArt(ctx context.Context, name string) error {
	c.SetActivityMessage("activity.viewing_art")
	a, err := c.Board.cfg.Art.LoadFor(name, c.Lang().Tag())
	if err != nil {
		c.Board.log.Warn("art", "name", name, "err", err)
	}
	if a == nil {
		msg := c.T("art.missing", "name", clean(name))
		if !errors.Is(err, art.ErrNotFound) && !errors.Is(err, art.ErrBadName) {
			msg = c.T("art.broken", "name", clean(name))
		}
		c.Clear()
		_, err := c.Box(ctx, c.T("art.none_title"), msg, false)
		return err
	}
	if c.Accessible() {
		return c.showArtPlain(ctx, a)
	}
	v := &artView{c: c, art: a, title: clean(a.Title())}
	return v.run(ctx)
}

// artView is the state of ShowArt's screen.
type artView struct {
	c     *Call
	art   *art.Art
	title string
	lines []string // the art's rows, clipped to cols
	cols  int      // the window width lines were drawn for; 0 before the first draw
	top   int      // the index of the first row shown
	shown int      // top when the screen was last drawn
	info  bool     // the info panel is shown
}

// rows returns how many rows of art the window shows: all but the
// status line.
func (v *artView) rows() int { return max(v.c.Size().Rows-1, 1) }

// atEnd reports whether the last row of the art is on the screen.
func (v *artView) atEnd() bool { return v.top+v.rows() >= len(v.lines) }

// scroll moves the view by n rows (negative: up), within the art.
func (v *artView) scroll(n int) {
	v.top = max(min(v.top+n, len(v.lines)-v.rows()), 0)
}

func (v *artView) run(ctx context.Context) error {
	defer v.c.WriteString(ui.ShowCursor)
	v.draw()
	for {
		k, err := v.c.NextKey(ctx, v.draw)
		if err != nil {
			return err
		}
		page := max(v.rows()-1, 1)
		switch {
		case k.Code == term.KeyEvent:
			continue // updates from elsewhere are for other screens
		case k.Code == term.KeyEscape, k.Code == term.KeyRune && k.Mod == 0 && (k.Rune == 'q' || k.Rune == 'Q'):
			return nil
		case k.Code == term.KeyDown, k.Code == term.KeyRune && k.Rune == 'j':
			v.scroll(1)
		case k.Code == term.KeyUp, k.Code == term.KeyRune && k.Rune == 'k':
			v.scroll(-1)
		case k.Code == term.KeyRune && k.Rune == ' ' && v.atEnd():
			return nil // as a pager does: space past the end leaves
		case k.Code == term.KeyPgDn, k.Code == term.KeyRune && k.Rune == ' ':
			v.scroll(page)
		case k.Code == term.KeyPgUp:
			v.scroll(-page)
		case k.Code == term.KeyHome:
			v.top = 0
		case k.Code == term.KeyEnd:
			v.scroll(len(v.lines))
		case k.Code == term.KeyRune && k.Mod == 0 && (k.Rune == 'i' || k.Rune == 'I'):
			v.info = !v.info
			v.draw()
			continue
		case k.Code == term.KeyLeft, k.Code == term.KeyRight, k.Code == term.KeyTab:
			continue // moving keys that have nothing to move here
		case v.atEnd():
			return nil
		default:
			continue
		}
		// Keys typed ahead (a held arrow) move the view before it is
		// drawn again.
		if v.top != v.shown && v.c.Buffered() == 0 {
			v.draw()
		}
	}
}

// draw draws the screen: every row, so that nothing of what was there
// before stays, the art's rows from the top, then the status line and
// the info panel over the art.
func (v *artView) draw() {
	c := v.c
	sz := c.Size()
	if v.cols != sz.Cols {
		v.lines, v.cols = v.art.Lines(sz.Cols), sz.Cols
	}
	rows := v.rows()
	v.scroll(0)
	v.shown = v.top
	var b strings.Builder
	b.WriteString(ui.HideCursor)
	for i := range rows {
		// Clearing first: a row as wide as the window leaves the cursor
		// in its last column, where clearing would erase that cell.
		b.WriteString(ui.MoveTo(i+1, 1) + ui.Reset + ui.ClearEOL)
		if n := v.top + i; n < len(v.lines) {
			b.WriteString(v.lines[n])
		}
	}
	// The status line stops short of the last column, so no terminal
	// scrolls for it.
	b.WriteString(ui.MoveTo(sz.Rows, 1) + ui.Reset + ui.ClearEOL + ui.Truncate(v.status(), max(sz.Cols-1, 1)) + ui.Reset)
	if v.info {
		v.drawInfo(&b)
	}
	c.WriteString(b.String())
}

// status returns the bottom line: the art's title, the rows shown when
// they are not all, and the keys.
func (v *artView) status() string {
	t := v.c.Theme
	s := " " + t.Title + v.title + t.Text
	n, rows := len(v.lines), v.rows()
	info := v.c.T("art.key.info")
	if v.info {
		info = v.c.T("art.key.hide_info")
	}
	if n <= rows {
		return s + "  " + v.c.KeyHelp(t.Strings.AnyKey, t.Strings.Back, "i", info)
	}
	last := min(v.top+rows, n)
	s += "  " + v.c.T("art.rows", "first", strconv.Itoa(v.top+1), "last", strconv.Itoa(last), "total", strconv.Itoa(n)) + "  "
	scroll := v.c.T("art.key.scroll")
	if last == n {
		return s + t.Dim + v.c.T("art.end") + " " + v.c.KeyHelp(t.Strings.AnyKey, t.Strings.Back, "arrows", scroll, "i", info)
	}
	return s + v.c.KeyHelp("space", v.c.T("art.key.page"), "arrows", scroll, "i", info, "q", t.Strings.Back)
}

// drawInfo draws the info panel, what the art's SAUCE record says, in
// the middle of the art's rows.
func (v *artView) drawInfo(b *strings.Builder) {
	sz := v.c.Size()
	facts := artFacts(v.c, v.art)
	labelW := 0
	for _, f := range facts {
		labelW = max(labelW, ui.Width(f.Label))
	}
	lines := make([]string, 0, len(facts)+8)
	for _, f := range facts {
		lines = append(lines, ui.Pad(f.Label+":", labelW+2)+clean(f.Value))
	}
	if s := v.art.SAUCE; s != nil && len(s.Comments) > 0 {
		lines = append(lines, "")
		for _, l := range s.Comments {
			lines = append(lines, clean(l))
		}
	}
	width := 0
	for _, l := range lines {
		width = max(width, ui.Width(l))
	}
	width = min(max(width+4, 24), sz.Cols)
	lines = append([]string{v.c.T("art.about"), ""}, lines...)
	// The panel keeps to the art's rows, its last lines cut if need be.
	lines = lines[:max(min(len(lines), v.rows()-2), 0)]
	top := max(1, (v.rows()-len(lines)-2)/2+1)
	left := max(1, (sz.Cols-width)/2+1)
	bx := &v.c.Theme.Box
	inner := max(width-4, 0)
	b.WriteString(ui.MoveTo(top, left) + bx.Style + bx.TopLeft + strings.Repeat(bx.Horizontal, max(width-2, 0)) + bx.TopRight)
	for i, l := range lines {
		b.WriteString(ui.MoveTo(top+1+i, left) + bx.Vertical + " " + ui.Pad(ui.Truncate(l, inner), inner) + " " + bx.Vertical)
	}
	b.WriteString(ui.MoveTo(top+1+len(lines), left) + bx.BottomLeft + strings.Repeat(bx.Horizontal, max(width-2, 0)) + bx.BottomRight + ui.Reset)
}

// artFacts are what the art's SAUCE record says, as art.Art.Facts gives
// them, in the caller's language: title, author, group, date, size, font,
// width × height and iCE colours; art without a record says so, and
// gives its size and width × height as drawn.
func artFacts(c *Call, a *art.Art) []art.Fact {
	size := art.Fact{Label: c.T("art.fact.size"), Value: artSize(c, len(a.Body))}
	dims := func(w, h int) art.Fact {
		return art.Fact{Label: c.T("art.fact.dimensions"), Value: fmt.Sprintf("%d × %d", w, h)}
	}
	s := a.SAUCE
	if s == nil {
		return []art.Fact{{Label: "SAUCE", Value: c.T("art.fact.no_sauce")}, size, dims(a.Width(), a.Height())}
	}
	w, h := s.Width, s.Height
	if w <= 0 {
		w = a.Width()
	}
	if h <= 0 {
		h = a.Height()
	}
	date := ""
	if !s.Date.IsZero() {
		date = s.Date.Format("2006-01-02")
	}
	orUnknown := func(v string) string {
		if strings.TrimSpace(v) == "" {
			return c.T("art.fact.unknown")
		}
		return v
	}
	ice := c.T("art.fact.no")
	if s.ICEColors {
		ice = c.T("art.fact.yes")
	}
	return []art.Fact{
		{Label: c.T("art.fact.title"), Value: orUnknown(s.Title)},
		{Label: c.T("art.fact.author"), Value: orUnknown(s.Author)},
		{Label: c.T("art.fact.group"), Value: orUnknown(s.Group)},
		{Label: c.T("art.fact.date"), Value: orUnknown(date)},
		size,
		{Label: c.T("art.fact.font"), Value: orUnknown(s.Font)},
		dims(w, h),
		{Label: c.T("art.fact.ice"), Value: ice},
	}
}

// artSize says a size in bytes: "512 bytes", "12.3 KiB (12595 bytes)".
func artSize(c *Call, n int) string {
	bytes := c.N("art.bytes", n)
	switch {
	case n < 1024:
		return bytes
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB (%s)", float64(n)/1024, bytes)
	}
	return fmt.Sprintf("%.1f MiB (%s)", float64(n)/(1024*1024), bytes)
}

// artGallery lists the gallery's pieces (art.Library.Gallery) by title,
// author and size, and shows the one chosen with ShowArt.
func artGallery(ctx context.Context, c *Call) error {
	c.SetActivityMessage("activity.art_gallery")
	if c.Accessible() {
		return galleryPlain(ctx, c)
	}
	g := &galleryView{c: c}
	g.load("")
	g.draw()
	for {
		k, err := c.NextKey(ctx, g.draw)
		if err != nil {
			return err
		}
		page := max(g.listRows()-1, 1)
		switch {
		case k.Code == term.KeyEvent:
			continue // updates from elsewhere are for other screens
		case k.Code == term.KeyEscape, k.Code == term.KeyRune && k.Mod == 0 && (k.Rune == 'q' || k.Rune == 'Q'):
			return nil
		case len(g.names) == 0:
			return nil // the screen says any key goes back
		case k.Code == term.KeyUp:
			g.sel = max(g.sel-1, 0)
		case k.Code == term.KeyDown:
			g.sel = min(g.sel+1, len(g.names)-1)
		case k.Code == term.KeyPgUp:
			g.sel = max(g.sel-page, 0)
		case k.Code == term.KeyPgDn:
			g.sel = min(g.sel+page, len(g.names)-1)
		case k.Code == term.KeyHome:
			g.sel = 0
		case k.Code == term.KeyEnd:
			g.sel = len(g.names) - 1
		case k.Code == term.KeyEnter, k.Code == term.KeyRight:
			name := g.names[g.sel]
			if err := c.ShowArt(ctx, name); err != nil {
				return err
			}
			c.SetActivityMessage("activity.art_gallery")
			// The sysop may have added or removed pieces meanwhile.
			g.load(name)
		default:
			continue
		}
		g.draw()
	}
}

// galleryView is the state of the gallery screen.
type galleryView struct {
	c      *Call
	names  []string
	pieces map[string]art.Piece // described as they come into view
	sel    int
	top    int
}

// load reads the gallery's names, keeping the bar on name if it is still
// there.
func (g *galleryView) load(name string) {
	g.names = g.c.Board.cfg.Art.Gallery()
	g.pieces = map[string]art.Piece{}
	g.sel = max(min(g.sel, len(g.names)-1), 0)
	for i, n := range g.names {
		if n == name {
			g.sel = i
		}
	}
}

// piece describes the named piece, once a visit to the screen.
func (g *galleryView) piece(name string) art.Piece {
	if p, ok := g.pieces[name]; ok {
		return p
	}
	p, err := g.c.Board.cfg.Art.Describe(name)
	if err != nil {
		g.c.Board.log.Warn("art", "name", name, "err", err)
		p = art.Piece{Name: name, Size: -1}
	}
	g.pieces[name] = p
	return p
}

// listRows is how many rows the list has in the window.
func (g *galleryView) listRows() int { return max(g.c.Size().Rows-5, 1) }

func (g *galleryView) draw() {
	c, t := g.c, g.c.Theme
	sz := c.Size()
	var b strings.Builder
	b.WriteString(ui.ClearScreen)
	// say is Say into b, so that the screen goes out in one write.
	say := func(row int, style, msg string) {
		b.WriteString(ui.MoveTo(row, 2) + style + ui.Truncate(msg, sz.Cols-2) + ui.Reset)
	}
	if len(g.names) == 0 {
		say(1, t.Title, c.T("art.gallery"))
		say(3, t.Text, c.T("art.gallery_empty"))
		say(5, "", c.KeyHelp(t.Strings.AnyKey, t.Strings.Back))
		c.WriteString(b.String())
		return
	}
	say(1, t.Title, c.N("art.gallery_count", len(g.names)))
	sizeH := c.T("art.fact.size")
	sizeW := max(9, ui.Width(sizeH))
	authorW := min(20, max(sz.Cols/4, 8))
	titleW := max(sz.Cols-authorW-sizeW-7, 8)
	say(2, t.Label, " "+ui.Pad(c.T("art.fact.title"), titleW)+" "+ui.Pad(c.T("art.fact.author"), authorW)+" "+ui.PadLeft(sizeH, sizeW))
	rows := g.listRows()
	if g.sel < g.top {
		g.top = g.sel
	}
	if g.sel >= g.top+rows {
		g.top = g.sel - rows + 1
	}
	for i := range min(rows, len(g.names)-g.top) {
		n := g.top + i
		p := g.piece(g.names[n])
		author, size := "", "?"
		if p.SAUCE != nil {
			author = p.SAUCE.Author
		}
		if p.Size >= 0 {
			size = c.size(p.Size)
		}
		style := t.Text
		if n == g.sel {
			style = t.Bar
		}
		say(3+i, style, " "+ui.Pad(clean(p.Title()), titleW)+" "+ui.Pad(clean(author), authorW)+" "+ui.PadLeft(size, sizeW)+" ")
	}
	say(sz.Rows, "", c.KeyHelp("arrows", t.Strings.Choose, "Enter", c.T("art.key.view"), "q", t.Strings.Back))
	c.WriteString(b.String())
}
