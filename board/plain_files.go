package board

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/term"
)

// The file lists in accessible mode have no bar to move: the files are a
// numbered list, and a file's number opens a short menu of what can be
// done with it (tag, view, download; for sysops describe, delete,
// release).

// drawPlain says which list this is: its title and totals.
func (v *fileView) drawPlain() {
	c := v.c
	var total int64
	for _, e := range v.entries {
		total += e.Size
	}
	n, size := c.N("files.count", len(v.entries)), c.size(total)
	title := c.T("files.plain.totals", "title", v.title, "files", n, "size", size)
	if !v.tagged {
		title = c.T("files.plain.totals_sorted", "title", v.title, "files", n, "size", size, "order", sorts[v.sortBy].name(c))
	}
	c.WriteString("\r\n")
	c.Line(title)
}

// listPlain reads the list out, a screenful at a time.
func (v *fileView) listPlain(ctx context.Context) error {
	v.drawPlain()
	if len(v.entries) == 0 {
		v.c.Line(v.c.T("files.empty"))
		return nil
	}
	lines := make([]string, len(v.entries))
	for i, e := range v.entries {
		lines[i] = fmt.Sprintf("%d. %s", i+1, fileSentence(v.c, e))
	}
	_, err := v.c.pageLines(ctx, lines)
	return err
}

// fileSentence is a file as a list reads it aloud.
func fileSentence(c *Call, e files.Entry) string {
	pairs := []string{"name", e.Name, "size", c.size(e.Size), "date", c.date(e.Modified, "Jan 2 2006"),
		"downloads", c.N("files.downloads", int(e.Downloads))}
	s := c.T("files.plain.file", pairs...)
	if e.Tagged {
		s = c.T("files.plain.file_tagged", pairs...)
	}
	if desc, _, _ := strings.Cut(e.Description, "\n"); desc != "" {
		s += ": " + clean(desc)
	}
	return s + "."
}

// runPlain is run in accessible mode.
func (v *fileView) runPlain(ctx context.Context) error {
	c := v.c
	v.reload()
	if err := v.listPlain(ctx); err != nil {
		return err
	}
	for {
		c.SetActivityMessage("activity.files")
		if v.msg != "" {
			c.Line(v.msg)
			v.msg = ""
		}
		var ask []string
		if len(v.entries) > 0 {
			ask = append(ask, c.T("files.plain.number"))
		}
		ask = append(ask, "b "+c.T("files.plain.batch"))
		mayUpload := v.area != nil && v.br.MayUpload(*v.area)
		if mayUpload {
			ask = append(ask, "u "+c.T("files.key.upload"))
		}
		if !v.tagged {
			ask = append(ask, "o "+c.T("files.key.sort"))
		}
		ask = append(ask, "l "+c.T("files.plain.list"), "q "+c.Theme.Strings.Back)
		question := strings.Join(ask, ", ")
		first, size := utf8.DecodeRuneInString(question)
		a, leave, err := c.readChoice(ctx, string(unicode.ToUpper(first))+question[size:]+": ")
		if leave || err != nil {
			return err
		}
		switch {
		case a == "l" || a == "":
			err = v.listPlain(ctx)
		case a == "o" && !v.tagged:
			v.sortBy = (v.sortBy + 1) % len(sorts)
			v.reload()
			err = v.listPlain(ctx)
		case a == "u" && mayUpload:
			err = v.upload(ctx)
		case a == "b":
			err = v.batch(ctx)
		default:
			n, convErr := strconv.Atoi(a)
			if convErr != nil || n < 1 || n > len(v.entries) {
				c.Line(c.T("files.plain.no_such", "number", term.Sanitize(a)))
				continue
			}
			v.sel = n - 1
			err = v.fileMenuPlain(ctx)
		}
		if err != nil {
			return err
		}
	}
}

// fileMenuPlain says what the selected file is and does one thing with
// it.
func (v *fileView) fileMenuPlain(ctx context.Context) error {
	c := v.c
	e := v.entries[v.sel]
	c.Line(fileSentence(c, e))
	tag := c.T("files.plain.tag_it")
	if e.Tagged {
		tag = c.T("files.plain.untag_it")
	}
	keys := []string{"t", tag, "v", c.T("files.plain.view_it"), "d", c.T("files.plain.download_it")}
	mayRelease := c.Sysop() && v.area != nil && v.area.Review
	if c.Sysop() {
		if mayRelease {
			keys = append(keys, "r", c.T("files.plain.release_it"))
		}
		keys = append(keys, "e", c.T("files.plain.describe_it"), "x", c.T("files.plain.delete_it"))
	}
	keys = append(keys, "q", c.T("files.plain.back"))
	c.Line(c.KeyHelp(keys...))
	k, err := c.NextKey(ctx, func() {})
	if err != nil || k.Code != term.KeyRune {
		return err
	}
	switch r := k.Rune; {
	case r == 't':
		v.tag()
	case r == 'v':
		return v.view(ctx)
	case r == 'd':
		return v.download(ctx, []string{e.Path})
	case r == 'r' && mayRelease:
		return v.release(ctx)
	case r == 'e' && c.Sysop():
		return v.describe(ctx)
	case r == 'x' && c.Sysop():
		return v.remove(ctx)
	}
	return nil
}

// viewPlain shows a text file or an archive's description in accessible
// mode, a screenful at a time.
func (v *fileView) viewPlain(ctx context.Context, e files.Entry, text string) error {
	c := v.c
	c.WriteString("\r\n")
	c.Line(c.T("files.plain.view_head", "name", e.Name, "size", c.size(e.Size), "date", c.date(e.Modified, "Jan 2 2006")))
	read, err := c.pageLines(ctx, strings.Split(strings.TrimRight(text, "\n"), "\n"))
	if err == nil && read {
		c.Line(c.T("files.plain.view_end", "name", e.Name))
	}
	return err
}
