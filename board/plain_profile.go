package board

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// accessibleValue is the profile's line for the accessible screens.
func accessibleValue(c *Call) string {
	switch {
	case c.User.Accessible:
		return c.T("profile.accessible_on")
	case c.Accessible():
		return c.T("profile.accessible_this_call")
	}
	return c.T("profile.off")
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
		return c.T("profile.accessible_saved_on"), c.Theme.OK, nil
	}
	return c.T("profile.accessible_saved_off"), c.Theme.OK, nil
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
			lines = append(lines, plainItemIn(c.Lang(), profileLabel(c, it.id), profileValue(c, i), it.key))
		}
		c.Lines(lines...)
	}
	c.Line(c.KeyHelp(c.T("profile.plain_letter"), c.T("profile.plain_change"), "v", c.T("profile.plain_view"), "r", c.T("profile.plain_read_again"), "q", c.Theme.Strings.Back))
}

// viewProfilePlain is another user's profile in accessible mode.
func viewProfilePlain(c *Call, u *store.User) {
	c.WriteString("\r\n")
	c.Lines(c.T("profile.of", "handle", clean(u.Handle)),
		profileLabel(c, "location")+": "+clean(u.Location),
		profileLabel(c, "calls")+": "+fmt.Sprint(u.Calls),
		profileLabel(c, "last_call")+": "+c.lastCalled(u.LastCall, time.Now()),
		profileLabel(c, "member_since")+": "+c.date(u.Created.Local(), "Jan 2 2006"))
	if sig := strings.TrimSpace(u.Signature); sig != "" {
		c.Line(profileLabel(c, "signature") + ": " + strings.Join(strings.Fields(term.SanitizeText(sig)), " "))
	}
	c.Line(c.KeyHelp("Enter", c.Theme.Strings.Back))
}

// plainItemIn is an item of a form read aloud: "Location: Springfield
// (l changes it)"; an empty value is "(none)", and an item with no key
// cannot be changed, in the language of p (c.Lang()).
func plainItemIn(p *lang.Printer, label, value string, key rune) string {
	if value == "" {
		value = p.T("common.none")
	}
	if key != 0 {
		return p.T("plain.item_key", "label", label, "value", value, "key", string(key))
	}
	return p.T("plain.item", "label", label, "value", value)
}
