package webadmin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// userRow is one account in the list.
type userRow struct {
	Handle, RealName, Location, Groups, LastCall string
	Level, Calls                                 int
	Sysop, Locked, Unvalidated, TOTP             bool
	Link                                         string
}

func rowOf(u *store.User) userRow {
	last := "never"
	if !u.LastCall.IsZero() {
		last = since(u.LastCall)
	}
	return userRow{
		Handle: term.Sanitize(u.Handle), RealName: term.Sanitize(u.RealName), Location: term.Sanitize(u.Location),
		Groups: term.Sanitize(strings.Join(account.OrdinaryGroups(u), ", ")), LastCall: last,
		Level: u.Level, Calls: u.Calls,
		Sysop: u.InGroup(store.GroupSysop), Locked: u.InGroup(store.GroupLocked),
		Unvalidated: u.InGroup(store.GroupUnvalidated), TOTP: account.HasTOTP(u),
		Link: userLink(u.Handle),
	}
}

// listLink returns the writer of the addresses of a list's pages, with
// its search.
func listLink(list, search string) func(page int) string {
	return func(page int) string {
		v := url.Values{"page": {strconv.Itoa(page)}}
		if search != "" {
			v.Set("q", search)
		}
		return Prefix + list + "?" + v.Encode()
	}
}

// userLink is the address of a user's page.
func userLink(handle string) string { return Prefix + "user?handle=" + url.QueryEscape(handle) }

type usersData struct {
	Query string
	Users []userRow
	Total int // accounts matching
	pager
}

// users lists the accounts whose handle contains the search, a page at a
// time.
func (h *Handler) users(q *request) {
	search := searchText(q.r.URL.Query().Get("q"))
	all, err := h.cfg.Accounts.List(q.r.Context())
	if err != nil {
		q.internal(err)
		return
	}
	matched := all
	if search != "" {
		key := store.HandleKey(search)
		matched = all[:0]
		for _, u := range all {
			if strings.Contains(store.HandleKey(u.Handle), key) {
				matched = append(matched, u)
			}
		}
	}
	p, from, to := paginate(len(matched), h.cfg.PageSize, q.r.URL.Query().Get("page"), listLink("users", search))
	rows := make([]userRow, 0, to-from)
	for _, u := range matched[from:to] {
		rows = append(rows, rowOf(u))
	}
	q.render(http.StatusOK, "users", "Users", usersData{Query: search, Users: rows, Total: len(matched), pager: p})
}

type userData struct {
	userRow
	Raw     string // the handle as stored, for the forms' hidden fields
	Email   string // as shown: the profile form sends it back as shown_email
	Created string
	Self    bool // the sysop's own account
	MaxLvl  int
}

// lookup returns the user named by the handle parameter (of the query
// for a page, of the form for an action); on failure it has answered.
func (q *request) lookup(handle string) (*store.User, bool) {
	u, err := q.h.cfg.Accounts.User(q.r.Context(), handle)
	switch {
	case errors.Is(err, store.ErrNotFound):
		q.fail(http.StatusNotFound, "No such user", fmt.Sprintf("There is no user %q.", term.Sanitize(handle)))
		return nil, false
	case err != nil:
		q.internal(err)
		return nil, false
	}
	return u, true
}

// user shows one account with its forms.
func (h *Handler) user(q *request) {
	u, ok := q.lookup(q.r.URL.Query().Get("handle"))
	if !ok {
		return
	}
	q.render(http.StatusOK, "user", term.Sanitize(u.Handle), userData{
		userRow: rowOf(u), Raw: u.Handle, Email: term.Sanitize(u.Email),
		Created: since(u.Created), Self: u.ID == q.user.ID, MaxLvl: store.MaxLevel,
	})
}

// isSelf says whether handle names the signed-in sysop's own account.
func (q *request) isSelf(handle string) bool {
	return store.HandleKey(handle) == store.HandleKey(q.user.Handle)
}

// changed finishes a change to a user: back to the user's page, with
// the rule's words if it was refused.
func (q *request) changed(handle string, err error, what string) {
	back := userLink(handle)
	switch {
	case err == nil:
		q.h.log.Info("admin: "+what, "user", term.Sanitize(handle), "by", q.user.Handle)
		q.done(back, term.Sanitize(handle)+": "+what+".")
	case errors.Is(err, account.ErrInvalid):
		q.refused(back, account.Message(err))
	case errors.Is(err, store.ErrNotFound):
		q.refused(Prefix+"users", term.Sanitize(err.Error()))
	default:
		q.internal(err)
	}
}

// userProfile changes the real name, location and e-mail address: only
// the fields the sysop changed on the page (each form field beside the
// value it showed, shown_NAME), each on its own, and says which were
// saved and which refused and why. A sysop who changes their own e-mail
// address gives their password again: the address receives password
// resets.
func (h *Handler) userProfile(q *request) {
	u, ok := q.lookup(q.form("handle"))
	if !ok {
		return
	}
	ctx := q.r.Context()
	var saved, refused []string
	for _, f := range []struct {
		field account.Field
		name  string
	}{{account.RealName, "real_name"}, {account.Location, "location"}, {account.Email, "email"}} {
		value := q.form(f.name)
		if value == q.form("shown_"+f.name) {
			continue
		}
		if f.field == account.Email && u.ID == q.user.ID {
			err := h.cfg.Accounts.VerifyFrom(ctx, u.Handle, q.r.PostForm.Get("password"), remote(q.r))
			if errors.Is(err, account.ErrWrongPassword) {
				refused = append(refused, "e-mail (your password was not right: it is asked again to change your own address)")
				continue
			}
			if err != nil {
				q.changed(u.Handle, err, "")
				return
			}
		}
		_, err := h.cfg.Accounts.SetField(ctx, u.ID, f.field, value)
		switch {
		case errors.Is(err, account.ErrInvalid):
			refused = append(refused, f.field.String()+" ("+account.Message(err)+")")
		case err != nil:
			q.changed(u.Handle, err, "")
			return
		default:
			saved = append(saved, f.field.String())
		}
	}
	who := term.Sanitize(u.Handle) + ": "
	switch {
	case len(refused) > 0:
		text := who + "not saved: " + strings.Join(refused, "; ") + "."
		if len(saved) > 0 {
			text = who + strings.Join(saved, ", ") + " saved; not saved: " + strings.Join(refused, "; ") + "."
		}
		q.refused(userLink(u.Handle), text)
	case len(saved) == 0:
		q.done(userLink(u.Handle), who+"nothing changed.")
	default:
		q.changed(u.Handle, nil, strings.Join(saved, ", ")+" saved")
	}
}

// userLevel sets the security level.
func (h *Handler) userLevel(q *request) {
	handle := q.form("handle")
	level, err := account.ParseLevel(q.form("level"))
	if err == nil {
		_, err = h.cfg.Accounts.SetLevel(q.r.Context(), handle, level)
	}
	q.changed(handle, err, fmt.Sprintf("level set to %d", level))
}

// userGroups sets the ordinary groups.
func (h *Handler) userGroups(q *request) {
	handle := q.form("handle")
	groups := account.ParseGroups(q.form("groups"))
	_, err := h.cfg.Accounts.SetGroups(q.r.Context(), handle, groups)
	q.changed(handle, err, "groups set")
}

// userValidate ends the account's wait for validation.
func (h *Handler) userValidate(q *request) {
	handle := q.form("handle")
	_, err := h.cfg.Accounts.Validate(q.r.Context(), handle)
	q.changed(handle, err, "validated")
}

// userLock locks or unlocks the account; a sysop cannot lock out
// themselves.
func (h *Handler) userLock(q *request) {
	handle := q.form("handle")
	lock := q.form("locked") == "1"
	if lock && q.isSelf(handle) {
		q.refused(userLink(handle), "You cannot lock your own account here.")
		return
	}
	_, err := h.cfg.Accounts.SetLocked(q.r.Context(), handle, lock)
	what := "unlocked"
	if lock {
		what = "locked"
	}
	q.changed(handle, err, what)
}

// userSysop makes the account a sysop or no longer one; a sysop cannot
// demote themselves here.
func (h *Handler) userSysop(q *request) {
	handle := q.form("handle")
	on := q.form("sysop") == "1"
	if !on && q.isSelf(handle) {
		q.refused(userLink(handle), "You cannot remove your own sysop rights here.")
		return
	}
	_, err := h.cfg.Accounts.SetSysop(q.r.Context(), handle, on)
	what := "no longer a sysop"
	if on {
		what = "made a sysop"
	}
	q.changed(handle, err, what)
}

// userRemoveTOTP turns off the account's two-factor login. A sysop who
// turns off their own gives their password again; their other admin
// sessions end (the credentials changed), this one goes on.
func (h *Handler) userRemoveTOTP(q *request) {
	handle := q.form("handle")
	self := q.isSelf(handle)
	if self {
		err := h.cfg.Accounts.VerifyFrom(q.r.Context(), q.user.Handle, q.r.PostForm.Get("password"), remote(q.r))
		if errors.Is(err, account.ErrWrongPassword) {
			q.refused(userLink(handle), "Your password was not right: your two-factor login stays. It is asked again to turn off your own.")
			return
		}
		if err != nil {
			q.changed(handle, err, "")
			return
		}
	}
	u, err := h.cfg.Accounts.RemoveTOTP(q.r.Context(), handle)
	if errors.Is(err, account.ErrTOTPOff) {
		q.refused(userLink(handle), "This account has no two-factor login.")
		return
	}
	if err == nil && u.ID == q.user.ID {
		h.sessions.setCredentials(q.id, credentialsOf(u))
	}
	q.changed(handle, err, "two-factor login removed")
}

type deleteData struct {
	Handle, Raw string
}

// userDeleteForm asks to confirm a deletion.
func (h *Handler) userDeleteForm(q *request) {
	u, ok := q.lookup(q.r.URL.Query().Get("handle"))
	if !ok {
		return
	}
	if u.ID == q.user.ID {
		q.refused(userLink(u.Handle), "You cannot delete your own account here.")
		return
	}
	q.render(http.StatusOK, "delete", "Delete "+term.Sanitize(u.Handle), deleteData{Handle: term.Sanitize(u.Handle), Raw: u.Handle})
}

// userDelete deletes the account once the sysop typed its handle again.
func (h *Handler) userDelete(q *request) {
	handle := q.form("handle")
	if q.isSelf(handle) {
		q.refused(userLink(handle), "You cannot delete your own account here.")
		return
	}
	if confirm := q.form("confirm"); confirm == "" || store.HandleKey(confirm) != store.HandleKey(handle) {
		q.refused(Prefix+"user/delete?handle="+url.QueryEscape(handle), "Type the handle to confirm the deletion.")
		return
	}
	if err := h.cfg.Accounts.Delete(q.r.Context(), handle); err != nil {
		q.changed(handle, err, "")
		return
	}
	h.log.Info("admin: deleted", "user", term.Sanitize(handle), "by", q.user.Handle)
	q.done(Prefix+"users", term.Sanitize(handle)+": deleted.")
}

// since is a time as lists show it.
func since(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }
