package board

import (
	"context"
	"fmt"
	"strconv"

	"github.com/x84bbs/x84/store"
)

// votingPlain is the voting booth's list in accessible mode: each poll
// with its letter, and whether the caller voted.
func votingPlain(ctx context.Context, c *Call, polls []store.Poll, msg string) {
	c.WriteString("\r\n")
	c.Line(c.N("voting.plain_title", len(polls)))
	for i, p := range polls {
		if i >= 26 {
			c.Line(c.N("voting.plain_no_letter", len(polls)-i))
			break
		}
		line := fmt.Sprintf("%c. %s", 'a'+i, clean(p.Question))
		if _, mine, err := c.Board.cfg.Community.Polls.Results(ctx, p.ID, c.User); err == nil && mine >= 0 {
			line += " " + c.T("voting.plain_you_voted")
		}
		c.Line(line)
	}
	if msg != "" {
		c.Line(msg)
	}
	keys := []string{c.T("voting.plain_key_letters"), c.T("voting.key_open"), "q", c.Theme.Strings.Back}
	if c.Sysop() {
		keys = []string{c.T("voting.plain_key_letters"), c.T("voting.key_open"), "+", c.T("voting.key_new"), "q", c.Theme.Strings.Back}
	}
	c.Line(c.KeyHelp(keys...))
}

// pollPlain is a poll in accessible mode: the question, each answer with
// its number, votes and share, the caller's vote, and the keys.
func pollPlain(c *Call, p store.Poll, counts []int, mine int, msg string) {
	if msg != "" {
		c.Line(msg)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	c.WriteString("\r\n")
	c.Lines(clean(p.Question), c.N("voting.plain_asked_by", total, "author", clean(p.Author), "date", c.date(p.Created.Local(), "Jan 2 2006")))
	for i, o := range p.Options {
		pct := 0
		if total > 0 {
			pct = counts[i] * 100 / total
		}
		line := c.N("voting.plain_answer", counts[i], "number", strconv.Itoa((i+1)%10), "answer", clean(o), "percent", strconv.Itoa(pct))
		if i == mine {
			line += " " + c.T("voting.plain_your_vote")
		}
		c.Line(line)
	}
	keys := []string{c.T("voting.plain_key_number"), c.T("voting.key_vote"), "q", c.Theme.Strings.Back}
	if c.Sysop() {
		keys = []string{c.T("voting.plain_key_number"), c.T("voting.key_vote"), "d", c.T("voting.key_delete"), "q", c.Theme.Strings.Back}
	}
	c.Line(c.KeyHelp(keys...))
}
