package board

import (
	"context"
	"fmt"

	"github.com/x84bbs/x84/store"
)

// votingPlain is the voting booth's list in accessible mode: each poll
// with its letter, and whether the caller voted.
func votingPlain(ctx context.Context, c *Call, polls []store.Poll, msg string) {
	c.WriteString("\r\n")
	c.Line("The voting booth: " + count(len(polls), "poll") + ".")
	for i, p := range polls {
		if i >= 26 {
			c.Line(fmt.Sprintf("%d more polls have no letter; the sysop can delete old ones.", len(polls)-i))
			break
		}
		line := fmt.Sprintf("%c. %s", 'a'+i, clean(p.Question))
		if _, mine, err := c.Board.cfg.Community.Polls.Results(ctx, p.ID, c.User); err == nil && mine >= 0 {
			line += " (you voted)"
		}
		c.Line(line)
	}
	if msg != "" {
		c.Line(msg)
	}
	keys := []string{"a to z", "open a poll", "q", c.Theme.Strings.Back}
	if c.Sysop() {
		keys = []string{"a to z", "open a poll", "+", "new poll", "q", c.Theme.Strings.Back}
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
	c.Lines(clean(p.Question), "Asked by "+clean(p.Author)+" on "+p.Created.Local().Format("Jan 2 2006")+"; "+count(total, "vote")+".")
	for i, o := range p.Options {
		pct := 0
		if total > 0 {
			pct = counts[i] * 100 / total
		}
		line := fmt.Sprintf("%d. %s: %s, %d%%.", (i+1)%10, clean(o), count(counts[i], "vote"), pct)
		if i == mine {
			line += " Your vote."
		}
		c.Line(line)
	}
	keys := []string{"a number", "vote", "q", c.Theme.Strings.Back}
	if c.Sysop() {
		keys = []string{"a number", "vote", "d", "delete the poll", "q", c.Theme.Strings.Back}
	}
	c.Line(c.KeyHelp(keys...))
}
