package board

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// accessibleValue is the profile's line for the accessible screens.
func accessibleValue(c *Call) string {
	switch {
	case c.User.Accessible:
		return "on: plain text screens at every call"
	case c.Accessible():
		return "off, but on for this call"
	}
	return "off"
}

// toggleAccessible turns the caller's accessible screens on or off, for
// this call and the next ones.
func toggleAccessible(ctx context.Context, c *Call) (string, string, error) {
	u, err := c.Board.cfg.Accounts.SetAccessible(ctx, c.User.ID, !c.User.Accessible)
	if err := c.changed(u, err); err != nil {
		return "", "", err
	}
	if c.User.Accessible && !c.Accessible() {
		c.WriteString(ui.ClearScreen) // the full screen's last: plain lines start afresh
	}
	c.setAccessible(c.User.Accessible)
	if c.User.Accessible {
		return "Accessible screens are on: plain text, now and at every call.", c.Theme.OK, nil
	}
	return "Accessible screens are off: full screens from now on.", c.Theme.OK, nil
}

// profilePlain is the profile in accessible mode: each item a line, with
// the key that changes it, then what the last change said, and the keys.
func profilePlain(c *Call, msg string) {
	if msg != "" {
		c.Line(msg)
	} else {
		c.plainHeaderLine("profile")
		lines := make([]string, 0, len(profileItems))
		for i, it := range profileItems {
			lines = append(lines, plainItem(it.label, profileValue(c, i), it.key))
		}
		c.Lines(lines...)
	}
	c.Line(c.KeyHelp("a letter above", "change that", "v", "view someone's profile", "r", "read the profile again", "q", c.Theme.Strings.Back))
}

// viewProfilePlain is another user's profile in accessible mode.
func viewProfilePlain(c *Call, u *store.User) {
	c.WriteString("\r\n")
	c.Lines("Profile of "+clean(u.Handle),
		"Location: "+clean(u.Location),
		"Calls: "+fmt.Sprint(u.Calls),
		"Last call: "+lastCallText(u.LastCall, time.Now()),
		"Member since: "+u.Created.Local().Format("Jan 2 2006"))
	if sig := strings.TrimSpace(u.Signature); sig != "" {
		c.Line("Signature: " + strings.Join(strings.Fields(term.SanitizeText(sig)), " "))
	}
	c.Line(c.KeyHelp("Enter", c.Theme.Strings.Back))
}

// plainItem is an item of a form read aloud: "Location: Springfield (l
// changes it)"; an empty value is "(none)", and an item with no key
// cannot be changed.
func plainItem(label, value string, key rune) string {
	if value == "" {
		value = "(none)"
	}
	line := label + ": " + value
	if key != 0 {
		line += fmt.Sprintf(" (%c changes it)", key)
	}
	return line
}
