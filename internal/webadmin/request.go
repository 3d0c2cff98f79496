package webadmin

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Cookies. The __Host- prefix makes browsers insist on Secure, Path=/
// and no Domain, so no other host (a sibling subdomain) can set them.
const (
	// SessionCookie holds the admin session's id.
	SessionCookie = "__Host-x84admin"
	// LoginCookie holds the login form's token (double submit): a page
	// of another site cannot read it to post a login.
	LoginCookie = "__Host-x84admin-login"
)

// request is one request being served, with its session once
// authenticated.
type request struct {
	h    *Handler
	w    http.ResponseWriter
	r    *http.Request
	id   string       // the session's id, "" without one
	sess adminSession // a copy, as the request found it
	user *store.User  // the sysop, as stored now
}

// authenticate finds the request's session and, for a sysop's page,
// checks the account again: it must still exist, be the same account,
// be a sysop, not be locked, and have the password and second factor
// it had at login. On failure it has answered.
//
// A GET with background=1 (admin.js's refresh of who's online) does
// not count as use: polls alone do not keep an idle session alive.
func (q *request) authenticate(who access) bool {
	get := q.r.Method == http.MethodGet || q.r.Method == http.MethodHead
	touch := !get || q.r.URL.Query().Get("background") != "1"
	ok := false
	if c, err := q.r.Cookie(SessionCookie); err == nil {
		q.sess, ok = q.h.sessions.get(c.Value, touch)
		q.id = c.Value
	}
	if !ok {
		q.id = ""
		if get {
			q.redirect(Prefix + "login")
			return false
		}
		q.clearCookie(SessionCookie)
		q.fail(http.StatusForbidden, "Not logged in", "Your admin session has ended: it expired, you logged out, or the server restarted. Log in again.")
		return false
	}
	switch {
	case who == pending && !q.sess.pending:
		q.redirect(Prefix)
		return false
	case who == sysop && q.sess.pending:
		q.redirect(Prefix + "login/code")
		return false
	case who == pending, who == anySession:
		return true
	}
	u, err := q.h.cfg.Accounts.Current(q.r.Context(), q.sess.handle)
	switch {
	case err == nil && u.ID == q.sess.userID && u.InGroup(store.GroupSysop):
		if !credentialsOf(u).same(q.sess.creds) {
			q.credentialsChanged(get)
			return false
		}
		q.user = u
		return true
	case err == nil, errors.Is(err, account.ErrLocked), errors.Is(err, store.ErrNotFound):
		// Demoted, locked, deleted or renamed away: out at once.
		q.h.sessions.remove(q.id)
		q.clearCookie(SessionCookie)
		q.h.log.Warn("admin: session ended, the account may no longer use the admin",
			"user", term.Sanitize(q.sess.handle), "remote", remote(q.r))
		q.fail(http.StatusForbidden, "Not allowed", "This account may not use the admin (it is not a sysop, or it was locked or removed).")
	default:
		q.internal(err)
	}
	return false
}

// credentialsChanged ends a session whose account's password or second
// factor changed since its login: the sysop logs in again, with the
// new ones.
func (q *request) credentialsChanged(get bool) {
	q.h.sessions.remove(q.id)
	q.clearCookie(SessionCookie)
	q.h.log.Info("admin: session ended, the password or second factor changed",
		"user", term.Sanitize(q.sess.handle), "remote", remote(q.r))
	if get {
		q.redirect(Prefix + "login")
		return
	}
	q.fail(http.StatusForbidden, "Not logged in",
		"Your admin session has ended: the account's password or two-factor login changed. Log in again.")
}

// checkPost refuses a POST from another site, or without the right
// token: the session's, or for the login form, the login cookie's. It
// reads the form. On failure it has answered.
func (q *request) checkPost() bool {
	// Browsers say where a form comes from in Sec-Fetch-Site, and in
	// Origin unless the page's no-referrer policy makes it "null": the
	// token below is what decides, these refuse the obvious early.
	if o := q.r.Header.Get("Origin"); o != "" && o != "null" && o != "https://"+q.r.Host {
		q.fail(http.StatusForbidden, "Refused", "This form was sent from another site ("+term.Sanitize(o)+").")
		return false
	}
	if site := q.r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		q.fail(http.StatusForbidden, "Refused", "This form was sent from another site.")
		return false
	}
	if err := q.r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			q.fail(http.StatusRequestEntityTooLarge, "Too large", "The form is larger than the server takes.")
		} else {
			q.fail(http.StatusBadRequest, "Bad form", "The form could not be read.")
		}
		return false
	}
	want := q.sess.csrf
	if q.id == "" {
		if c, err := q.r.Cookie(LoginCookie); err == nil {
			want = c.Value
		}
	}
	if !sameToken(q.r.PostForm.Get("csrf"), want) {
		q.fail(http.StatusForbidden, "Form refused",
			"This form's security token is missing or wrong (CSRF check): it was not sent from the page this server gave you, "+
				"or that page is from an earlier session. Go back, reload the page and try again.")
		return false
	}
	return true
}

// form returns a field of the posted form, trimmed.
func (q *request) form(name string) string { return strings.TrimSpace(q.r.PostForm.Get(name)) }

// done leaves a notice for the next page and sends the browser there
// (post, redirect, get: a reload does not post again).
func (q *request) done(to, text string) {
	q.h.sessions.setFlash(q.id, flash{Text: text})
	q.redirect(to)
}

// refused leaves an error notice for the next page and sends the
// browser there.
func (q *request) refused(to, text string) {
	q.h.sessions.setFlash(q.id, flash{Text: text, Error: true})
	q.redirect(to)
}

func (q *request) redirect(to string) {
	http.Redirect(q.w, q.r, to, http.StatusSeeOther)
}

// setCookie sets one of the admin's cookies, for the browser's session
// only (no Max-Age: the server ends the admin session itself, and a
// browser closed forgets it).
func (q *request) setCookie(name, value string) {
	http.SetCookie(q.w, &http.Cookie{Name: name, Value: value, Path: "/",
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// clearCookie tells the browser to forget a cookie.
func (q *request) clearCookie(name string) {
	http.SetCookie(q.w, &http.Cookie{Name: name, Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// page is what every page's template gets.
type page struct {
	Title string
	Board string
	Nav   []navItem
	User  string // the sysop's handle; "" before login
	CSRF  string
	Flash flash
	Data  any
}

type navItem struct {
	Path, Label string
	Current     bool
}

// nav lists the pages this Handler serves.
func (q *request) nav(current string) []navItem {
	all := []navItem{{Prefix, "Who's online", false}, {Prefix + "users", "Users", false}, {Prefix + "bans", "Bans", false},
		{Prefix + "oneliners", "One-liners", false}, {Prefix + "messages", "Messages", false},
		{Prefix + "charts", "Charts", false}, {Prefix + "config", "Configuration", false}}
	var out []navItem
	for _, n := range all {
		if _, ok := q.h.routes[n.Path]; ok {
			n.Current = n.Path == current
			out = append(out, n)
		}
	}
	return out
}

// render writes a page with the status.
func (q *request) render(status int, name, title string, data any) {
	p := page{Title: title, Board: term.Sanitize(q.h.cfg.Name), Data: data}
	if q.user != nil {
		p.User = term.Sanitize(q.user.Handle)
		p.CSRF = q.sess.csrf
		p.Nav = q.nav(q.r.URL.Path)
		p.Flash = q.h.sessions.takeFlash(q.id)
	} else if q.sess.pending {
		p.CSRF = q.sess.csrf
	}
	var buf bytes.Buffer
	if err := templates[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		q.h.log.Error("admin: template", "page", name, "err", err)
		http.Error(q.w, "internal error", http.StatusInternalServerError)
		return
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.WriteHeader(status)
	if q.r.Method != http.MethodHead {
		q.w.Write(buf.Bytes())
	}
}

// problem is the data of the error page.
type problem struct {
	Text string
	Back string // a link to go on from, "" for none
}

// fail answers with an error page.
func (q *request) fail(status int, title, text string) {
	back := Prefix
	if q.user == nil {
		back = Prefix + "login"
	}
	q.render(status, "error", title, problem{Text: text, Back: back})
}

// internal answers 500 for a failure that is not the sysop's (the
// database), logging it; only a sysop is told the error.
func (q *request) internal(err error) {
	q.h.log.Error("admin: request failed", "path", q.r.URL.Path, "err", err)
	text := "The server could not do that; its log says why."
	if q.user != nil {
		text = "The server could not do that: " + term.Sanitize(err.Error())
	}
	q.fail(http.StatusInternalServerError, "Server error", text)
}
