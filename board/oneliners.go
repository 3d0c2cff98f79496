package board

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/markup"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// oneliners shows the wall of one-liners and lets callers add to it;
// lines others post appear at once.
func oneliners(ctx context.Context, c *Call) error {
	c.SetActivityMessage("activity.oneliners")
	if c.Accessible() {
		return onelinersPlain(ctx, c)
	}
	stop := c.Inbox().WatchUpdates(c.Board.cfg.Events, events.TopicOneliner)
	defer stop()
	list := &ui.List{}
	var entries []store.Oneliner
	// status is a refusal ("Not so fast"), shown until Enter or Esc. Keys
	// typed meanwhile are dropped: they are most likely the line the
	// caller meant to post, which must neither leave the wall (q, Enter)
	// nor run the menu's entries after it.
	status := ""
	load := func() error {
		var err error
		entries, err = c.Board.cfg.Community.Oneliners.List(ctx, c.Board.cfg.OnelinerCount)
		return err
	}
	prompt := 0
	draw := func() {
		top := c.Header("oneliners", 4)
		sz := c.Size()
		list.Top, list.Left, list.Width, list.Height = top, 2, sz.Cols-2, max(1, sz.Rows-top-1)
		list.Lines = onelinerLines(c.Lang(), entries, c.Theme, list.Width, time.Now(), c.Board.cfg.CallerColors)
		list.Offset = len(list.Lines) // newest, at the bottom, in view
		list.Draw(c.Session)
		prompt = sz.Rows
		if status != "" {
			c.Say(prompt, c.Theme.Error, status+" "+c.KeyHelp("Enter", c.T("oneliners.key_ok")))
		} else {
			c.Say(prompt, "", c.KeyHelp("a", c.T("oneliners.key_add"), "q", c.Theme.Strings.Back))
		}
	}
	if err := load(); err != nil {
		return err
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		switch {
		case status != "" && k.Code != term.KeyEvent:
			if k.Code == term.KeyEnter || k.Code == term.KeyEscape {
				status = ""
				draw()
			} else {
				list.HandleKey(c.Session, k) // scrolling still scrolls; the rest is dropped
			}
		case k.Code == term.KeyEvent:
			if c.Buffered() == 0 && c.Inbox().Updates() == 0 {
				if err := load(); err != nil {
					return err
				}
				draw()
			}
		case k.Code == term.KeyRune && k.Mod == 0 && (k.Rune == 'a' || k.Rune == 'y'):
			if status, err = addOneliner(ctx, c, prompt, func() int { draw(); return prompt }); err != nil {
				return err
			}
			if err := load(); err != nil {
				return err
			}
			draw()
		case IsQuit(k):
			return nil
		default:
			list.HandleKey(c.Session, k)
		}
	}
}

// onelinerLines formats the wall, oldest first so the newest is at the
// bottom: "handle  text  when".
func onelinerLines(p *lang.Printer, entries []store.Oneliner, t *Theme, width int, now time.Time, colors bool) []string {
	lines := make([]string, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		o := entries[i]
		when := dateIn(p, o.Posted.Local(), "Jan 02")
		if now.Sub(o.Posted) < 24*time.Hour {
			when = o.Posted.Local().Format("15:04")
		}
		head := t.Value + ui.PadLeft(clean(o.Handle), 14) + t.Dim + " " + t.Box.Vertical + " " + t.Text
		// A line too long for the window goes on under itself.
		textW := max(10, width-ui.Width(head)-7)
		text := clean(o.Text)
		var parts []string
		switch {
		case colors && markup.Width(text, nil) <= textW:
			// Coloured by the caller where the sysop allows it; a
			// line that must wrap loses its colours instead.
			parts = []string{markup.RenderCaller(text, markup.Options{}) + t.Text}
		case colors:
			parts = ui.Wrap(markup.Strip(text, nil), textW)
		default:
			parts = ui.Wrap(text, textW)
		}
		lines = append(lines, ui.Truncate(head+ui.Pad(parts[0], textW)+t.Dim+" "+ui.PadLeft(when, 6), width))
		for _, p := range parts[1:] {
			lines = append(lines, ui.Truncate(strings.Repeat(" ", 15)+t.Dim+t.Box.Vertical+" "+t.Text+p, width))
		}
	}
	return lines
}

// addOneliner asks for a line and posts it. It returns a message for the
// caller when the line was not posted for a reason they should know.
func addOneliner(ctx context.Context, c *Call, row int, redraw func() int) (string, error) {
	oneliners := c.Board.cfg.Community.Oneliners
	var wait *community.WaitError
	switch err := oneliners.Wait(ctx, c.User); {
	case errors.Is(err, community.ErrAnonymous):
		return c.T("oneliners.anonymous"), nil
	case errors.As(err, &wait):
		return onelinerWaitText(c, wait.Wait), nil
	case err != nil:
		return "", err
	}
	c.SetActivityMessage("activity.writing_oneliner")
	defer c.SetActivityMessage("activity.oneliners")
	say := c.T("oneliners.say_prompt")
	col := 2 + ui.Width(say)
	label := c.Theme.Label + say + ui.Reset
	if !c.Accessible() {
		c.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + label)
	}
	f := &ui.Field{Row: row, Col: col, Max: oneliners.MaxLength(), Style: c.Theme.Bar, Prompt: say} // narrower in a narrow window
	f.Relayout = func() (int, int) {
		r := redraw()
		c.WriteString(ui.MoveTo(r, 2) + ui.ClearEOL + label)
		return r, col
	}
	text, err := f.Read(ctx, c.Session)
	if errors.Is(err, ui.ErrCancel) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	_, err = oneliners.Post(ctx, c.User, text)
	switch {
	case errors.Is(err, community.ErrEmpty):
		return "", nil
	case errors.As(err, &wait):
		return onelinerWaitText(c, wait.Wait), nil
	}
	return "", err
}

// onelinerWaitText is a community.WaitError in the caller's language:
// how long is left to wait, rounded up as community.WaitText rounds it.
func onelinerWaitText(c *Call, d time.Duration) string {
	switch s := int((d + time.Second - 1) / time.Second); {
	case s <= 90:
		return c.N("oneliners.wait_seconds", s)
	case s <= 90*60:
		return c.N("oneliners.wait_minutes", (s+59)/60)
	default:
		return c.N("oneliners.wait_hours", (s+3599)/3600)
	}
}
