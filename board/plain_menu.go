package board

import (
	"fmt"
	"time"

	"github.com/x84bbs/x84/markup"
	"github.com/x84bbs/x84/menus"
)

// drawMenuPlain is drawMenu in accessible mode: a blank line, the menu's
// title, and for the main menu the greeting, once a call; the entries
// follow as a numbered list (ui.Menu). The menu's prompt line is left out: it tells
// how to use the lightbar.
func (b *Board) drawMenuPlain(c *Call, menu *menus.Menu) int {
	c.WriteString("\r\n")
	if title := markup.Render(menu.Title, c.Markup(menu.Title)); title != "" {
		c.Line(title)
	}
	if menu.Greeting && !c.greeted {
		c.greeted = true
		c.Lines(b.greetingPlain(c)...)
	}
	return 1
}

// greetingPlain is the main menu's welcome, as lines.
func (b *Board) greetingPlain(c *Call) []string {
	greeting := fmt.Sprintf("Welcome, %s.", clean(c.User.Handle))
	if !c.Anonymous() {
		if c.previousCall.IsZero() {
			greeting += " This is your first call."
		} else {
			greeting += fmt.Sprintf(" This is your call number %d. You last called %s.", c.User.Calls, lastCallText(c.previousCall, time.Now()))
		}
	}
	lines := []string{greeting}
	if c.newErr == nil && !c.Anonymous() {
		lines = append(lines, "New for you: "+count(c.newMessages, "message")+" and "+count(c.newLetters, "letter")+".")
	}
	if !c.User.Accessible && !c.Anonymous() {
		lines = append(lines, "Plain text screens are on for this call. To have them at every call, turn them on in your profile.")
	}
	return lines
}
