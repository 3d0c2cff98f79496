package board

import (
	"github.com/x84bbs/x84/markup"
	"github.com/x84bbs/x84/menus"
)

// drawMenuPlain is drawMenu in accessible mode: a blank line, the menu's
// title, and for the main menu the greeting, once a call; the entries
// follow as a numbered list (ui.Menu). The menu's prompt line is left out: it tells
// how to use the lightbar.
func (b *Board) drawMenuPlain(c *Call, menu *menus.Menu) int {
	c.WriteString("\r\n")
	title := c.menuText(menu.Name, "title", menu.Title)
	if line := markup.Render(title, c.Markup(title)); line != "" {
		c.Line(line)
	}
	if menu.Greeting && !c.greeted {
		c.greeted = true
		c.Lines(b.greetingPlain(c)...)
	}
	return 1
}

// greetingPlain is the main menu's welcome, as lines.
func (b *Board) greetingPlain(c *Call) []string {
	plain := func(s string) string { return s }
	lines := []string{c.greeting(plain)}
	if c.newErr == nil && !c.Anonymous() {
		lines = append(lines, c.news(plain))
	}
	if !c.User.Accessible && !c.Anonymous() {
		lines = append(lines, c.T("menu.plain_hint"))
	}
	return lines
}
