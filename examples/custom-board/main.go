// Command custom-board is a BBS of its own built on x84: the default
// board plus one screen, a fortune cookie, on the main menu.
//
//	go run ./examples/custom-board --data /tmp/mybbs
//
// Screens use only x84's public packages (board, session, term, ui).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/ui"
)

var fortunes = []string{
	"A clean desk is a sign of an empty modem buffer.",
	"You will receive a message from a distant node.",
	"The sysop is watching. The sysop is always watching.",
}

// fortune is a screen: it draws, waits for a key, and returns to the menu.
func fortune(ctx context.Context, c *board.Call) error {
	c.SetActivity("reading a fortune")
	f := fortunes[c.User.Calls%len(fortunes)]
	c.WriteString(ui.ClearScreen + ui.MoveTo(3, 3) + "\x1b[1;33mYour fortune, " + c.User.Handle + ":" + ui.Reset)
	c.WriteString(ui.MoveTo(5, 5) + f + ui.MoveTo(7, 3) + "Press any key.")
	_, err := c.ReadKey(ctx)
	return err
}

func main() {
	data := flag.String("data", "", "data directory (default $X84_DATA, else ~/.x84)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := x84.Run(ctx, x84.Options{
		DataDir: *data,
		Extend: func(b *board.Board) {
			b.Menu.Add(board.Entry{Key: 'f', Label: "Fortune cookie", Run: fortune})
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
