package script

import (
	"context"

	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/markup"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

// Call is one caller's visit as a script sees it: the session, the
// account, the board's services, and the few things only the board's
// screens do. The program's wiring makes one from the board's call when a
// menu entry runs a script, so that this package, like every front end,
// needs the services and not the screens.
type Call struct {
	*session.Session
	// User is the caller's account; its ID is 0 for an anonymous caller.
	User *store.User
	// Sysop says whether the caller may use the sysop's screens.
	Sysop     bool
	BoardName string
	Store     *store.Store
	Community *community.Services
	Events    events.Bus
	Art       *art.Library
	Style     Style

	// Markup returns how sysop text is rendered for the caller: the
	// values of the @-codes texts use and the terminal's colours.
	Markup func(texts ...string) markup.Options
	// ShowArt shows art full screen until the caller leaves it.
	ShowArt func(ctx context.Context, name string) error
	// ShowNotices shows the notices waiting (pages, broadcasts); redraw
	// says that it drew over the screen.
	ShowNotices func(ctx context.Context) (redraw bool, err error)
	// AnyKey waits for a key, showing notices meanwhile and calling
	// redraw after a resize.
	AnyKey func(ctx context.Context, redraw func()) error
	// Over reports whether err means the call is over (the caller hung
	// up, logged off, or the board is stopping).
	Over func(ctx context.Context, err error) bool
}

// Style is the theme's look for what the engine draws itself.
type Style struct {
	Text, Key, Dim, Error string
	// YesNo follows a yes/no question; PressKey asks for any key.
	YesNo, PressKey string
}

// Anonymous reports whether the caller has no account.
func (c *Call) Anonymous() bool { return c.User.ID == 0 }
