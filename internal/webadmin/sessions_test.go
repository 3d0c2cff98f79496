package webadmin

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// alive reports whether the client's session still opens a sysop's
// page.
func (c *client) alive() bool {
	c.t.Helper()
	r := c.get(Prefix + "users")
	switch {
	case r.StatusCode == http.StatusOK:
		return true
	case r.StatusCode == http.StatusSeeOther && r.Header.Get("Location") == Prefix+"login":
		return false
	}
	c.t.Fatalf("GET users = %d to %q; want 200, or 303 to the login", r.StatusCode, r.Header.Get("Location"))
	return false
}

// pendingAlive reports whether the client's login still waits for its
// code.
func (c *client) pendingAlive() bool {
	c.t.Helper()
	r := c.get(Prefix + "login/code")
	return r.StatusCode == http.StatusOK
}

// at returns a new client of the fixture calling from addr.
func (f *fixture) at(addr string) *client {
	c := f.client()
	c.remote = addr
	return c
}

// sysops creates n sysops, s0 to s(n-1).
func (f *fixture) sysops(n int) []*store.User {
	out := make([]*store.User, n)
	for i := range out {
		out[i] = f.sysop(fmt.Sprintf("s%d", i))
	}
	return out
}

// fill logs in perUser sessions of each sysop, a minute apart, and
// returns the clients, oldest first.
func (f *fixture) fill(users []*store.User, perUser int) []*client {
	var out []*client
	for _, u := range users {
		for range perUser {
			c := f.client()
			c.loginSysop(u)
			f.advance(time.Minute)
			out = append(out, c)
		}
	}
	return out
}

// TestFullTableEndsLeastUsed: a login into a full table ends the
// session unused longest instead of being refused.
func TestFullTableEndsLeastUsed(t *testing.T) {
	f := newFixture(t)
	users := f.sysops(DefaultMaxSessions/DefaultSessionsPerUser + 1)
	clients := f.fill(users[:DefaultMaxSessions/DefaultSessionsPerUser], DefaultSessionsPerUser)
	// The first is used again: the second is now the one unused longest.
	if !clients[0].alive() {
		t.Fatal("the first session ended before the table was full")
	}
	f.advance(time.Minute)
	last := f.client()
	last.loginSysop(users[len(users)-1]) // the 17th
	for i, c := range clients {
		if alive := c.alive(); alive != (i != 1) {
			t.Errorf("session %d alive = %v after the 17th login; want only session 1 (unused longest) ended", i, alive)
		}
	}
	if !last.alive() {
		t.Errorf("the 17th session is not alive")
	}
	if n := f.h.sessions.len(); n != DefaultMaxSessions {
		t.Errorf("%d sessions; want %d", n, DefaultMaxSessions)
	}
}

// TestFullTableDropsStaleFirst: before a live session makes way, those
// of accounts that may no longer use the admin go.
func TestFullTableDropsStaleFirst(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *fixture, handle string)
	}{
		{"demoted", func(f *fixture, h string) { f.accounts.SetSysop(f.t.Context(), h, false) }},
		{"locked", func(f *fixture, h string) { f.accounts.SetLocked(f.t.Context(), h, true) }},
		{"deleted", func(f *fixture, h string) { f.accounts.Delete(f.t.Context(), h) }},
	}
	for _, tt := range tests {
		f := newFixture(t)
		users := f.sysops(5)
		clients := f.fill(users[:4], DefaultSessionsPerUser)
		tt.change(f, "s3") // the newest four sessions
		f.client().loginSysop(users[4])
		if n := f.h.sessions.len(); n != DefaultMaxSessions-DefaultSessionsPerUser+1 {
			t.Errorf("%s: %d sessions after the login; want %d (s3's four gone)", tt.name, n, DefaultMaxSessions-DefaultSessionsPerUser+1)
		}
		if !clients[0].alive() {
			t.Errorf("%s: the session unused longest ended, though %s's sessions could go", tt.name, "s3")
		}
	}
}

func TestSessionsPerUser(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxSessionsPerUser = 2 })
	root, other := f.sysop("root"), f.sysop("other")
	o := f.client()
	o.loginSysop(other)
	clients := f.fill([]*store.User{root}, 3)
	for i, want := range []bool{false, true, true} {
		if got := clients[i].alive(); got != want {
			t.Errorf("root's session %d alive = %v; want %v (max 2 a sysop, the oldest ends)", i, got, want)
		}
	}
	if !o.alive() {
		t.Errorf("another sysop's session ended")
	}
}

// TestLoginEndsEarlierSession: logging in again from a browser ends the
// session its cookie names.
func TestLoginEndsEarlierSession(t *testing.T) {
	f := newFixture(t)
	root := f.sysop("root")
	f.withTOTP(f.sysop("otp"))

	// A login waiting for its code, then the password again.
	c := f.client()
	c.login("otp", "password-otp")
	first := c.cookies[SessionCookie]
	if r := c.login("otp", "password-otp"); r.Header.Get("Location") != Prefix+"login/code" {
		t.Fatalf("second password = %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if _, ok := f.h.sessions.get(first, false); ok || c.cookies[SessionCookie] == first {
		t.Errorf("the first login waiting for its code outlived the second")
	}

	// A session, then a login from the same browser (another tab's form).
	c = f.client()
	c.loginSysop(root)
	old := c.cookies[SessionCookie]
	token := randomToken()
	c.cookies[LoginCookie] = token
	r := c.do(http.MethodPost, Prefix+"login", url.Values{"csrf": {token}, "handle": {"root"}, "password": {"password-root"}})
	if r.StatusCode != http.StatusSeeOther || c.cookies[SessionCookie] == old {
		t.Fatalf("login again = %d", r.StatusCode)
	}
	if _, ok := f.h.sessions.get(old, false); ok {
		t.Errorf("the browser's earlier session outlived its new login")
	}
	if n := f.h.sessions.len(); n != 2 {
		t.Errorf("%d sessions; want 2 (otp's second login, root's new session)", n)
	}
}

// TestPendingLimits: someone with only a TOTP sysop's password, at
// another address, can neither end the sysop's own login waiting for
// its code nor fill the table with theirs.
func TestPendingLimits(t *testing.T) {
	f := newFixture(t)
	secret := f.withTOTP(f.sysop("otp"))
	sysop := f.at("198.51.100.1:1000")
	if r := sysop.login("otp", "password-otp"); r.Header.Get("Location") != Prefix+"login/code" {
		t.Fatalf("the sysop's password = %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	// The attacker tries again and again: each new login ends their own
	// older one, never the sysop's.
	var attacker *client
	for i := range 5 {
		attacker = f.at("203.0.113.5:2000")
		if r := attacker.login("otp", "password-otp"); r.Header.Get("Location") != Prefix+"login/code" {
			t.Fatalf("attacker's login %d = %d to %q\n%s", i, r.StatusCode, r.Header.Get("Location"), r.body)
		}
	}
	if n := f.h.sessions.len(); n != DefaultPendingPerUser {
		t.Errorf("%d logins waiting; want %d", n, DefaultPendingPerUser)
	}
	if !sysop.pendingAlive() || !attacker.pendingAlive() {
		t.Errorf("waiting logins: the sysop's %v, the attacker's latest %v; want both", sysop.pendingAlive(), attacker.pendingAlive())
	}
	// From a third address, the account's limit is reached by others'
	// logins: refused, and theirs stay.
	third := f.at("192.0.2.99:3000")
	if r := third.login("otp", "password-otp"); r.StatusCode != http.StatusTooManyRequests ||
		!strings.Contains(r.body, "max_pending_logins_per_user") {
		t.Errorf("a login from a third address = %d; want 429 naming max_pending_logins_per_user\n%s", r.StatusCode, r.body)
	}
	if !sysop.pendingAlive() {
		t.Fatalf("the sysop's login waiting for its code ended")
	}
	r := sysop.post(Prefix+"login/code", url.Values{"code": {code(t, secret, time.Now())}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix {
		t.Errorf("the sysop's code = %d to %q; want in", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestPendingPerAddress: logins waiting for a code from one address are
// bounded, whatever the accounts; the oldest from that address makes
// way, and other addresses' stay.
func TestPendingPerAddress(t *testing.T) {
	f := newFixture(t)
	for _, h := range []string{"otp1", "otp2", "otp3"} {
		f.withTOTP(f.sysop(h))
	}
	elsewhere := f.at("198.51.100.1:1000")
	elsewhere.login("otp1", "password-otp1")
	var here []*client
	for _, h := range []string{"otp1", "otp2", "otp3"} {
		c := f.at("203.0.113.5:2000")
		if r := c.login(h, "password-"+h); r.Header.Get("Location") != Prefix+"login/code" {
			t.Fatalf("%s's login = %d to %q\n%s", h, r.StatusCode, r.Header.Get("Location"), r.body)
		}
		f.advance(time.Second)
		here = append(here, c)
	}
	for i, want := range []bool{false, true, true} {
		if got := here[i].pendingAlive(); got != want {
			t.Errorf("login %d from 203.0.113.5 waiting = %v; want %v", i, got, want)
		}
	}
	if !elsewhere.pendingAlive() {
		t.Errorf("the login from another address ended")
	}
}

// TestFullTableOfPending: a table full of other addresses' logins
// waiting for a code refuses one more, but not a sysop with every
// factor.
func TestFullTableOfPending(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxSessions = 2 })
	for _, h := range []string{"otp1", "otp2", "otp3"} {
		f.withTOTP(f.sysop(h))
	}
	root := f.sysop("root")
	a := f.at("198.51.100.1:1000")
	a.login("otp1", "password-otp1")
	f.advance(time.Second)
	f.at("198.51.100.2:1000").login("otp2", "password-otp2")
	r := f.at("203.0.113.5:2000").login("otp3", "password-otp3")
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.body, "max_sessions") {
		t.Errorf("a login waiting for its code into a table full of others' = %d; want 503 naming max_sessions\n%s", r.StatusCode, r.body)
	}
	c := f.at("203.0.113.5:2000")
	c.loginSysop(root)
	if a.pendingAlive() {
		t.Errorf("the oldest login waiting for its code did not make way for a sysop's session")
	}
}

// TestPendingCancel: the code form's Cancel (a logout) drops the login
// waiting for its code and goes back to the login form.
func TestPendingCancel(t *testing.T) {
	f := newFixture(t)
	f.withTOTP(f.sysop("otp"))
	c := f.client()
	c.login("otp", "password-otp")
	form := c.get(Prefix + "login/code")
	if !strings.Contains(form.body, `action="/admin/logout"`) || !strings.Contains(form.body, ">Cancel</button>") {
		t.Fatalf("the code form has no Cancel button:\n%s", form.body)
	}
	r := c.post(Prefix+"logout", url.Values{"csrf": {tokenIn(form.body)}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login" {
		t.Errorf("Cancel = %d to %q; want 303 to the login", r.StatusCode, r.Header.Get("Location"))
	}
	if _, ok := c.cookies[SessionCookie]; ok {
		t.Errorf("Cancel left the session cookie")
	}
	if n := f.h.sessions.len(); n != 0 {
		t.Errorf("%d sessions after Cancel; want 0", n)
	}
	if r := c.get(Prefix + "login/code"); r.Header.Get("Location") != Prefix+"login" {
		t.Errorf("the code form after Cancel = %d to %q; want the login", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.get(Prefix + "login"); r.StatusCode != http.StatusOK || tokenIn(r.body) == "" {
		t.Errorf("the login form after Cancel = %d", r.StatusCode)
	}
}

// TestBackgroundPollsDoNotKeepAlive: admin.js's refreshes of who's
// online (background=1) do not count as use; the sysop's requests do.
func TestBackgroundPollsDoNotKeepAlive(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		alive bool
	}{
		{"admin.js's refreshes", Prefix + "who.json?background=1", false},
		{"the sysop's own requests", Prefix + "who.json", true},
	}
	for _, tt := range tests {
		f := newFixture(t)
		c := f.client()
		c.loginSysop(f.sysop("root"))
		var r reply
		for elapsed := time.Duration(0); elapsed < DefaultIdleTimeout; elapsed += 5 * time.Minute {
			if r = c.get(tt.path); r.StatusCode != http.StatusOK {
				t.Fatalf("%s: GET %s after %v = %d; want 200", tt.name, tt.path, elapsed, r.StatusCode)
			}
			f.advance(5 * time.Minute)
		}
		r = c.get(tt.path)
		if alive := r.StatusCode == http.StatusOK; alive != tt.alive {
			t.Errorf("%s: GET %s after idle_timeout = %d; want alive %v", tt.name, tt.path, r.StatusCode, tt.alive)
		}
		if !tt.alive && r.Header.Get("Location") != Prefix+"login" {
			t.Errorf("%s: the poll after idle_timeout went to %q; want the login", tt.name, r.Header.Get("Location"))
		}
		if c.alive() != tt.alive {
			t.Errorf("%s: the session alive = %v; want %v", tt.name, !tt.alive, tt.alive)
		}
	}
}

// TestCredentialsChangeEndSessions: a new password or second factor
// ends the account's admin sessions at their next request; a code used
// (the last step moved) does not.
func TestCredentialsChangeEndSessions(t *testing.T) {
	const fresh = "a-new-password-42"
	tests := []struct {
		name   string
		totp   bool // the sysop logs in with a code
		change func(f *fixture)
		ends   bool
	}{
		{"password set by a sysop", false, func(f *fixture) {
			if err := f.accounts.SetPassword(f.t.Context(), "root", fresh); err != nil {
				f.t.Fatal(err)
			}
		}, true},
		{"password changed by its owner", false, func(f *fixture) {
			if _, err := f.accounts.ChangePassword(f.t.Context(), "root", "password-root", fresh, netip.Addr{}); err != nil {
				f.t.Fatal(err)
			}
		}, true},
		{"second factor turned on", false, func(f *fixture) { f.withTOTP(f.user("root")) }, true},
		{"second factor removed", true, func(f *fixture) {
			if _, err := f.accounts.RemoveTOTP(f.t.Context(), "root"); err != nil {
				f.t.Fatal(err)
			}
		}, true},
		{"a code used elsewhere", true, func(f *fixture) {
			if _, err := f.st.Users.ModifyUser(f.t.Context(), f.user("root").ID, func(u *store.User) error {
				u.TOTP.LastStep++
				return nil
			}); err != nil {
				f.t.Fatal(err)
			}
		}, false},
		{"profile changed", false, func(f *fixture) { f.accounts.SetLevel(f.t.Context(), "root", 200) }, false},
	}
	for _, tt := range tests {
		f := newFixture(t)
		root := f.sysop("root")
		c, other := f.client(), f.client()
		if tt.totp {
			secret := f.withTOTP(root)
			for i, cl := range []*client{c, other} {
				cl.login("root", "password-root")
				when := time.Now().Add(time.Duration(i) * 30 * time.Second) // a code is used once
				if r := cl.post(Prefix+"login/code", url.Values{"code": {code(t, secret, when)}}); r.Header.Get("Location") != Prefix {
					t.Fatalf("%s: code = %d to %q\n%s", tt.name, r.StatusCode, r.Header.Get("Location"), r.body)
				}
			}
		} else {
			c.loginSysop(root)
			other.loginSysop(root)
		}
		token := c.csrf()
		tt.change(f)
		if alive := c.alive(); alive == tt.ends {
			t.Errorf("%s: the session alive = %v after the change; want %v", tt.name, alive, !tt.ends)
		}
		r := other.do(http.MethodPost, Prefix+"broadcast", url.Values{"text": {"hi"}, "csrf": {other.csrf()}})
		if tt.ends && (r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "password or two-factor login changed")) {
			t.Errorf("%s: a POST of another session = %d; want 403 saying the credentials changed\n%s", tt.name, r.StatusCode, r.body)
		}
		if tt.ends {
			// Ended for good, whatever comes after.
			if n := f.h.sessions.len(); n != 0 {
				t.Errorf("%s: %d sessions left; want 0", tt.name, n)
			}
			if _, ok := f.h.sessions.get(c.cookies[SessionCookie], false); ok || token == "" {
				t.Errorf("%s: the session is still held", tt.name)
			}
		}
	}
}

// TestCredentialsChangeDuringCodeStep: a password changed between the
// password and the code makes the code step fail.
func TestCredentialsChangeDuringCodeStep(t *testing.T) {
	f := newFixture(t)
	secret := f.withTOTP(f.sysop("root"))
	c := f.client()
	c.login("root", "password-root")
	if err := f.accounts.SetPassword(t.Context(), "root", "a-new-password-42"); err != nil {
		t.Fatal(err)
	}
	r := c.post(Prefix+"login/code", url.Values{"code": {code(t, secret, time.Now())}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "changed meanwhile") {
		t.Errorf("the code after a new password = %d; want 401 saying the credentials changed\n%s", r.StatusCode, r.body)
	}
	if c.alive() || f.h.sessions.len() != 0 {
		t.Errorf("a session after the refused code")
	}
}
