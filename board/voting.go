package board

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// TopicVote: a vote was cast or a poll deleted (Data: a VoteEvent), so
// that open results follow.
const TopicVote = "vote"

// VoteEvent says which poll changed, and on which node, whose own screen
// is already up to date.
type VoteEvent struct {
	Poll int64
	Node int
}

// voting lists the polls; callers open one to vote, sysops add and remove
// them.
func voting(ctx context.Context, c *Call) error {
	b := c.Board
	msg, msgStyle := "", ""
	for {
		c.SetActivity("voting booth")
		polls, err := b.Store.Polls.Polls(ctx)
		if err != nil {
			return err
		}
		draw := func() {
			sz := c.Size()
			c.WriteString(ui.ClearScreen)
			say(c.Session, 1, styleTitle, "The voting booth")
			for i, p := range polls {
				if 3+i >= sz.Rows-1 {
					break
				}
				mark := " "
				if _, mine, err := b.Store.Polls.Results(ctx, p.ID, c.User.Handle); err == nil && mine >= 0 {
					mark = styleOK + "✓"
				}
				key := string(rune('a' + i))
				if i >= 26 {
					key = " "
				}
				c.WriteString(ui.MoveTo(3+i, 2) + styleText + "[" + styleKey + key + styleText + "] " + mark + " " +
					styleValue + ui.Truncate(clean(p.Question), sz.Cols-10) + ui.Reset)
			}
			if len(polls) == 0 {
				say(c.Session, 3, styleDim, "No polls yet.")
			}
			keys := []string{"a-z", "open a poll", "q", "back"}
			if c.Sysop() {
				keys = []string{"a-z", "open a poll", "+", "new poll", "q", "back"}
			}
			say(c.Session, sz.Rows, "", keyHelp(keys...))
			if msg != "" {
				say(c.Session, sz.Rows-1, msgStyle, msg)
			}
		}
		draw()
		k, err := b.nextKey(ctx, c, draw)
		if err != nil {
			return err
		}
		msg = ""
		switch {
		case isQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Rune == '+' && c.Sysop():
			if msg, err = newPoll(ctx, c); err != nil {
				return err
			}
			msgStyle = styleError
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
	defer c.Watch(b.Events, TopicVote)()
	for {
		counts, mine, err := b.Store.Polls.Results(ctx, p.ID, c.User.Handle)
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		draw := func() {
			sz := c.Size()
			c.WriteString(ui.ClearScreen)
			say(c.Session, 1, styleTitle, clean(p.Question))
			say(c.Session, 2, styleDim, "asked by "+clean(p.Author)+" on "+p.Created.Local().Format("Jan 02 2006"))
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
					mark = styleOK + "✓ "
				}
				row := styleKey + fmt.Sprintf("%d", (i+1)%10) + " " + mark + styleText +
					ui.Pad(clean(o), labelW) + " " + "\x1b[0;36m" + strings.Repeat("█", bar) + strings.Repeat("░", barW-bar) +
					styleValue + fmt.Sprintf(" %3d%% %4d", pct, n)
				// A very narrow window loses the end of the row, never wraps it.
				c.WriteString(ui.MoveTo(4+i, 2) + ui.Truncate(row, sz.Cols-2) + ui.Reset)
			}
			say(c.Session, 5+len(p.Options), styleText, count(total, "vote"))
			keys := []string{"1-9,0", "vote", "q", "back"}
			if c.Sysop() {
				keys = []string{"1-9,0", "vote", "d", "delete the poll", "q", "back"}
			}
			say(c.Session, sz.Rows, "", keyHelp(keys...))
			if msg != "" {
				say(c.Session, sz.Rows-1, msgStyle, msg)
			}
		}
		draw()
		k, err := b.nextKey(ctx, c, draw)
		for err == nil && k.Code == term.KeyEvent {
			if ev, ok := c.Event().Data.(VoteEvent); ok && ev.Poll == p.ID && ev.Node != c.Node() {
				break // someone else voted: the results are read again
			}
			k, err = b.nextKey(ctx, c, draw)
		}
		if err != nil {
			return err
		}
		if k.Code == term.KeyEvent {
			continue
		}
		msg = ""
		switch {
		case isQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Rune >= '0' && k.Rune <= '9':
			choice := int(k.Rune-'0') - 1
			if k.Rune == '0' {
				choice = 9
			}
			switch {
			case choice >= len(p.Options):
			case c.Anonymous():
				msg, msgStyle = "Log in with an account to vote.", styleError
			default:
				err := b.Store.Polls.Vote(ctx, p.ID, c.User.Handle, choice)
				if errors.Is(err, store.ErrNotFound) {
					return nil // deleted meanwhile: back to the list
				}
				if err != nil {
					return err
				}
				msg, msgStyle = "Your vote is counted.", styleOK
				b.Events.Publish(events.Event{Topic: TopicVote, Data: VoteEvent{Poll: p.ID, Node: c.Node()}})
			}
		case k.Code == term.KeyRune && k.Rune == 'd' && c.Sysop():
			sure, err := confirm(ctx, c.Session, c.Size().Rows, "Delete this poll and its votes?")
			if err != nil {
				return err
			}
			if sure {
				if err := b.Store.Polls.DeletePoll(ctx, p.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				b.Events.Publish(events.Event{Topic: TopicVote, Data: VoteEvent{Poll: p.ID, Node: c.Node()}})
				return nil
			}
		}
	}
}

// newPoll lets a sysop ask a question with 2 to 10 answers.
func newPoll(ctx context.Context, c *Call) (string, error) {
	c.WriteString(ui.ClearScreen)
	say(c.Session, 1, styleTitle, "New poll: the question, then the answers (an empty answer ends the list).")
	ask := func(row int, label string, max int) (string, error) {
		c.WriteString(ui.MoveTo(row, 2) + styleLabel + ui.Pad(label, 10) + ui.Reset)
		f := &ui.Field{Row: row, Col: 13, Max: max, Width: min(max, c.Size().Cols-14)}
		v, err := f.Read(ctx, c.Session)
		return strings.TrimSpace(term.Sanitize(v)), err
	}
	q, err := ask(3, "Question:", 100)
	if err != nil || q == "" {
		return "", ignoreCancel(err)
	}
	var options []string
	for len(options) < store.MaxPollOptions {
		o, err := ask(5+len(options), fmt.Sprintf("Answer %d:", len(options)+1), 48)
		if err != nil {
			return "", ignoreCancel(err)
		}
		if o == "" {
			break
		}
		options = append(options, o)
	}
	if len(options) < 2 {
		return "A poll needs at least two answers.", nil
	}
	p := &store.Poll{Question: q, Options: options, Author: c.User.Handle, Created: time.Now()}
	if err := c.Board.Store.Polls.CreatePoll(ctx, p); err != nil {
		return "", err
	}
	c.Board.Log.Info("poll created", "id", p.ID, "by", c.User.Handle)
	return "", nil
}
