package board

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// messageListPlain is a place's messages in accessible mode: a numbered
// list, oldest thread first, each message a sentence (new or not, its
// subject, a reply or not, who wrote it, when), then a question: a
// number reads that message, u the next unread one, n writes a new one,
// l lists them again, q (or Esc) goes back.
func messageListPlain(ctx context.Context, c *Call, p place) error {
	reading := c.reading
	var msgs []store.Message
	var depths []int
	load := func() error {
		c.readingActivity(p)
		var err error
		msgs, depths, err = reading.List(ctx, p.area)
		return err
	}
	unread := func() int {
		n := 0
		for _, m := range msgs {
			if reading.Unread(p.area, m.ID) {
				n++
			}
		}
		return n
	}
	summary := func() string {
		return c.N("messages.plain_summary", len(msgs), "title", placeTitle(c, p), "unread", strconv.Itoa(unread()))
	}
	list := func() error {
		c.WriteString("\r\n")
		c.Line(summary())
		lines := make([]string, len(msgs))
		for i, m := range msgs {
			lines[i] = fmt.Sprintf("%d. %s", i+1, messageSentence(c, m, depths[i] > 0, reading.Unread(p.area, m.ID)))
		}
		_, err := c.pageLines(ctx, lines)
		return err
	}
	read := func(i int) error {
		if _, err := readMessages(ctx, c, p, msgs, i); err != nil {
			return err
		}
		if err := load(); err != nil {
			return err
		}
		c.WriteString("\r\n")
		c.Line(c.T("messages.back_at_list", "summary", summary()))
		return nil
	}
	if err := load(); err != nil {
		return err
	}
	if err := list(); err != nil {
		return err
	}
	for {
		v, leave, err := c.readChoice(ctx, c.T("messages.plain_prompt"))
		if leave || err != nil {
			return err
		}
		switch {
		case v == "l" || v == "":
			err = list()
		case v == "u":
			i := slices.IndexFunc(msgs, func(m store.Message) bool { return reading.Unread(p.area, m.ID) })
			if i < 0 {
				c.Line(c.T("messages.no_unread"))
				continue
			}
			err = read(i)
		case v == "n":
			var msg string
			if msg, err = compose(ctx, c, draft{area: p.area}); err == nil {
				if msg != "" {
					c.Line(msg)
				}
				if err = load(); err == nil {
					c.Line(summary())
				}
			}
		default:
			n, convErr := strconv.Atoi(v)
			if convErr != nil || n < 1 || n > len(msgs) {
				c.Line(c.T("messages.plain_no_such", "number", term.Sanitize(v), "max", strconv.Itoa(len(msgs))))
				continue
			}
			err = read(n - 1)
		}
		if err != nil {
			return err
		}
	}
}

// messageSentence is a message in a list, read aloud.
func messageSentence(c *Call, m store.Message, reply, unread bool) string {
	pairs := []string{"subject", clean(m.Subject), "from", clean(m.From), "date", c.date(m.Created.Local(), "Jan 2 15:04")}
	switch {
	case unread && reply:
		return c.T("messages.sentence_new_reply", pairs...)
	case unread:
		return c.T("messages.sentence_new", pairs...)
	case reply:
		return c.T("messages.sentence_reply", pairs...)
	}
	return c.T("messages.sentence", pairs...)
}

// showMessagePlain shows a message in accessible mode: who wrote it to
// whom, when and about what, its text a screenful at a time, and the
// keys. With msg (what the last key did: "Your reply is posted") it says
// that and the keys only.
func showMessagePlain(ctx context.Context, c *Call, m store.Message, mayDelete bool, msg string) {
	keys := readerKeys(c, mayDelete)
	if msg != "" {
		c.Lines(msg, c.KeyHelp(keys...))
		return
	}
	id, from, date := strconv.FormatInt(m.ID, 10), clean(m.From), c.date(m.Created.Local(), "Mon Jan 2 2006 15:04")
	head := c.T("messages.plain_head_area", "id", id, "from", from, "area", clean(m.Area), "date", date)
	if m.To != "" {
		head = c.T("messages.plain_head_to", "id", id, "from", from, "to", clean(m.To), "date", date)
	}
	if m.Parent != 0 {
		head += " " + c.T("messages.plain_head_reply", "parent", strconv.FormatInt(m.Parent, 10))
	}
	c.WriteString("\r\n")
	c.Lines(head, c.T("messages.subject_prompt")+clean(m.Subject))
	body := strings.Split(strings.TrimRight(term.SanitizeText(m.Body), "\n "), "\n")
	if read, err := c.pageLines(ctx, body); err != nil || !read {
		c.Line(c.T("messages.plain_not_to_end"))
	} else {
		c.Line(c.T("messages.plain_end"))
	}
	c.Line(c.KeyHelp(keys...))
}
