package board

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// areaKeys are the keys of the areas in the Files menu, in order; s, n
// and t are the menu's own.
const areaKeys = "123456789abcdeghijklmoprsuvwxyz"

// filesScreen lists the areas and the ways to find files, and runs the
// file list picked.
func filesScreen(ctx context.Context, c *Call) error {
	br, err := c.Board.cfg.Files.Open(ctx, files.User{ID: c.User.ID, Handle: c.User.Handle, Sysop: c.Sysop(), Account: c.User})
	if err != nil {
		msg := c.T("files.unavailable")
		if errors.Is(err, filearea.ErrTooManySessions) {
			msg = c.T("files.too_many_sessions")
		} else {
			c.Board.log.Error("files: open", "user", c.User.Handle, "err", err)
		}
		show := func() {
			c.Clear()
			c.Say(2, c.Theme.Error, msg)
			c.Say(4, c.Theme.Dim, c.Theme.Strings.PressKey)
		}
		show()
		return c.AnyKey(ctx, show)
	}
	defer br.Close()
	areas := br.Areas()
	var keys []rune
	for _, r := range areaKeys {
		if r != 's' && r != 'n' && r != 't' {
			keys = append(keys, r)
		}
	}
	selected := 0
	for {
		c.SetActivityMessage("activity.files")
		var items []ui.MenuItem
		for i, a := range areas {
			if i == len(keys) {
				break // more areas than keys: the first ones are listed
			}
			label := clean(a.Name)
			if a.Description != "" {
				label += " - " + clean(a.Description)
			}
			items = append(items, ui.MenuItem{Key: keys[i], Label: label})
		}
		shown := len(items)
		items = append(items,
			ui.MenuItem{Key: 's', Label: c.T("files.search")},
			ui.MenuItem{Key: 'n', Label: c.T("files.new")},
			ui.MenuItem{Key: 't', Label: c.T("files.tagged")})
		m := &ui.Menu{Items: items, Selected: selected}
		layout := func() (int, int, int) {
			c.Clear()
			c.Say(1, c.Theme.Title, c.T("files.title", "board", clean(c.Board.cfg.Name)))
			c.Say(c.Size().Rows, "", c.KeyHelp("arrows", c.Theme.Strings.Choose, "Enter", c.T("files.key.open"), "q", c.Theme.Strings.Back))
			m.Rows = max(1, c.Size().Rows-4)
			m.Width = min(c.Size().Cols-4, 76)
			return 3, 3, m.Width
		}
		m.Relayout = layout
		i, err := c.runMenu(ctx, m)
		if errors.Is(err, ui.ErrCancel) {
			return nil
		}
		if err != nil {
			return err
		}
		selected = i
		v := &fileView{c: c, br: br}
		switch {
		case i < shown:
			a := areas[i]
			v.title, v.area = c.T("files.in_area", "area", clean(a.Name)), &a
			v.load = func() ([]files.Entry, error) { return br.List(a) }
		case items[i].Key == 's':
			redraw := func() { layout() }
			text, err := c.Ask(ctx, 0, c.T("files.search_prompt")+" ", &ui.Field{Max: 40}, redraw)
			if errors.Is(err, ui.ErrCancel) || strings.TrimSpace(text) == "" {
				continue
			}
			if err != nil {
				return err
			}
			v.title = c.T("files.matching", "text", clean(strings.TrimSpace(text)))
			v.load = func() ([]files.Entry, error) { return br.Search(text) }
		case items[i].Key == 'n':
			since := c.previousCall
			v.title = c.T("files.new")
			if since.IsZero() {
				since = time.Now().AddDate(0, 0, -7)
				v.title = c.T("files.new_week")
			}
			v.load = func() ([]files.Entry, error) { return br.NewSince(since) }
		default:
			v.title, v.tagged = c.T("files.tagged"), true
			v.load = func() ([]files.Entry, error) {
				es, _, err := br.Tagged()
				return es, err
			}
		}
		if err := v.run(ctx); err != nil {
			return err
		}
	}
}

// fileView is a list of files the caller moves through with a bar.
type fileView struct {
	c      *Call
	br     *files.Browser
	title  string
	area   *files.Area // the area listed, nil for a search or the tagged files
	tagged bool        // the list is the tagged files
	load   func() ([]files.Entry, error)

	entries []files.Entry
	sel     int
	top     int
	sortBy  int
	msg     string
	msgErr  bool
}

// sorts are the orders the list cycles through with o; name says the
// order in the caller's language.
var sorts = []struct {
	name func(c *Call) string
	cmp  func(a, b files.Entry) int
}{
	{func(c *Call) string { return c.T("files.sort.name") },
		func(a, b files.Entry) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }},
	{func(c *Call) string { return c.T("files.sort.newest") },
		func(a, b files.Entry) int { return b.Modified.Compare(a.Modified) }},
	{func(c *Call) string { return c.T("files.sort.largest") },
		func(a, b files.Entry) int { return cmp.Compare(b.Size, a.Size) }},
	{func(c *Call) string { return c.T("files.sort.downloads") },
		func(a, b files.Entry) int { return cmp.Compare(b.Downloads, a.Downloads) }},
}

func (v *fileView) reload() {
	es, err := v.load()
	if err != nil {
		v.c.Board.log.Error("files: list", "user", v.c.User.Handle, "err", err)
		v.say(true, v.c.T("files.read_failed"))
	}
	v.entries = es
	if !v.tagged {
		slices.SortStableFunc(v.entries, sorts[v.sortBy].cmp)
	}
	v.sel = max(0, min(v.sel, len(v.entries)-1))
}

func (v *fileView) say(isErr bool, msg string) { v.msg, v.msgErr = msg, isErr }

// listRows is how many rows the list has in the window.
func (v *fileView) listRows() int { return max(1, v.c.Size().Rows-6) }

func (v *fileView) draw() {
	c := v.c
	if c.Accessible() {
		v.drawPlain()
		return
	}
	sz := c.Size()
	rows := v.listRows()
	if v.sel < v.top {
		v.top = v.sel
	}
	if v.sel >= v.top+rows {
		v.top = v.sel - rows + 1
	}
	var b strings.Builder
	b.WriteString(ui.ClearScreen)
	c.WriteString(b.String())
	title := v.title
	if len(v.entries) > 0 {
		var total int64
		for _, e := range v.entries {
			total += e.Size
		}
		title = c.T("files.totals", "title", title, "files", c.N("files.count", len(v.entries)), "size", c.size(total))
	}
	c.Say(1, c.Theme.Title, title)
	nameW := min(28, max(12, sz.Cols/3))
	// The columns are as wide as their values, or their headings when
	// those are wider.
	sizeH, dateH, dlsH := c.T("files.col.size"), c.T("files.col.date"), c.T("files.col.downloads")
	sizeW, dateW, dlsW := max(9, ui.Width(sizeH)), max(10, ui.Width(dateH)), max(4, ui.Width(dlsH))
	c.Say(2, c.Theme.Label, "  "+ui.Pad(c.T("files.col.name"), nameW)+" "+ui.PadLeft(sizeH, sizeW)+"  "+ui.Pad(dateH, dateW)+" "+ui.PadLeft(dlsH, dlsW)+"  "+c.T("files.col.description"))
	b.Reset()
	for i := range rows {
		n := v.top + i
		b.WriteString(ui.MoveTo(3+i, 1) + ui.ClearEOL)
		if n >= len(v.entries) {
			continue
		}
		e := v.entries[n]
		mark := " "
		if e.Tagged {
			mark = c.Theme.Key + "*" + c.Theme.Text
		}
		style := c.Theme.Text
		if n == v.sel {
			style = "\x1b[0;30;46m"
		}
		desc, _, _ := strings.Cut(e.Description, "\n")
		line := ui.Pad(e.Name, nameW) + " " + ui.PadLeft(c.size(e.Size), sizeW) + "  " +
			ui.Pad(e.Modified.Format("2006-01-02"), dateW) + " " + ui.PadLeft(fmt.Sprint(e.Downloads), dlsW) + "  " + desc
		b.WriteString(c.Theme.Text + " " + mark + style + ui.Truncate(line, sz.Cols-3) + ui.Reset)
	}
	c.WriteString(b.String())
	if len(v.entries) == 0 {
		c.Say(3, c.Theme.Dim, c.T("files.empty"))
	} else if e := v.entries[v.sel]; e.Description != "" {
		first, _, _ := strings.Cut(e.Description, "\n")
		c.Say(sz.Rows-2, c.Theme.Dim, first)
	}
	if v.msg != "" {
		style := c.Theme.Text
		if v.msgErr {
			style = c.Theme.Error
		}
		c.Say(sz.Rows-1, style, v.msg)
	}
	help := []string{"arrows", c.T("files.key.move"), "space", c.T("files.key.tag"), "v", c.T("files.key.view"),
		"d", c.T("files.key.download"), "b", c.T("files.key.batch")}
	if v.area != nil && v.br.MayUpload(*v.area) {
		help = append(help, "u", c.T("files.key.upload"))
	}
	if !v.tagged {
		help = append(help, "o", c.T("files.key.sort"))
	}
	if v.c.Sysop() {
		if v.area != nil && v.area.Review {
			help = append(help, "r", c.T("files.key.release"))
		}
		help = append(help, "e", c.T("files.key.describe"), "x", c.T("files.key.delete"))
	}
	help = append(help, "q", c.Theme.Strings.Back)
	c.Say(sz.Rows, "", c.KeyHelp(help...))
}

func (v *fileView) run(ctx context.Context) error {
	if v.c.Accessible() {
		return v.runPlain(ctx)
	}
	v.reload()
	for {
		v.c.SetActivityMessage("activity.files")
		v.draw()
		k, err := v.c.NextKey(ctx, v.draw)
		if err != nil {
			return err
		}
		v.msg = ""
		page := max(1, v.listRows()-1)
		switch {
		case k.Code == term.KeyEscape, k.Code == term.KeyRune && (k.Rune == 'q' || k.Rune == 'Q'):
			return nil
		case k.Code == term.KeyUp:
			v.sel = max(0, v.sel-1)
		case k.Code == term.KeyDown:
			v.sel = max(0, min(len(v.entries)-1, v.sel+1))
		case k.Code == term.KeyPgUp:
			v.sel = max(0, v.sel-page)
		case k.Code == term.KeyPgDn:
			v.sel = max(0, min(len(v.entries)-1, v.sel+page))
		case k.Code == term.KeyHome:
			v.sel = 0
		case k.Code == term.KeyEnd:
			v.sel = max(0, len(v.entries)-1)
		case k.Code == term.KeyRune && k.Rune == 'o' && !v.tagged:
			v.sortBy = (v.sortBy + 1) % len(sorts)
			v.reload()
			v.say(false, v.c.T("files.sorted", "order", sorts[v.sortBy].name(v.c)))
		case k.Code == term.KeyRune && k.Rune == 'u' && v.area != nil:
			if err := v.upload(ctx); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Rune == 'b':
			if err := v.batch(ctx); err != nil {
				return err
			}
		case len(v.entries) == 0:
			// The keys below need a file.
		case k.Code == term.KeyRune && (k.Rune == ' ' || k.Rune == 't'):
			v.tag()
		case k.Code == term.KeyEnter, k.Code == term.KeyRune && k.Rune == 'v':
			if err := v.view(ctx); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Rune == 'd':
			if err := v.download(ctx, []string{v.entries[v.sel].Path}); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Rune == 'r' && v.c.Sysop() && v.area != nil && v.area.Review:
			if err := v.release(ctx); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Rune == 'e' && v.c.Sysop():
			if err := v.describe(ctx); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Rune == 'x' && v.c.Sysop():
			if err := v.remove(ctx); err != nil {
				return err
			}
		}
	}
}

func (v *fileView) tag() {
	e := &v.entries[v.sel]
	if err := v.br.Tag(e.Path, !e.Tagged); err != nil {
		v.say(true, v.c.fileReason(err))
		return
	}
	e.Tagged = !e.Tagged
	if e.Tagged {
		v.say(false, v.c.T("files.tag_done", "name", e.Name))
	} else {
		v.say(false, v.c.T("files.untag_done", "name", e.Name))
	}
	v.sel = min(v.sel+1, len(v.entries)-1)
}

// fileReason is an error's text for the caller, in the caller's
// language (see fileReasonIn), or a plain apology, the error logged, for
// one not meant for callers.
func (c *Call) fileReason(err error) string {
	if msg, ok := fileReasonIn(c.Lang(), err); ok {
		return msg
	}
	c.Board.log.Error("files", "user", c.User.Handle, "err", err)
	return c.T("files.failed")
}

// fileReasonIn is an error's text for a caller in the language of p, and
// whether it is meant for one: the files service's refusals and the file
// area's limits by their message ids (files.MessageID), sizes written
// the caller's way; another error meant for callers, which no catalog
// has, as files.Message gives it.
func fileReasonIn(p *lang.Printer, err error) (string, bool) {
	if id, pairs, ok := files.MessageIDSized(err, func(n int64) string { return sizeIn(p, n) }); ok {
		return sayIn(p, id, pairs), true
	}
	return files.Message(err)
}

// sayIn is message id filled from pairs in the language of p; a pair
// named n is a count, by which the message's plural form is chosen (see
// files.MessageID).
func sayIn(p *lang.Printer, id string, pairs []string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] != "n" {
			continue
		}
		if n, err := strconv.Atoi(pairs[i+1]); err == nil {
			return p.N(id, n, slices.Delete(slices.Clone(pairs), i, i+2)...)
		}
	}
	return p.T(id, pairs...)
}

// size is a size for the caller, as files.SizeString writes it in
// English: "512 B", "1.5 KiB".
func (c *Call) size(n int64) string { return sizeIn(c.Lang(), n) }

// sizeIn is size in the language of p: its decimal mark
// (files.size.decimal) and its way of writing each unit.
func sizeIn(p *lang.Printer, n int64) string {
	number, unit := files.SizeParts(n)
	number = strings.Replace(number, ".", p.T("files.size.decimal"), 1)
	switch unit {
	case "KiB":
		return p.T("files.size.kib", "n", number)
	case "MiB":
		return p.T("files.size.mib", "n", number)
	case "GiB":
		return p.T("files.size.gib", "n", number)
	}
	return p.T("files.size.bytes", "n", number)
}

// view shows a text file, or an archive's description, a page at a time.
func (v *fileView) view(ctx context.Context) error {
	e := v.entries[v.sel]
	text, err := v.br.View(e.Path)
	if err != nil {
		v.say(true, v.c.fileReason(err))
		return nil
	}
	if text == "" {
		text = v.c.T("files.no_description")
	}
	if e.Description != "" && !strings.Contains(text, e.Description) {
		text = e.Description + "\n\n" + text
	}
	c := v.c
	if c.Accessible() {
		return v.viewPlain(ctx, e, text)
	}
	list := &ui.List{Lines: strings.Split(strings.TrimRight(text, "\n"), "\n")}
	draw := func() {
		sz := c.Size()
		c.WriteString(ui.ClearScreen)
		c.Say(1, c.Theme.Title, e.Name+"  "+c.size(e.Size)+"  "+e.Modified.Format("2006-01-02"))
		list.Top, list.Left, list.Width, list.Height = 3, 2, sz.Cols-2, max(1, sz.Rows-4)
		list.Draw(c.Session)
		c.Say(sz.Rows, "", c.KeyHelp("arrows", c.T("files.key.scroll"), "q", c.Theme.Strings.Back))
	}
	return browse(ctx, c, list, draw)
}

func (v *fileView) describe(ctx context.Context) error {
	e := &v.entries[v.sel]
	first, _, _ := strings.Cut(e.Description, "\n")
	text, err := v.c.Ask(ctx, 0, v.c.T("files.description_prompt")+" ", &ui.Field{Max: 200, Value: first}, v.draw)
	if errors.Is(err, ui.ErrCancel) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := v.br.Describe(e.Path, text); err != nil {
		v.say(true, v.c.fileReason(err))
		return nil
	}
	e.Description = strings.TrimSpace(text)
	v.say(false, v.c.T("files.description_saved"))
	return nil
}

func (v *fileView) remove(ctx context.Context) error {
	e := v.entries[v.sel]
	if err := v.c.dropTyped(ctx); err != nil {
		return err
	}
	v.draw()
	ok, err := v.c.Confirm(ctx, v.c.Size().Rows-1, v.c.T("files.delete_ask", "name", e.Name))
	if err != nil || !ok {
		return err
	}
	if err := v.br.Delete(e.Path); err != nil {
		v.say(true, v.c.fileReason(err))
		return nil
	}
	v.c.Board.log.Info("files: deleted", "by", v.c.User.Handle, "path", e.Path)
	v.reload()
	v.say(false, v.c.T("files.deleted", "name", e.Name))
	return nil
}

// dropTyped drops keys already decoded and waiting: before a question
// that changes something for good, an answer must be typed after it is
// asked (not, say, the tail of a transfer's stream).
func (c *Call) dropTyped(ctx context.Context) error {
	for c.Buffered() > 0 {
		if _, err := c.ReadKey(ctx); err != nil {
			return err
		}
	}
	return nil
}

// release moves an upload awaiting review into an area, with a
// description.
func (v *fileView) release(ctx context.Context) error {
	e := v.entries[v.sel]
	var targets []files.Area
	var items []ui.MenuItem
	for _, a := range v.br.Areas() {
		if !a.Review && len(items) < 9 {
			targets = append(targets, a)
			items = append(items, ui.MenuItem{Key: rune('1' + len(items)), Label: clean(a.Name)})
		}
	}
	m := &ui.Menu{Items: items}
	layout := func() (int, int, int) {
		c := v.c
		c.Clear()
		c.Say(1, c.Theme.Title, c.T("files.release_ask", "name", e.Name))
		c.Say(c.Size().Rows, "", c.KeyHelp("arrows", c.Theme.Strings.Choose, "Enter", c.T("files.key.release_here"), "q", c.Theme.Strings.Back))
		m.Rows = max(1, c.Size().Rows-4)
		return 3, 3, c.Size().Cols - 4
	}
	m.Relayout = layout
	i, err := v.c.runMenu(ctx, m)
	if errors.Is(err, ui.ErrCancel) {
		return nil
	}
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(e.Description, "\n")
	desc, err := v.c.Ask(ctx, 0, v.c.T("files.description_prompt")+" ", &ui.Field{Max: 200, Value: first}, func() { layout() })
	if errors.Is(err, ui.ErrCancel) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := v.br.Release(e.Path, targets[i], desc); err != nil {
		v.say(true, v.c.fileReason(err))
		return nil
	}
	v.c.Board.log.Info("files: released", "by", v.c.User.Handle, "path", e.Path, "area", targets[i].Name)
	v.reload()
	v.say(false, v.c.T("files.released", "name", e.Name, "area", clean(targets[i].Name)))
	return nil
}

// batch downloads the tagged files.
func (v *fileView) batch(ctx context.Context) error {
	tagged, _, err := v.br.Tagged()
	if err != nil {
		v.say(true, v.c.fileReason(err))
		return nil
	}
	if len(tagged) == 0 {
		v.say(true, v.c.T("files.none_tagged"))
		return nil
	}
	paths := make([]string, len(tagged))
	for i, e := range tagged {
		paths[i] = e.Path
	}
	return v.download(ctx, paths)
}

func (v *fileView) download(ctx context.Context, paths []string) error {
	msg, isErr, err := v.c.sendFiles(ctx, v.br, paths)
	v.say(isErr, msg)
	if err == nil {
		v.reload()
	}
	return err
}

func (v *fileView) upload(ctx context.Context) error {
	msg, isErr, err := v.c.receiveFiles(ctx, v.br, *v.area)
	v.say(isErr, msg)
	if err == nil {
		v.reload()
	}
	return err
}
