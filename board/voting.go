package board

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// voting lists the polls; callers open one to vote, sysops add and remove
// them.
func voting(ctx context.Context, c *Call) error {
	b := c.Board
	msg, msgStyle := "", ""
	for {
		c.SetActivityMessage("activity.voting")
		polls, err := b.cfg.Community.Polls.List(ctx)
		if err != nil {
			return err
		}
		draw := func() {
			if c.Accessible() {
				votingPlain(ctx, c, polls, msg)
				return
			}
			sz := c.Size()
			c.WriteString(ui.ClearScreen)
			c.Say(1, c.Theme.Title, c.T("voting.title"))
			for i, p := range polls {
				if 3+i >= sz.Rows-1 {
					break
				}
				mark := " "
				if _, mine, err := b.cfg.Community.Polls.Results(ctx, p.ID, c.User); err == nil && mine >= 0 {
					mark = c.Theme.OK + "✓"
				}
				key := string(rune('a' + i))
				if i >= 26 {
					key = " "
				}
				c.WriteString(ui.MoveTo(3+i, 2) + c.Theme.Text + "[" + c.Theme.Key + key + c.Theme.Text + "] " + mark + " " +
					c.Theme.Value + ui.Truncate(clean(p.Question), sz.Cols-10) + ui.Reset)
			}
			if len(polls) == 0 {
				c.Say(3, c.Theme.Dim, c.T("voting.none"))
			}
			keys := []string{"a-z", c.T("voting.key_open"), "q", c.Theme.Strings.Back}
			if c.Sysop() {
				keys = []string{"a-z", c.T("voting.key_open"), "+", c.T("voting.key_new"), "q", c.Theme.Strings.Back}
			}
			c.Say(sz.Rows, "", c.KeyHelp(keys...))
			if msg != "" {
				c.Say(sz.Rows-1, msgStyle, msg)
			}
		}
		draw()
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		msg = ""
		switch {
		case IsQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Rune == '+' && c.Sysop():
			if msg, err = newPoll(ctx, c); err != nil {
				return err
			}
			msgStyle = c.Theme.Error
		case k.Code == term.KeyRune && k.Rune >= 'a' && int(k.Rune-'a') < len(polls) && k.Mod == 0:
			if err := showPoll(ctx, c, polls[k.Rune-'a']); err != nil {
				return err
			}
		}
	}
}

// showPoll shows a poll's results as bars scaled to the window and takes
// the caller's vote (a number; voting again changes it).
func showPoll(ctx context.Context, c *Call, p store.Poll) error {
	b := c.Board
	msg, msgStyle := "", ""
	defer c.Inbox().WatchUpdates(b.cfg.Events, events.TopicVote)()
	for {
		counts, mine, err := b.cfg.Community.Polls.Results(ctx, p.ID, c.User)
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		draw := func() {
			if c.Accessible() {
				pollPlain(c, p, counts, mine, msg)
				return
			}
			sz := c.Size()
			c.WriteString(ui.ClearScreen)
			c.Say(1, c.Theme.Title, clean(p.Question))
			c.Say(2, c.Theme.Dim, c.T("voting.asked_by", "author", clean(p.Author), "date", c.date(p.Created.Local(), "Jan 02 2006")))
			total := 0
			for _, n := range counts {
				total += n
			}
			labelW := 0
			for _, o := range p.Options {
				labelW = max(labelW, ui.Width(clean(o)))
			}
			labelW = min(labelW, sz.Cols/3)
			barW := max(sz.Cols-labelW-22, 1)
			for i, o := range p.Options {
				n := counts[i]
				pct := 0
				if total > 0 {
					pct = n * 100 / total
				}
				bar := 0
				if total > 0 {
					bar = n * barW / total
				}
				mark := "  "
				if i == mine {
					mark = c.Theme.OK + "✓ "
				}
				row := c.Theme.Key + fmt.Sprintf("%d", (i+1)%10) + " " + mark + c.Theme.Text +
					ui.Pad(clean(o), labelW) + " " + c.Theme.Label + strings.Repeat("█", bar) + strings.Repeat("░", barW-bar) +
					c.Theme.Value + fmt.Sprintf(" %3d%% %4d", pct, n)
				// A very narrow window loses the end of the row, never wraps it.
				c.WriteString(ui.MoveTo(4+i, 2) + ui.Truncate(row, sz.Cols-2) + ui.Reset)
			}
			c.Say(5+len(p.Options), c.Theme.Text, c.N("voting.votes", total))
			keys := []string{"1-9,0", c.T("voting.key_vote"), "q", c.Theme.Strings.Back}
			if c.Sysop() {
				keys = []string{"1-9,0", c.T("voting.key_vote"), "d", c.T("voting.key_delete"), "q", c.Theme.Strings.Back}
			}
			c.Say(sz.Rows, "", c.KeyHelp(keys...))
			if msg != "" {
				c.Say(sz.Rows-1, msgStyle, msg)
			}
		}
		draw()
		k, err := c.NextKey(ctx, draw)
		for err == nil && k.Code == term.KeyEvent {
			if ev, ok := c.Event().Data.(events.VoteChanged); ok && ev.Poll == p.ID && ev.Node != c.Node() {
				break // someone else voted: the results are read again
			}
			k, err = c.NextKey(ctx, draw)
		}
		if err != nil {
			return err
		}
		if k.Code == term.KeyEvent {
			continue
		}
		msg = ""
		switch {
		case IsQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Rune >= '0' && k.Rune <= '9':
			choice := int(k.Rune-'0') - 1
			if k.Rune == '0' {
				choice = 9
			}
			switch err := b.cfg.Community.Polls.Vote(ctx, c.User, c.Node(), p.ID, choice); {
			case errors.Is(err, community.ErrNotAllowed):
			case errors.Is(err, community.ErrAnonymous):
				msg, msgStyle = c.T("voting.anonymous"), c.Theme.Error
			case errors.Is(err, store.ErrNotFound):
				return nil // deleted meanwhile: back to the list
			case err != nil:
				return err
			default:
				msg, msgStyle = c.T("voting.counted"), c.Theme.OK
			}
		case k.Code == term.KeyRune && k.Rune == 'd' && c.Sysop():
			sure, err := c.Confirm(ctx, c.Size().Rows, c.T("voting.confirm_delete"))
			if err != nil {
				return err
			}
			if sure {
				return b.cfg.Community.Polls.Delete(ctx, c.User, c.Node(), p.ID)
			}
		}
	}
}

// newPoll lets a sysop ask a question with 2 to 10 answers.
func newPoll(ctx context.Context, c *Call) (string, error) {
	c.Clear()
	c.Say(1, c.Theme.Title, c.T("voting.new_title"))
	// The fields' column, after the longest label (the last answer's).
	labelW := max(10, ui.Width(c.T("voting.question")), ui.Width(c.T("voting.answer", "n", strconv.Itoa(store.MaxPollOptions))))
	ask := func(row int, label string, max int) (string, error) {
		if !c.Accessible() {
			c.WriteString(ui.MoveTo(row, 2) + c.Theme.Label + ui.Pad(label, labelW) + ui.Reset)
		}
		f := &ui.Field{Row: row, Col: labelW + 3, Max: max, Width: min(max, c.Size().Cols-labelW-4), Style: c.Theme.Bar, Prompt: label + " "}
		v, err := f.Read(ctx, c.Session)
		return strings.TrimSpace(v), err
	}
	q, err := ask(3, c.T("voting.question"), community.QuestionMax)
	if err != nil || q == "" {
		return "", ignoreCancel(err)
	}
	var answers []string
	for len(answers) < store.MaxPollOptions {
		a, err := ask(5+len(answers), c.T("voting.answer", "n", strconv.Itoa(len(answers)+1)), community.AnswerMax)
		if err != nil {
			return "", ignoreCancel(err)
		}
		if a == "" {
			break
		}
		answers = append(answers, a)
	}
	switch _, err := c.Board.cfg.Community.Polls.Create(ctx, c.User, q, answers); {
	case errors.Is(err, community.ErrTooFewAnswers):
		return c.T("voting.too_few_answers"), nil
	case errors.Is(err, community.ErrEmpty), errors.Is(err, community.ErrTooLong), errors.Is(err, community.ErrNotAllowed):
		return c.T("voting.not_created"), nil
	case err != nil:
		return "", err
	}
	return "", nil
}
