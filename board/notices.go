package board

import (
	"context"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// ShowNotices shows the notices waiting for the caller (pages,
// broadcasts, mail), one at a time, at a safe point of a screen: never
// while the caller types. It reports whether the screen must be redrawn.
// NextKey calls it; a screen that reads keys otherwise calls it when
// ReadKey returns term.KeyNotice.
func (c *Call) ShowNotices(ctx context.Context) (bool, error) {
	shown := false
	// Notices that come while one is shown are shown after it.
	for notices := c.Inbox().TakeNotices(); len(notices) > 0; notices = c.Inbox().TakeNotices() {
		shown = true
		if err := c.showEach(ctx, notices); err != nil {
			return true, err
		}
	}
	return shown, nil
}

func (c *Call) showEach(ctx context.Context, notices []events.Event) error {
	for _, n := range notices {
		var err error
		switch d := n.Data.(type) {
		case events.Page:
			if community.ForNode(d, c.Node()) {
				err = c.answerPage(ctx, d)
			}
		case events.Broadcast:
			_, err = c.Box(ctx, c.T("notices.broadcast_title"), clean(d.Text), false)
		case events.Mail:
			_, err = c.Box(ctx, c.T("notices.mail_title"), c.T("notices.mail_text", "from", clean(d.From), "subject", clean(d.Subject)), false)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// answerPage asks the caller to join the pager's private chat. A pager
// who gave up waiting (the room is empty) is said to have, rather than
// leaving the caller alone in a room; a refusal is told in the room.
func (c *Call) answerPage(ctx context.Context, p events.Page) error {
	pages := c.Board.cfg.Community.Pages
	who := []string{"handle", clean(p.From), "node", strconv.Itoa(p.FromNode)}
	gone := func() error {
		_, err := c.Box(ctx, c.T("notices.page_gone_title", who...), c.T("notices.page_gone_text"), false)
		return err
	}
	if !pages.Waiting(p) {
		return gone()
	}
	ok, err := c.Box(ctx, c.T("notices.page_title", who...), c.T("notices.page_question"), true)
	switch {
	case err != nil:
		return err
	case !pages.Waiting(p):
		return gone()
	case !ok:
		pages.Decline(p, c.User.Handle)
		return nil
	}
	return c.RunChat(ctx, pages.Answer(p, c.User.Handle), c.T("chat.private_title", "handle", clean(p.From)))
}

// Box draws a message box in the middle of the screen, in the call's
// theme (its box characters and colour, its prompts). With ask set it
// asks yes or no; otherwise it waits for any key. A resize draws it
// again on a cleared screen (the caller redraws the screen after it), and
// live updates that come meanwhile are handed back to the screen after.
//
// In accessible mode the box is its title and text as lines, then the
// question (answered with a line) or "Press Enter to go on".
func (c *Call) Box(ctx context.Context, title, text string, ask bool) (bool, error) {
	if c.Accessible() {
		return c.plainBox(ctx, title, text, ask)
	}
	draw := func() {
		sz := c.Size()
		width := max(min(sz.Cols-4, 70), 10)
		lines := append([]string{title, ""}, ui.Wrap(text, width-4)...)
		t := c.Theme
		prompt := t.Strings.PressKey
		if ask {
			prompt = t.Strings.YesNo
		}
		lines = append(lines, "", prompt)
		top := max(1, (sz.Rows-len(lines)-2)/2)
		left := max(1, (sz.Cols-width)/2)
		var out strings.Builder
		b := &t.Box
		out.WriteString(ui.MoveTo(top, left) + b.Style + b.TopLeft + strings.Repeat(b.Horizontal, width-2) + b.TopRight)
		for i, l := range lines {
			out.WriteString(ui.MoveTo(top+1+i, left) + b.Vertical + " " + ui.Pad(l, width-4) + " " + b.Vertical)
		}
		out.WriteString(ui.MoveTo(top+1+len(lines), left) + b.BottomLeft + strings.Repeat(b.Horizontal, width-2) + b.BottomRight + ui.Reset)
		c.WriteString(out.String())
	}
	draw()
	c.WriteString("\a")
	var later []events.Event
	defer func() {
		for _, ev := range later {
			c.Inbox().PostUpdate(ev)
		}
	}()
	for {
		k, err := c.ReadKey(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case k.Code == term.KeyResize:
			c.WriteString(ui.ClearScreen)
			draw()
		case k.Code == term.KeyNotice:
			// Notices wait in their own queue, for after this one.
		case k.Code == term.KeyEvent:
			// Updates (a post, a chat line) are for the screen under the
			// box. Kept up to a bound: the screen needs to know that
			// something happened, not every time it did.
			if len(later) < 64 {
				later = append(later, c.Event())
			}
		case !ask:
			return false, nil
		case k.Code == term.KeyRune && c.Lang().Yes(string(k.Rune)):
			return true, nil
		default:
			return false, nil
		}
	}
}
