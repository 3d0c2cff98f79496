package board

import (
	"context"
	"errors"
	"strings"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Broadcast shows text to every caller on the board, at the next safe
// point of whatever screen they are on, and returns how many sessions are
// on this node to see it.
func (b *Board) Broadcast(text string) int {
	text = strings.TrimSpace(term.Sanitize(text))
	if text == "" {
		return 0
	}
	b.Events.Publish(events.Event{Topic: events.TopicBroadcast, Data: text})
	n := b.Sessions.Len()
	b.Log.Info("broadcast", "sessions", n, "text", text)
	return n
}

// broadcastScreen lets a sysop type a broadcast on the bottom row of the
// screen that redraw draws.
func broadcastScreen(ctx context.Context, c *Call, redraw func()) error {
	if !c.Sysop() {
		return nil
	}
	text, err := ask(ctx, c, 0, "Broadcast: ", &ui.Field{Max: 200}, redraw)
	if errors.Is(err, ui.ErrCancel) {
		return nil
	}
	if err != nil {
		return err
	}
	n := c.Board.Broadcast(text)
	say(c.Session, c.Size().Rows, styleOK, "Sent to "+count(n, "session")+".")
	return nil
}
