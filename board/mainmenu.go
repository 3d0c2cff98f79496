package board

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/ui"
)

// mainMenu shows the menu and runs the screens picked until the caller
// logs off or goes away.
func (b *Board) mainMenu(ctx context.Context, c *Call) error {
	m := &ui.Menu{}
	selected := 0
	for {
		c.SetActivity("main menu")
		// The account may have changed since the last visit: the sysop
		// edits it, or locks it.
		if err := c.refreshUser(ctx); err != nil {
			return err
		}
		c.newMessages, c.newLetters, c.newErr = c.reading.NewCounts(ctx)
		// Shared with every caller at the menu: one copy, not thousands.
		view := b.Menu.view(c.Sysop())
		entries := view.entries
		m.Items = view.items
		m.Selected = selected
		// On a short window the art gives way, so that the menu never
		// runs into the status line.
		layout := func() (int, int, int) {
			sz := c.Size()
			m.Width = sz.Cols - 4
			top := 0
			for _, art := range []int{mainArtRows, 0} {
				top = b.drawMain(c, art)
				m.Rows = max(1, sz.Rows-top-1)
				if m.Height() <= m.Rows {
					break
				}
			}
			return top, 3, m.Width
		}
		m.Relayout = layout
		i, err := c.runMenu(ctx, m)
		if errors.Is(err, ui.ErrCancel) {
			continue // Esc or q: the menu stays; log off with its entry
		}
		if err != nil {
			return err
		}
		selected = i
		e := entries[i]
		if err := e.Run(ctx, c); err != nil {
			// A connection to the database that broke is not the caller's.
			if sessionOver(ctx, err) && !store.Unavailable(err) {
				return err
			}
			b.log.Error("screen failed", "screen", e.Label, "user", c.User.Handle, "err", err)
			why := "Sorry, that screen failed. Press a key."
			if store.Unavailable(err) {
				why = "The board's database cannot be reached just now; try again in a moment. Press a key."
			}
			failed := func() { c.Say(c.Size().Rows, StyleError, why) }
			failed()
			if err := c.AnyKey(ctx, failed); err != nil {
				return err
			}
		}
	}
}

// mainArtRows is the most rows of art above the main menu.
const mainArtRows = 6

// drawMain draws the menu's header (artRows rows of art at most) and
// greeting, and returns the row where the entries start.
func (b *Board) drawMain(c *Call, artRows int) int {
	row := c.Header("main", artRows)
	sz := c.Size()
	greeting := fmt.Sprintf("%sWelcome, %s%s%s.", StyleText, StyleValue, clean(c.User.Handle), StyleText)
	if !c.Anonymous() {
		if c.previousCall.IsZero() {
			greeting += " This is your first call."
		} else {
			greeting += fmt.Sprintf(" This is your call number %s%d%s.", StyleValue, c.User.Calls, StyleText)
			greeting += " You last called " + lastCallText(c.previousCall, time.Now()) + "."
		}
	}
	c.Say(row, "", greeting)
	if c.newErr == nil && !c.Anonymous() {
		c.Say(row+1, "", StyleText+"New for you: "+StyleValue+count(c.newMessages, "message")+StyleText+
			" and "+StyleValue+count(c.newLetters, "letter")+StyleText+".")
		row++
	}
	c.WriteString(ui.MoveTo(sz.Rows, 2) + StyleDim + ui.Truncate(
		clean(c.User.Handle)+"@"+clean(b.cfg.Name)+" · arrows and Enter, or an entry's key", sz.Cols-2) + ui.Reset)
	return row + 2
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
