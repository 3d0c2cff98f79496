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
		c.SetActivity(c.readingActivity(p))
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
		return fmt.Sprintf("%s: %s, %d unread.", p.title, count(len(msgs), "message"), unread())
	}
	list := func() error {
		c.WriteString("\r\n")
		c.Line(summary())
		lines := make([]string, len(msgs))
		for i, m := range msgs {
			lines[i] = fmt.Sprintf("%d. %s", i+1, messageSentence(m, depths[i] > 0, reading.Unread(p.area, m.ID)))
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
		c.Line("Back at the list. " + summary())
		return nil
	}
	if err := load(); err != nil {
		return err
	}
	if err := list(); err != nil {
		return err
	}
	for {
		v, leave, err := c.readChoice(ctx, "Number to read, u next unread, n new message, l list, q back: ")
		if leave || err != nil {
			return err
		}
		switch {
		case v == "l" || v == "":
			err = list()
		case v == "u":
			i := slices.IndexFunc(msgs, func(m store.Message) bool { return reading.Unread(p.area, m.ID) })
			if i < 0 {
				c.Line("No unread messages here.")
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
				c.Line(fmt.Sprintf("There is no message %s here: type a number from 1 to %d.", term.Sanitize(v), len(msgs)))
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
func messageSentence(m store.Message, reply, unread bool) string {
	s := clean(m.Subject)
	if unread {
		s = "New: " + s
	}
	if reply {
		s += ", a reply"
	}
	return fmt.Sprintf("%s, by %s, %s.", s, clean(m.From), m.Created.Local().Format("Jan 2 15:04"))
}

// showMessagePlain shows a message in accessible mode: who wrote it to
// whom, when and about what, its text a screenful at a time, and the
// keys. With msg (what the last key did: "Your reply is posted") it says
// that and the keys only.
func showMessagePlain(ctx context.Context, c *Call, m store.Message, mayDelete bool, msg string) {
	keys := []string{"n", "next", "p", "previous", "r", "reply", "q", "list"}
	if mayDelete {
		keys = []string{"n", "next", "p", "previous", "r", "reply", "d", "delete", "q", "list"}
	}
	if msg != "" {
		c.Lines(msg, c.KeyHelp(keys...))
		return
	}
	head := fmt.Sprintf("Message %d, from %s", m.ID, clean(m.From))
	if m.To != "" {
		head += " to " + clean(m.To)
	} else {
		head += " in " + clean(m.Area)
	}
	head += ", " + m.Created.Local().Format("Mon Jan 2 2006 15:04") + "."
	if m.Parent != 0 {
		head += fmt.Sprintf(" A reply to message %d.", m.Parent)
	}
	c.WriteString("\r\n")
	c.Lines(head, "Subject: "+clean(m.Subject))
	body := strings.Split(strings.TrimRight(term.SanitizeText(m.Body), "\n "), "\n")
	if read, err := c.pageLines(ctx, body); err != nil || !read {
		c.Line("Message not read to its end.")
	} else {
		c.Line("End of the message.")
	}
	c.Line(c.KeyHelp(keys...))
}
