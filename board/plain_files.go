package board

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/term"
)

// The file lists in accessible mode have no bar to move: the files are a
// numbered list, and a file's number opens a short menu of what can be
// done with it (tag, view, download; for sysops describe, delete,
// release).

// drawPlain says which list this is: its title and totals.
func (v *fileView) drawPlain() {
	title := v.title
	var total int64
	for _, e := range v.entries {
		total += e.Size
	}
	title += fmt.Sprintf(": %s, %s", count(len(v.entries), "file"), files.SizeString(total))
	if !v.tagged {
		title += ", by " + sorts[v.sortBy].name
	}
	v.c.WriteString("\r\n")
	v.c.Line(title + ".")
}

// listPlain reads the list out, a screenful at a time.
func (v *fileView) listPlain(ctx context.Context) error {
	v.drawPlain()
	if len(v.entries) == 0 {
		v.c.Line("No files here.")
		return nil
	}
	lines := make([]string, len(v.entries))
	for i, e := range v.entries {
		lines[i] = fmt.Sprintf("%d. %s", i+1, fileSentence(e))
	}
	_, err := v.c.pageLines(ctx, lines)
	return err
}

// fileSentence is a file as a list reads it aloud.
func fileSentence(e files.Entry) string {
	s := fmt.Sprintf("%s, %s, %s, %s", e.Name, files.SizeString(e.Size), e.Modified.Format("Jan 2 2006"), count(int(e.Downloads), "download"))
	if e.Tagged {
		s += ", tagged"
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
		c.SetActivity("browsing files")
		if v.msg != "" {
			c.Line(v.msg)
			v.msg = ""
		}
		var ask []string
		if len(v.entries) > 0 {
			ask = append(ask, "number of a file")
		}
		ask = append(ask, "b download your tagged files")
		mayUpload := v.area != nil && v.br.MayUpload(*v.area)
		if mayUpload {
			ask = append(ask, "u upload")
		}
		if !v.tagged {
			ask = append(ask, "o sort")
		}
		ask = append(ask, "l list", "q back")
		question := strings.Join(ask, ", ")
		a, leave, err := c.readChoice(ctx, strings.ToUpper(question[:1])+question[1:]+": ")
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
				c.Line(fmt.Sprintf("There is no file %s here.", term.Sanitize(a)))
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
	c.Line(fileSentence(e))
	tag := "tag it"
	if e.Tagged {
		tag = "untag it"
	}
	keys := []string{"t", tag, "v", "view it", "d", "download it"}
	if c.Sysop() {
		if v.area != nil && v.area.Review {
			keys = append(keys, "r", "release it")
		}
		keys = append(keys, "e", "describe it", "x", "delete it")
	}
	keys = append(keys, "q", "back to the list")
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
	case r == 'r' && slices.Contains(keys, "r"):
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
	c.Line(e.Name + ", " + files.SizeString(e.Size) + ", " + e.Modified.Format("Jan 2 2006") + ":")
	read, err := c.pageLines(ctx, strings.Split(strings.TrimRight(text, "\n"), "\n"))
	if err == nil && read {
		c.Line("End of " + e.Name + ".")
	}
	return err
}
