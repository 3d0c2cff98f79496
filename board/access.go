package board

import (
	"context"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/ui"
)

// audience is what decides which menu entries, doors and areas a caller
// sees, as package access rules: sysops see everything, an account
// awaiting validation what a guest sees, and the others what their
// level and groups open. Callers of one audience share their menu views,
// so that a thousand callers at the default level hold one copy.
type audience struct {
	sysop  bool
	level  int
	groups string // the groups that count, joined by ","
}

func audienceOf(u *store.User) audience {
	switch {
	case u.Sysop():
		return audience{sysop: true}
	case access.Unvalidated(u):
		return audience{}
	}
	return audience{level: u.Level, groups: strings.Join(u.Groups, ",")}
}

// sysopUser stands for any sysop where the menu is asked what sysops
// see.
func sysopUser() *store.User { return &store.User{Groups: []string{store.GroupSysop}} }

// allows reports whether the account u may open the door: a sysop's door
// for sysops, and the door's Need for whoever meets it.
func (d *doorEntry) allows(u *store.User) bool {
	return (!d.cfg.SysopOnly || u.Sysop()) && d.cfg.Need.Allows(u)
}

// validationWait tells a caller whose account awaits a sysop's
// validation what that means, once, as the call starts.
func (c *Call) validationWait(ctx context.Context) error {
	if !access.Unvalidated(c.User) {
		return nil
	}
	_, err := c.Box(ctx, c.T("access.awaits_validation"), c.T("access.awaits_validation_text"), false)
	return err
}

// validatedStateIn is the user editor's "Validated" value, in the
// language of p (c.Lang()).
func validatedStateIn(p *lang.Printer, u *store.User) string {
	if access.Unvalidated(u) {
		return p.T("access.unvalidated")
	}
	return p.T("access.validated")
}

// groupsStateIn is the user editor's "Groups" value: the ordinary groups,
// which the sysop edits there (sysop and locked have their own lines).
// It is in the language of p.
func groupsStateIn(p *lang.Printer, u *store.User) string {
	if g := account.OrdinaryGroups(u); len(g) > 0 {
		return clean(strings.Join(g, ", "))
	}
	return p.T("access.no_groups")
}

// editAccess makes the user editor's change of u's access picked by key:
// v validates, a sets the level and g the groups, each asked in place at
// row, in the values' column col. It returns the account as stored, nil
// when nothing changed.
func editAccess(ctx context.Context, c *Call, u *store.User, key rune, row, col int, redraw func()) (*store.User, error) {
	accounts := c.Board.cfg.Accounts
	// Prompt names the field on plain screens, where the value typed
	// so far (the present one, to edit) follows it.
	ask := func(label, value string, max int) (string, error) {
		return c.Ask(ctx, row, "", &ui.Field{Col: col, Max: max, Width: min(max, 40), Value: value, Prompt: label + ": "}, redraw)
	}
	switch key {
	case 'v':
		if !access.Unvalidated(u) {
			return nil, nil
		}
		return accounts.Validate(ctx, u.Handle)
	case 'a':
		v, err := ask(c.T("access.level"), strconv.Itoa(u.Level), 3)
		if err != nil {
			return nil, err
		}
		level, err := account.ParseLevel(v)
		if err != nil {
			return nil, err
		}
		return accounts.SetLevel(ctx, u.Handle, level)
	case 'g':
		v, err := ask(c.T("access.groups"), strings.Join(account.OrdinaryGroups(u), ","), 200)
		if err != nil {
			return nil, err
		}
		return accounts.SetGroups(ctx, u.Handle, account.ParseGroups(v))
	}
	return nil, nil
}

// stillAllowed reads the caller's account again before the entry e,
// picked from a menu drawn for the account as it was, runs: if the
// sysop has since taken away what e needs (a level, a group, the sysop's
// powers, validation), the caller is told so and e does not run.
func (c *Call) stillAllowed(ctx context.Context, e Entry) (bool, error) {
	if err := c.refreshUser(ctx); err != nil {
		return false, err
	}
	if (!e.SysopOnly || c.Sysop()) && e.Need.Allows(c.User) {
		return true, nil
	}
	c.Board.log.Info("menu entry no longer open to the caller", "entry", e.Label, "user", c.User.Handle)
	show := func() {
		c.redrawMenu()
		c.Say(c.Size().Rows, c.Theme.Error, c.T("access.no_longer_open", "entry", clean(e.Label))+" "+c.Theme.Strings.PressKey)
	}
	show()
	return false, c.AnyKey(ctx, show)
}
