package board

import (
	"context"

	"github.com/x84bbs/x84/ui"
)

// logoff asks the caller to confirm, shows the goodbye art and ends the
// call.
func logoff(ctx context.Context, c *Call) error {
	sz := c.Size()
	ok, err := Confirm(ctx, c.Session, sz.Rows, "Log off now?")
	if err != nil || !ok {
		return err
	}
	c.SetActivity("logging off")
	row := c.Header("goodbye", 12)
	c.Say(row, StyleText, "Thanks for calling "+clean(c.Board.cfg.Name)+", "+clean(c.User.Handle)+". Call again soon!")
	c.WriteString(ui.MoveTo(min(row+2, sz.Rows), 1) + ui.Reset + "\r\n")
	return ErrLogoff
}
