package app

import (
	"context"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/script"
)

// ScriptRunner runs the script engine's screens for the board's menu
// entries: the wiring hands each script the board's call as script.Call,
// so that the script package needs the services, not the screens.
func ScriptRunner(e *script.Engine) board.ScriptRunner { return scriptRunner{e} }

type scriptRunner struct{ *script.Engine }

func (s scriptRunner) Run(ctx context.Context, c *board.Call, name string) error {
	return s.Engine.Run(ctx, ScriptCall(c), name)
}

// ScriptCall is the board's call as a script sees it.
func ScriptCall(c *board.Call) *script.Call {
	b := c.Board
	t := c.Theme
	if t == nil {
		t = b.Theme()
	}
	return &script.Call{
		Session:   c.Session,
		User:      c.User,
		Sysop:     c.Sysop(),
		BoardName: b.Name(),
		Store:     b.Store(),
		Community: b.Community(),
		Events:    b.Events(),
		Art:       b.Art(),
		Style: script.Style{Text: t.Text, Key: t.Key, Dim: t.Dim, Error: t.Error,
			YesNo: t.Strings.YesNo, PressKey: t.Strings.PressKey},
		Markup:      c.Markup,
		ShowArt:     c.ShowArt,
		ShowNotices: c.ShowNotices,
		AnyKey:      c.AnyKey,
		Over:        board.SessionOver,
	}
}
