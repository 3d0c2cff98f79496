// Command custom-board is a BBS of its own built on x84: the default
// board plus two screens of its own on the main menu: a fortune cookie,
// and a graffiti wall that reads and writes the board's one-liners
// through the community service (the same rules as the board's own
// one-liners screen and the web API: length, one a minute, control
// sequences stripped).
//
//	go run ./examples/custom-board --data /tmp/mybbs
//
// The screens use only x84's public packages: the board's toolkit (Call,
// Clear, NextKey, Say, Ask, KeyHelp, the colours of the call's Theme),
// ui's widgets and the services. Built from these alone, they are plain
// lines for callers on the accessible screens too.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

var fortunes = []string{
	"A clean desk is a sign of an empty modem buffer.",
	"You will receive a message from a distant node.",
	"The sysop is watching. The sysop is always watching.",
}

// fortune is a screen: it draws, waits for a key, and returns to the
// menu. NextKey is the screen's safe point: a page or a broadcast that
// comes meanwhile is shown, and the screen drawn again after it.
func fortune(ctx context.Context, c *board.Call) error {
	c.SetActivity("reading a fortune") // shown in who's online
	draw := func() {
		c.Clear()
		c.Say(3, c.Theme.Title, "Your fortune, "+c.User.Handle+":")
		c.Say(5, c.Theme.Value, fortunes[c.User.Calls%len(fortunes)])
		c.Say(7, "", c.KeyHelp("any key", "back"))
	}
	draw()
	return c.AnyKey(ctx, draw)
}

// wallSize is how many one-liners the graffiti wall shows.
const wallSize = 5

// graffiti shows the newest one-liners, follows new ones as they are
// posted anywhere, and lets the caller add one.
func graffiti(ctx context.Context, c *board.Call) error {
	c.SetActivity("at the graffiti wall")
	oneliners := c.Board.Community().Oneliners
	// One-liners posted anywhere (a screen, the web API) arrive as
	// updates: KeyEvent keys from NextKey.
	defer c.Inbox().WatchUpdates(c.Board.Events(), events.TopicOneliner)()
	status, style := "", ""
	draw := func() {
		c.Clear()
		c.Say(1, c.Theme.Title, "The graffiti wall")
		list, err := oneliners.List(ctx, wallSize)
		if err != nil {
			c.Say(3, c.Theme.Error, "The wall cannot be read now.")
		}
		for i, o := range list {
			// Stored text is sanitised already; handles come from the
			// account rules.
			c.Say(3+i, c.Theme.Text, fmt.Sprintf("%-16s %s", o.Handle, o.Text))
		}
		c.Say(4+wallSize, "", c.KeyHelp("a", "add", "q", "back"))
		if status != "" {
			c.Say(5+wallSize, style, status)
		}
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		switch {
		case k.Code == term.KeyEvent:
			draw()
		case k.Code == term.KeyRune && k.Rune == 'a':
			status, style = add(ctx, c, draw)
			draw()
		case board.IsQuit(k):
			return nil
		}
	}
}

// add asks for a line and posts it through the service, and returns what
// to tell the caller.
func add(ctx context.Context, c *board.Call, redraw func()) (string, string) {
	oneliners := c.Board.Community().Oneliners
	text, err := c.Ask(ctx, 6+wallSize, "Spray: ", &ui.Field{Max: oneliners.MaxLength()}, redraw)
	if err != nil {
		return "", "" // Esc, or the call ended (the next key says so)
	}
	_, err = oneliners.Post(ctx, c.User, text)
	var wait *community.WaitError
	switch {
	case err == nil:
		return "Sprayed.", c.Theme.OK
	case errors.As(err, &wait):
		return wait.Error(), c.Theme.Error
	case errors.Is(err, community.ErrAnonymous):
		return "Log in with an account to spray.", c.Theme.Error
	case errors.Is(err, community.ErrEmpty):
		return "", ""
	}
	return "That did not stick: " + err.Error(), c.Theme.Error
}

func main() {
	data := flag.String("data", "", "data directory (default $X84_DATA, else ~/.x84)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := x84.Run(ctx, x84.Options{
		DataDir: *data,
		Extend: func(b *board.Board) {
			for _, e := range []board.Entry{
				{Key: 'j', Label: "Fortune cookie", Run: fortune},
				{Key: 'y', Label: "Graffiti wall", Run: graffiti},
			} {
				if err := b.Menu.Add(e); err != nil {
					panic(err) // our own keys clash: a bug here
				}
			}
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
