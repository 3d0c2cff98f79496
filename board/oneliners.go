package board

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// oneliners shows the wall of one-liners and lets callers add to it;
// lines others post appear at once.
func oneliners(ctx context.Context, c *Call) error {
	c.SetActivity("reading one-liners")
	stop := c.Watch(c.Board.Events, events.TopicOneliner)
	defer stop()
	list := &ui.List{}
	var entries []store.Oneliner
	status := "" // a refusal, shown until the next key
	load := func() error {
		var err error
		entries, err = c.Board.Store.Oneliners.Oneliners(ctx, c.Board.OnelinerCount)
		return err
	}
	prompt := 0
	draw := func() {
		top := c.Board.header(c.Session, "oneliners", 4)
		sz := c.Size()
		list.Top, list.Left, list.Width, list.Height = top, 2, sz.Cols-2, max(1, sz.Rows-top-1)
		list.Lines = onelinerLines(entries, list.Width, time.Now())
		list.Offset = len(list.Lines) // newest, at the bottom, in view
		list.Draw(c.Session)
		prompt = sz.Rows
		if status != "" {
			say(c.Session, prompt, styleError, status+" "+keyHelp("q", "back"))
		} else {
			say(c.Session, prompt, "", keyHelp("a", "add a one-liner", "q", "back"))
		}
	}
	if err := load(); err != nil {
		return err
	}
	draw()
	for {
		k, err := c.Board.nextKey(ctx, c, draw)
		if err != nil {
			return err
		}
		if k.Code != term.KeyEvent {
			status = ""
		}
		switch {
		case k.Code == term.KeyEvent:
			if c.Buffered() == 0 && c.PendingEvents() == 0 {
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
		case isQuit(k):
			return nil
		default:
			list.HandleKey(c.Session, k)
		}
	}
}

// onelinerLines formats the wall, oldest first so the newest is at the
// bottom: "handle  text  when".
func onelinerLines(entries []store.Oneliner, width int, now time.Time) []string {
	lines := make([]string, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		o := entries[i]
		when := o.Posted.Local().Format("Jan 02")
		if now.Sub(o.Posted) < 24*time.Hour {
			when = o.Posted.Local().Format("15:04")
		}
		head := styleValue + ui.PadLeft(clean(o.Handle), 14) + styleDim + " │ " + styleText
		// A line too long for the window goes on under itself.
		textW := max(10, width-ui.Width(head)-7)
		parts := ui.Wrap(clean(o.Text), textW)
		lines = append(lines, ui.Truncate(head+ui.Pad(parts[0], textW)+styleDim+" "+ui.PadLeft(when, 6), width))
		for _, p := range parts[1:] {
			lines = append(lines, ui.Truncate(strings.Repeat(" ", 15)+styleDim+"│ "+styleText+p, width))
		}
	}
	return lines
}

// Reasons PostOneliner refuses a line.
var (
	ErrOnelinerEmpty   = errors.New("board: the one-liner is empty")
	ErrOnelinerTooLong = errors.New("board: the one-liner is too long")
	ErrAnonymous       = errors.New("board: log in with an account to post")
)

// WaitError means the caller posted too recently; Wait says how long is
// left.
type WaitError struct{ Wait time.Duration }

func (e *WaitError) Error() string {
	return "Not so fast: you may post again in " + waitText(e.Wait) + "."
}

// waitText says how long is left to wait, rounded up: "1 second",
// "40 seconds", "2 minutes", "1 hour".
func waitText(d time.Duration) string {
	switch s := int((d + time.Second - 1) / time.Second); {
	case s <= 90:
		return count(s, "second")
	case s <= 90*60:
		return count((s+59)/60, "minute")
	default:
		return count((s+3599)/3600, "hour")
	}
}

// PostOneliner checks a one-liner against the board's rules (an account,
// the length, one per interval), strips terminal control sequences, stores
// it and tells the live screens. The board's screen and the web API both
// post through it.
func (b *Board) PostOneliner(ctx context.Context, u *store.User, text string) (*store.Oneliner, error) {
	if u == nil || u.ID == 0 {
		return nil, ErrAnonymous
	}
	text = strings.TrimSpace(term.Sanitize(text))
	switch {
	case text == "":
		return nil, ErrOnelinerEmpty
	case utf8.RuneCountInString(text) > b.OnelinerLength:
		return nil, ErrOnelinerTooLong
	}
	if err := b.onelinerWait(ctx, u); err != nil {
		return nil, err
	}
	// The store keeps milliseconds: say what it keeps.
	o := &store.Oneliner{Handle: u.Handle, Text: text, Posted: time.Now().Truncate(time.Millisecond)}
	// The store checks the interval again as it writes: two posts at
	// once (two sessions, or a burst of API calls) both pass the check
	// above, and only one may land.
	var soon *store.TooSoonError
	if err := b.Store.Oneliners.AddOneliner(ctx, o, max(b.OnelinerInterval, 0)); errors.As(err, &soon) {
		return nil, &WaitError{Wait: b.OnelinerInterval - o.Posted.Sub(soon.Last)}
	} else if err != nil {
		return nil, err
	}
	b.Events.Publish(events.Event{Topic: events.TopicOneliner, Data: o.ID})
	return o, nil
}

// onelinerWait returns a *WaitError while the user must wait to post.
func (b *Board) onelinerWait(ctx context.Context, u *store.User) error {
	if b.OnelinerInterval <= 0 {
		return nil
	}
	last, err := b.Store.Oneliners.LastOnelinerBy(ctx, u.Handle)
	if err != nil {
		return err
	}
	if wait := b.OnelinerInterval - time.Since(last); wait > 0 {
		return &WaitError{Wait: wait}
	}
	return nil
}

// addOneliner asks for a line and posts it. It returns a message for the
// caller when the line was not posted for a reason they should know.
func addOneliner(ctx context.Context, c *Call, row int, redraw func() int) (string, error) {
	b := c.Board
	if c.Anonymous() {
		return "Log in with an account to post one-liners.", nil
	}
	var wait *WaitError
	if err := b.onelinerWait(ctx, c.User); errors.As(err, &wait) {
		return wait.Error(), nil
	} else if err != nil {
		return "", err
	}
	c.SetActivity("writing a one-liner")
	defer c.SetActivity("reading one-liners")
	label := styleLabel + "Say: " + ui.Reset
	c.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + label)
	f := &ui.Field{Row: row, Col: 7, Max: b.OnelinerLength} // narrower in a narrow window
	f.Relayout = func() (int, int) {
		r := redraw()
		c.WriteString(ui.MoveTo(r, 2) + ui.ClearEOL + label)
		return r, 7
	}
	text, err := f.Read(ctx, c.Session)
	if errors.Is(err, ui.ErrCancel) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	_, err = b.PostOneliner(ctx, c.User, text)
	switch {
	case errors.Is(err, ErrOnelinerEmpty):
		return "", nil
	case errors.As(err, &wait):
		return wait.Error(), nil
	}
	return "", err
}
