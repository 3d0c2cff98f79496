package board

import (
	"context"
	"strings"
	"time"

	"github.com/x84bbs/x84/store"
)

// userListPlain is the sysop's user list in accessible mode: each
// account a sentence, a screenful at a time, then the keys.
func userListPlain(ctx context.Context, c *Call, users []*store.User, filter string) {
	c.WriteString("\r\n")
	c.Line(userListTitle(c, len(users), filter) + ".")
	now := time.Now()
	and := " " + c.T("users.plain_and") + " "
	lines := make([]string, len(users))
	for i, u := range users {
		line := clean(u.Handle)
		if name := clean(u.RealName); name != "" {
			line = c.T("users.plain_named", "who", line, "name", name)
		}
		if loc := clean(u.Location); loc != "" {
			line = c.T("users.plain_from", "who", line, "location", loc)
		}
		if len(u.Groups) > 0 {
			line = c.T("users.plain_groups", "who", line, "groups", strings.Join(u.Groups, and))
		}
		lines[i] = c.N("users.plain_user", u.Calls, "who", line, "last", c.lastCalled(u.LastCall, now))
	}
	// An error here is the session's, and the next question meets it.
	c.pageLines(ctx, lines)
	c.Line(userListKeys(c))
}

// editUserPlain is the user editor in accessible mode: the account's
// items with their keys, or, after a change, what it did.
func editUserPlain(c *Call, u *store.User, items []string, msg string) {
	if msg != "" {
		c.Line(msg)
	} else {
		c.WriteString("\r\n")
		c.Line(c.N("usereditor.plain_title", u.Calls, "handle", clean(u.Handle), "last", c.lastCalled(u.LastCall, time.Now())))
		c.Lines(items...)
	}
	c.Line(c.KeyHelp(c.T("usereditor.plain_key_letter"), c.T("usereditor.plain_key_change"), "q", c.Theme.Strings.Back))
}
