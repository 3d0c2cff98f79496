package board

import (
	"context"

	"github.com/x84bbs/x84/ui"
)

// logoff asks the caller to confirm, shows the goodbye art and ends the
// call.
func logoff(ctx context.Context, c *Call) error {
	sz := c.Size()
	ok, err := c.Confirm(ctx, sz.Rows, c.Theme.Strings.LogoffAsk)
	if err != nil || !ok {
		return err
	}
	c.SetActivityMessage("activity.logging_off")
	row := c.Header("goodbye", 12)
	c.Say(row, c.Theme.Text, fill(c.Theme.Strings.LogoffThanks, "board", clean(c.Board.cfg.Name), "handle", clean(c.User.Handle)))
	if !c.Accessible() {
		c.WriteString(ui.MoveTo(min(row+2, sz.Rows), 1) + ui.Reset)
	}
	c.WriteString("\r\n")
	return ErrLogoff
}
