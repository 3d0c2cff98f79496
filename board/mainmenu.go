package board

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

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
	opts := c.Markup(menu.Title, menu.Prompt)
	if menu.Greeting {
		row = b.drawGreeting(c, row)
	} else {
		c.Say(row, c.Theme.Title, markup.Render(menu.Title, opts))
		row++
	}
	if menu.Prompt != "" {
		// The prompt's own colours, if any, come after the dim default.
		c.WriteString(ui.MoveTo(sz.Rows, 2) + c.Theme.Dim + ui.Truncate(markup.Render(menu.Prompt, opts), sz.Cols-2) + ui.Reset)
	}
	return row + 1
}

// drawGreeting writes the welcome and the caller's news at row and
// returns the row after them.
func (b *Board) drawGreeting(c *Call, row int) int {
	greeting := fmt.Sprintf("%sWelcome, %s%s%s.", c.Theme.Text, c.Theme.Value, clean(c.User.Handle), c.Theme.Text)
	if !c.Anonymous() {
		if c.previousCall.IsZero() {
			greeting += " This is your first call."
		} else {
			greeting += fmt.Sprintf(" This is your call number %s%d%s.", c.Theme.Value, c.User.Calls, c.Theme.Text)
			greeting += " You last called " + lastCallText(c.previousCall, time.Now()) + "."
		}
	}
	c.Say(row, "", greeting)
	if c.newErr == nil && !c.Anonymous() {
		c.Say(row+1, "", c.Theme.Text+"New for you: "+c.Theme.Value+count(c.newMessages, "message")+c.Theme.Text+
			" and "+c.Theme.Value+count(c.newLetters, "letter")+c.Theme.Text+".")
		row++
	}
	return row + 1
}

func lastCallText(t, now time.Time) string {
	switch a := ago(t, now); a {
	case "never":
		return a
	case "now":
		return "just now"
	default:
		return a + " ago"
	}
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
		markup.VarTimeLeft: "unlimited",
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
