package board

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/markup"
	"github.com/x84bbs/x84/menus"
	"github.com/x84bbs/x84/ui"
)

// mainMenu runs the main menu until the caller logs off or goes away.
func (b *Board) mainMenu(ctx context.Context, c *Call) error {
	if err := c.validationWait(ctx); err != nil {
		return err
	}
	return b.runMenu(ctx, c, mainMenuName)
}

// drawMenu draws a menu's header (artRows rows of art at most), its title
// or the greeting, and its prompt on the bottom row, and returns the row
// where the entries start.
func (b *Board) drawMenu(c *Call, menu *menus.Menu, artRows int) int {
	if c.Accessible() {
		return b.drawMenuPlain(c, menu)
	}
	row := 1
	if menu.Art != "" {
		row = c.Header(menu.Art, artRows)
	} else {
		c.Clear()
	}
	sz := c.Size()
	title, prompt := c.menuText(menu.Name, "title", menu.Title), c.menuText(menu.Name, "prompt", menu.Prompt)
	opts := c.Markup(title, prompt)
	if menu.Greeting {
		row = b.drawGreeting(c, row)
	} else {
		c.Say(row, c.Theme.Title, markup.Render(title, opts))
		row++
	}
	if prompt != "" {
		// The prompt's own colours, if any, come after the dim default.
		c.WriteString(ui.MoveTo(sz.Rows, 2) + c.Theme.Dim + ui.Truncate(markup.Render(prompt, opts), sz.Cols-2) + ui.Reset)
	}
	return row + 1
}

// drawGreeting writes the welcome and the caller's news at row and
// returns the row after them.
func (b *Board) drawGreeting(c *Call, row int) int {
	value := func(s string) string { return c.Theme.Value + s + c.Theme.Text }
	c.Say(row, "", c.Theme.Text+c.greeting(value))
	if c.newErr == nil && !c.Anonymous() {
		c.Say(row+1, "", c.Theme.Text+c.news(value))
		row++
	}
	return row + 1
}

// greeting is the main menu's welcome: the caller's handle, and for an
// account which call this is and when the last was, each value passed
// through value (its colour).
func (c *Call) greeting(value func(string) string) string {
	greeting := c.T("menu.welcome", "handle", value(clean(c.User.Handle)))
	if c.Anonymous() {
		return greeting
	}
	if c.previousCall.IsZero() {
		return greeting + " " + c.T("menu.first_call")
	}
	return greeting + " " + c.T("menu.call_number", "calls", value(strconv.Itoa(c.User.Calls)),
		"when", c.lastCalled(c.previousCall, time.Now()))
}

// news is the caller's unread messages and letters, the counts passed
// through value (their colour).
func (c *Call) news(value func(string) string) string {
	return c.T("menu.news", "messages", value(c.N("menu.messages", c.newMessages)),
		"letters", value(c.N("menu.letters", c.newLetters)))
}

// lastCalled says when t was, seen at now, in the caller's language
// ("3d ago", "just now", "never").
func (c *Call) lastCalled(t, now time.Time) string { return lastCallIn(c.Lang(), t, now) }

func lastCallIn(p *lang.Printer, t, now time.Time) string {
	switch {
	case t.IsZero():
		return p.T("menu.last_call.never")
	case now.Sub(t) < time.Minute:
		return p.T("menu.last_call.now")
	}
	return p.T("menu.last_call.ago", "ago", agoIn(p, t, now))
}

// Markup returns how sysop text is written for the caller: the values of
// the @-codes that texts use, and the colours the terminal has.
func (c *Call) Markup(texts ...string) markup.Options {
	o := markup.Options{Colors: markup.ColorsFor(c.Info().Term), NoColor: c.Accessible()}
	uses := func(name string) bool {
		return slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(t, "@"+name) })
	}
	if !slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(t, "@") }) {
		return o
	}
	now := time.Now()
	sz := c.Size()
	o.Vars = markup.Vars{
		markup.VarUser:     c.User.Handle,
		markup.VarNode:     strconv.Itoa(c.Node()),
		markup.VarBBS:      c.Board.cfg.Name,
		markup.VarTimeLeft: c.T("menu.time_left"),
		markup.VarDate:     now.Format(markup.DateFormat),
		markup.VarTime:     now.Format(markup.TimeFormat),
		markup.VarCalls:    strconv.Itoa(c.User.Calls),
		markup.VarLocation: c.User.Location,
		markup.VarCols:     strconv.Itoa(sz.Cols),
		markup.VarRows:     strconv.Itoa(sz.Rows),
	}
	// Counting every session is not free: only when asked for.
	if uses(markup.VarOnline) {
		o.Vars[markup.VarOnline] = strconv.Itoa(len(c.Board.cfg.Community.Presence.Online()))
	}
	return o
}
