package board

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Notice is a notice's Data for anything but pages and broadcasts: a
// title and a text shown in a box.
type Notice struct {
	Title, Text string
}

// showNotices shows the notices waiting for the caller (pages and
// broadcasts), one at a time, at a safe point of a screen: never while
// the caller types. It reports whether the screen must be redrawn.
func (b *Board) showNotices(ctx context.Context, c *Call) (bool, error) {
	shown := false
	// Notices that come while one is shown are shown after it.
	for notices := c.TakeNotices(); len(notices) > 0; notices = c.TakeNotices() {
		shown = true
		if err := b.showEach(ctx, c, notices); err != nil {
			return true, err
		}
	}
	return shown, nil
}

func (b *Board) showEach(ctx context.Context, c *Call, notices []events.Event) error {
	for _, n := range notices {
		switch d := n.Data.(type) {
		case events.Page:
			if !pagedHere(c, d) {
				continue
			}
			if err := b.answerPage(ctx, c, d); err != nil {
				return err
			}
		case string:
			if _, err := b.box(ctx, c, "Broadcast from the sysop:", clean(d), false); err != nil {
				return err
			}
		case Notice:
			if _, err := b.box(ctx, c, clean(d.Title), clean(d.Text), false); err != nil {
				return err
			}
		}
	}
	return nil
}

// pagedHere reports whether a page is for this session of its user.
func pagedHere(c *Call, p events.Page) bool { return p.ToNode == 0 || p.ToNode == c.Node() }

// answerPage asks the caller to join the pager's private chat. A pager
// who gave up waiting (the room is empty) is said to have, rather than
// leaving the caller alone in a room; a refusal is told in the room.
func (b *Board) answerPage(ctx context.Context, c *Call, p events.Page) error {
	who := fmt.Sprintf("%s (node %d)", clean(p.From), p.FromNode)
	gone := func() error {
		_, err := b.box(ctx, c, who+" paged you,", "but has stopped waiting.", false)
		return err
	}
	if len(b.chatMembers(p.Room)) == 0 {
		return gone()
	}
	ok, err := b.box(ctx, c, who+" is paging you.", "Join a private chat?", true)
	switch {
	case err != nil:
		return err
	case len(b.chatMembers(p.Room)) == 0:
		return gone()
	case !ok:
		b.chatPost(ChatLine{Room: p.Room, Handle: "*", Kind: "system", At: time.Now(),
			Text: c.User.Handle + " cannot chat now."})
		return nil
	}
	return b.RunChat(ctx, c, p.Room, "a private chat with "+clean(p.From))
}

// box draws a message box in the middle of the screen. With ask set it
// asks yes or no; otherwise it waits for any key. A resize draws it
// again on a cleared screen (the caller redraws the screen after it), and
// live events that come meanwhile are handed back to the screen after.
func (b *Board) box(ctx context.Context, c *Call, title, text string, ask bool) (bool, error) {
	draw := func() {
		sz := c.Size()
		width := max(min(sz.Cols-4, 70), 10)
		lines := append([]string{title, ""}, ui.Wrap(text, width-4)...)
		prompt := "Press a key."
		if ask {
			prompt = "[y/N]"
		}
		lines = append(lines, "", prompt)
		top := max(1, (sz.Rows-len(lines)-2)/2)
		left := max(1, (sz.Cols-width)/2)
		var out strings.Builder
		out.WriteString(ui.MoveTo(top, left) + "\x1b[0;1;37;44m" + "┌" + strings.Repeat("─", width-2) + "┐")
		for i, l := range lines {
			out.WriteString(ui.MoveTo(top+1+i, left) + "│ " + ui.Pad(l, width-4) + " │")
		}
		out.WriteString(ui.MoveTo(top+1+len(lines), left) + "└" + strings.Repeat("─", width-2) + "┘" + ui.Reset)
		c.WriteString(out.String())
	}
	draw()
	c.WriteString("\a")
	var later []events.Event
	defer func() {
		for _, ev := range later {
			c.Post(ev)
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
		case k.Code == term.KeyEvent:
			// Notices wait in their own queue; other events (a post, a
			// chat line) are for the screen under the box.
			// Kept up to a bound: the screen needs to know that something
			// happened, not every time it did.
			if ev := c.Event(); ev.Topic != events.TopicNotice && len(later) < 64 {
				later = append(later, ev)
			}
		case !ask:
			return false, nil
		case k.Code == term.KeyRune && (k.Rune == 'y' || k.Rune == 'Y'):
			return true, nil
		default:
			return false, nil
		}
	}
}
