package webadmin

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// loginData is the login form's.
type loginData struct {
	CSRF   string
	Handle string
	Error  string
}

// loginForm shows the login form, with a fresh token in the form and in
// the login cookie (double submit).
func (h *Handler) loginForm(q *request) {
	if c, err := q.r.Cookie(SessionCookie); err == nil {
		if s, ok := h.sessions.get(c.Value, true); ok && !s.pending {
			q.redirect(Prefix)
			return
		}
	}
	token := randomToken()
	q.setCookie(LoginCookie, token)
	q.render(http.StatusOK, "login", "Log in", loginData{CSRF: token})
}

// login checks the handle and password with the board's rules (pause,
// strikes, bans); a sysop with a second factor is asked for the code
// next, any other sysop is in.
func (h *Handler) login(q *request) {
	handle := q.form("handle")
	u, err := h.cfg.Accounts.Login(q.r.Context(), handle, q.r.PostForm.Get("password"), remote(q.r))
	switch {
	case errors.Is(err, account.ErrBanned):
		q.fail(http.StatusForbidden, "Banned", "Too many failed logins from your address: it is banned for a while.")
		return
	case errors.Is(err, account.ErrLoginFailed):
		q.render(http.StatusUnauthorized, "login", "Log in",
			loginData{CSRF: q.r.PostForm.Get("csrf"), Handle: term.Sanitize(handle), Error: "Wrong handle or password."})
		return
	case err != nil:
		q.internal(err)
		return
	}
	if !u.InGroup(store.GroupSysop) {
		h.log.Warn("admin: login refused, not a sysop", "user", u.Handle, "remote", remote(q.r))
		q.fail(http.StatusForbidden, "Not allowed", "This account may not use the admin: it is for the board's sysops.")
		return
	}
	// The browser's earlier session, if any, ends: one browser, one
	// session.
	if c, err := q.r.Cookie(SessionCookie); err == nil {
		h.sessions.remove(c.Value)
	}
	q.clearCookie(LoginCookie)
	if account.HasTOTP(u) {
		if q.openSession(u, true) {
			q.redirect(Prefix + "login/code")
		}
		return
	}
	q.startSession(u)
}

// startSession logs the sysop in with a new session id.
func (q *request) startSession(u *store.User) {
	if !q.openSession(u, false) {
		return
	}
	q.h.log.Info("admin: logged in", "user", u.Handle, "remote", remote(q.r))
	q.redirect(Prefix)
}

// openSession adds a session for the account, from the request's
// address, pending its code or not, and sets its cookie. When the table
// is full, the sessions of accounts that may no longer use the admin go
// first, then the one unused longest (see sessions.add). On failure it
// has answered.
func (q *request) openSession(u *store.User, pending bool) bool {
	h := q.h
	if h.sessions.full() {
		h.dropStale(q.r.Context())
	}
	id, err := h.sessions.add(adminSession{userID: u.ID, handle: u.Handle, remote: remote(q.r),
		creds: credentialsOf(u), pending: pending})
	switch {
	case errors.Is(err, errTooManyPending):
		q.w.Header().Set("Retry-After", strconv.Itoa(int(h.cfg.LoginTimeout.Seconds())))
		q.fail(http.StatusTooManyRequests, "Too many logins waiting",
			"Other logins of this account wait for their code, from elsewhere ([admin] max_pending_logins_per_user). "+
				"Finish or cancel them, or wait until they end (login_timeout).")
		return false
	case err != nil:
		q.w.Header().Set("Retry-After", strconv.Itoa(int(h.cfg.LoginTimeout.Seconds())))
		q.fail(http.StatusServiceUnavailable, "Too many sessions",
			"The admin holds as many sessions as it may ([admin] max_sessions), and the rest are logins from other addresses "+
				"waiting for their code. Wait until they end (login_timeout).")
		return false
	}
	q.setCookie(SessionCookie, id)
	return true
}

// dropStale ends the sessions of accounts that may no longer use the
// admin (locked, deleted, demoted, renamed away), before a full table
// makes a live one leave. It reads each account holding a session once.
func (h *Handler) dropStale(ctx context.Context) {
	for _, who := range h.sessions.holders() {
		u, err := h.cfg.Accounts.Current(ctx, who.handle)
		switch {
		case err == nil && (u.ID != who.userID || !u.InGroup(store.GroupSysop)),
			errors.Is(err, account.ErrLocked), errors.Is(err, store.ErrNotFound):
			h.sessions.removeHolder(who)
		}
	}
}

// codeData is the second factor form's.
type codeData struct {
	CSRF  string
	Error string
}

// codeForm asks for the second factor.
func (h *Handler) codeForm(q *request) {
	q.render(http.StatusOK, "code", "Two-factor code", codeData{CSRF: q.sess.csrf})
}

// code checks the second factor, with the board's rules (one use per
// code, pause, strikes, bans); MaxCodeTries wrong ones end the login.
// The session that follows has a new id.
func (h *Handler) code(q *request) {
	u, err := h.cfg.Accounts.LoginSecondFactor(q.r.Context(), q.sess.handle, q.form("code"), remote(q.r))
	switch {
	case errors.Is(err, account.ErrBanned):
		h.sessions.remove(q.id)
		q.clearCookie(SessionCookie)
		q.fail(http.StatusForbidden, "Banned", "Too many failed logins from your address: it is banned for a while.")
		return
	case errors.Is(err, account.ErrLoginFailed):
		if h.sessions.failedCode(q.id) >= h.cfg.MaxCodeTries {
			h.sessions.remove(q.id)
			q.clearCookie(SessionCookie)
			q.fail(http.StatusUnauthorized, "Login failed", "Too many wrong codes. Log in again.")
			return
		}
		q.render(http.StatusUnauthorized, "code", "Two-factor code", codeData{CSRF: q.sess.csrf, Error: "That code is not right."})
		return
	case err != nil:
		q.internal(err)
		return
	}
	h.sessions.remove(q.id)
	switch {
	case u.ID != q.sess.userID || !u.InGroup(store.GroupSysop):
		q.clearCookie(SessionCookie)
		q.fail(http.StatusForbidden, "Not allowed", "This account may not use the admin: it is for the board's sysops.")
	case !credentialsOf(u).same(q.sess.creds):
		// The password or second factor changed after the password was
		// given: that password proves nothing now.
		q.clearCookie(SessionCookie)
		q.fail(http.StatusUnauthorized, "Login failed", "The account's password or two-factor login changed meanwhile. Log in again.")
	default:
		q.startSession(u)
	}
}

// logout ends the session, or cancels a login waiting for its code
// (the code form's Cancel), and goes back to the login form.
func (h *Handler) logout(q *request) {
	h.sessions.remove(q.id)
	q.clearCookie(SessionCookie)
	if q.sess.pending {
		h.log.Info("admin: login cancelled", "user", term.Sanitize(q.sess.handle), "remote", remote(q.r))
	} else {
		h.log.Info("admin: logged out", "user", term.Sanitize(q.sess.handle))
	}
	q.redirect(Prefix + "login")
}
