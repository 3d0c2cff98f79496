package board

import (
	"context"
	"errors"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/ui"
)

// broadcastScreen lets a sysop type a broadcast on the bottom row of the
// screen that redraw draws.
func broadcastScreen(ctx context.Context, c *Call, redraw func()) error {
	if !c.Sysop() {
		return nil
	}
	text, err := c.Ask(ctx, 0, c.T("broadcast.prompt"), &ui.Field{Max: 200}, redraw)
	if errors.Is(err, ui.ErrCancel) {
		return nil
	}
	if err != nil {
		return err
	}
	n, err := c.Board.cfg.Community.Broadcasts.Send(c.User, text)
	switch {
	case errors.Is(err, community.ErrEmpty):
		return nil
	case errors.Is(err, community.ErrTooLong), errors.Is(err, community.ErrNotAllowed):
		c.Say(c.Size().Rows, c.Theme.Error, c.T("broadcast.not_sent"))
		return nil
	case err != nil:
		return err
	}
	c.Say(c.Size().Rows, c.Theme.OK, c.N("broadcast.sent", n))
	return nil
}
