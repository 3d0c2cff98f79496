package webadmin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

func TestLoginSysop(t *testing.T) {
	f := newFixture(t)
	root := f.sysop("root")
	c := f.client()
	page := c.get(Prefix + "login")
	lc, ok := page.cookie(LoginCookie)
	if !ok || tokenIn(page.body) != lc.Value || len(lc.Value) != 43 {
		t.Fatalf("login form: cookie %v, form token %q; want the same 256-bit token in both", lc, tokenIn(page.body))
	}
	r := c.login(root.Handle, "password-root")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix {
		t.Fatalf("login = %d to %q; want 303 to %s", r.StatusCode, r.Header.Get("Location"), Prefix)
	}
	sc, ok := r.cookie(SessionCookie)
	if !ok {
		t.Fatalf("login set no %s cookie", SessionCookie)
	}
	if len(sc.Value) != 43 || !sc.Secure || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Path != "/" || sc.Domain != "" ||
		sc.MaxAge != 0 || !sc.Expires.IsZero() {
		t.Errorf("session cookie = %+v; want 43 base64url characters (256 bits), Secure, HttpOnly, SameSite=Strict, Path=/, "+
			"no Domain, no Max-Age or Expires (the browser's session only)", sc)
	}
	if lc.MaxAge != 0 || !lc.Expires.IsZero() {
		t.Errorf("login cookie = %+v; want no Max-Age or Expires", lc)
	}
	if lc, ok := r.cookie(LoginCookie); !ok || lc.MaxAge >= 0 {
		t.Errorf("login left the login cookie: %+v", lc)
	}
	home := c.get(Prefix)
	if home.StatusCode != http.StatusOK || !strings.Contains(home.body, "Who&#39;s online") || !strings.Contains(home.body, ">root<") {
		t.Errorf("GET %s after login = %d\n%s", Prefix, home.StatusCode, home.body)
	}
	if got := home.Header.Get("Content-Security-Policy"); got != pageCSP {
		t.Errorf("CSP = %q; want %q", got, pageCSP)
	}
	if got := home.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", got)
	}
	// The login form, for a sysop in, goes home.
	if r := c.get(Prefix + "login"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix {
		t.Errorf("GET login while in = %d to %q; want 303 to %s", r.StatusCode, r.Header.Get("Location"), Prefix)
	}
	// Logging out ends the session: the old cookie is worth nothing.
	old := c.cookies[SessionCookie]
	if r := c.post(Prefix+"logout", nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login" {
		t.Errorf("logout = %d to %q; want 303 to the login", r.StatusCode, r.Header.Get("Location"))
	}
	c.cookies[SessionCookie] = old
	if r := c.get(Prefix + "users"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login" {
		t.Errorf("GET users with the cookie of a session logged out = %d; want 303 to the login", r.StatusCode)
	}
}

func TestLoginRefused(t *testing.T) {
	f := newFixture(t)
	f.sysop("root")
	f.addUser("erin", "password-erin")
	locked := f.addUser("lock", "password-lock", store.GroupSysop, store.GroupLocked)
	tests := []struct {
		name, handle, password string
		status                 int
		says                   string
	}{
		{"wrong password", "root", "nope", http.StatusUnauthorized, "Wrong handle or password."},
		{"unknown handle", "nobody", "password-root", http.StatusUnauthorized, "Wrong handle or password."},
		{"a locked sysop", locked.Handle, "password-lock", http.StatusUnauthorized, "Wrong handle or password."},
		{"not a sysop", "erin", "password-erin", http.StatusForbidden, "it is for the board&#39;s sysops"},
	}
	for _, tt := range tests {
		c := f.client()
		r := c.login(tt.handle, tt.password)
		if r.StatusCode != tt.status || !strings.Contains(r.body, tt.says) {
			t.Errorf("%s: login = %d; want %d saying %q\n%s", tt.name, r.StatusCode, tt.status, tt.says, r.body)
		}
		if _, ok := r.cookie(SessionCookie); ok {
			t.Errorf("%s: login set a session cookie", tt.name)
		}
	}
	if n := f.h.sessions.len(); n != 0 {
		t.Errorf("%d sessions after refused logins; want 0", n)
	}
}

func TestLoginCSRF(t *testing.T) {
	f := newFixture(t)
	f.sysop("root")
	form := func(token string) url.Values {
		return url.Values{"csrf": {token}, "handle": {"root"}, "password": {"password-root"}}
	}
	tests := []struct {
		name   string
		prep   func(*client) url.Values
		status int
	}{
		{"no login cookie", func(c *client) url.Values { return form(randomToken()) }, http.StatusForbidden},
		{"no token", func(c *client) url.Values {
			c.get(Prefix + "login")
			return form("")
		}, http.StatusForbidden},
		{"another token", func(c *client) url.Values {
			c.get(Prefix + "login")
			return form(randomToken())
		}, http.StatusForbidden},
		{"another site", func(c *client) url.Values {
			t := tokenIn(c.get(Prefix + "login").body)
			c.origin = "https://evil.example"
			return form(t)
		}, http.StatusForbidden},
		{"right token", func(c *client) url.Values { return form(tokenIn(c.get(Prefix + "login").body)) }, http.StatusSeeOther},
	}
	for _, tt := range tests {
		c := f.client()
		r := c.do(http.MethodPost, Prefix+"login", tt.prep(c))
		if r.StatusCode != tt.status {
			t.Errorf("%s: login = %d; want %d\n%s", tt.name, r.StatusCode, tt.status, r.body)
		}
		if _, ok := r.cookie(SessionCookie); ok != (tt.status == http.StatusSeeOther) {
			t.Errorf("%s: session cookie set = %v", tt.name, ok)
		}
	}
}

func TestLoginSecondFactor(t *testing.T) {
	f := newFixture(t)
	root := f.sysop("root")
	secret := f.withTOTP(root)
	c := f.client()
	r := c.login("root", "password-root")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login/code" {
		t.Fatalf("password of a sysop with a second factor = %d to %q; want 303 to the code", r.StatusCode, r.Header.Get("Location"))
	}
	pending := c.cookies[SessionCookie]
	// Waiting for the code is not being in.
	if r := c.get(Prefix + "users"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login/code" {
		t.Errorf("GET users before the code = %d to %q; want 303 to the code", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.post(Prefix+"broadcast", url.Values{"text": {"hi"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login/code" {
		t.Errorf("POST broadcast before the code = %d to %q; want 303 to the code", r.StatusCode, r.Header.Get("Location"))
	}
	form := c.get(Prefix + "login/code")
	if form.StatusCode != http.StatusOK || tokenIn(form.body) != c.csrf() {
		t.Fatalf("code form = %d with token %q\n%s", form.StatusCode, tokenIn(form.body), form.body)
	}
	if r := c.post(Prefix+"login/code", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "not right") {
		t.Errorf("wrong code = %d; want 401\n%s", r.StatusCode, r.body)
	}
	if r := c.post(Prefix+"login/code", url.Values{"code": {"1234"}, "csrf": {"forged"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("code with a forged token = %d; want 403", r.StatusCode)
	}
	good := code(t, secret, time.Now())
	r = c.post(Prefix+"login/code", url.Values{"code": {good}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix {
		t.Fatalf("right code = %d to %q; want 303 to %s\n%s", r.StatusCode, r.Header.Get("Location"), Prefix, r.body)
	}
	if c.cookies[SessionCookie] == pending {
		t.Errorf("the session after the code kept the pending login's id; want a new one")
	}
	if r := c.get(Prefix + "users"); r.StatusCode != http.StatusOK {
		t.Errorf("GET users after the code = %d; want 200", r.StatusCode)
	}
	// The same code again, for a second login: refused (used once).
	c2 := f.client()
	c2.login("root", "password-root")
	if r := c2.post(Prefix+"login/code", url.Values{"code": {good}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a code used already = %d; want 401", r.StatusCode)
	}
	// Too many wrong codes end the login.
	var last reply
	for range DefaultMaxCodeTries - 1 {
		last = c2.post(Prefix+"login/code", url.Values{"code": {"999999"}})
	}
	if last.StatusCode != http.StatusUnauthorized || !strings.Contains(last.body, "Too many wrong codes") {
		t.Errorf("wrong code number %d = %d; want 401 saying too many\n%s", DefaultMaxCodeTries, last.StatusCode, last.body)
	}
	if r := c2.get(Prefix + "login/code"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login" {
		t.Errorf("code form after too many wrong codes = %d to %q; want 303 to the login", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestPendingLoginExpires(t *testing.T) {
	f := newFixture(t)
	f.withTOTP(f.sysop("root"))
	c := f.client()
	c.login("root", "password-root")
	f.advance(DefaultLoginTimeout)
	if r := c.get(Prefix + "login/code"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login" {
		t.Errorf("code form after login_timeout = %d to %q; want 303 to the login", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestSessionExpiry(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration // requests after each
		alive bool
	}{
		{"used within the idle time", []time.Duration{29 * time.Minute, 29 * time.Minute}, true},
		{"idle too long", []time.Duration{DefaultIdleTimeout}, false},
		{"past its lifetime though used", func() []time.Duration {
			var s []time.Duration
			for range DefaultSessionLifetime / (20 * time.Minute) {
				s = append(s, 20*time.Minute)
			}
			return s
		}(), false},
	}
	for _, tt := range tests {
		f := newFixture(t)
		root := f.sysop("root")
		c := f.client()
		c.loginSysop(root)
		var r reply
		for _, d := range tt.steps {
			f.advance(d)
			r = c.get(Prefix + "users")
		}
		if alive := r.StatusCode == http.StatusOK; alive != tt.alive {
			t.Errorf("%s: GET users = %d; want alive %v", tt.name, r.StatusCode, tt.alive)
		}
		if !tt.alive {
			if r := c.post(Prefix+"broadcast", url.Values{"text": {"hi"}, "csrf": {"x"}}); r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "session has ended") {
				t.Errorf("%s: POST on an expired session = %d; want 403 saying it ended\n%s", tt.name, r.StatusCode, r.body)
			}
		}
	}
}

func TestForgedCookie(t *testing.T) {
	f := newFixture(t)
	root := f.sysop("root")
	real := f.client()
	real.loginSysop(root)
	for _, forged := range []string{randomToken(), "", "x", real.cookies[SessionCookie] + "A", strings.ToUpper(real.cookies[SessionCookie])} {
		c := f.client()
		c.cookies[SessionCookie] = forged
		if r := c.get(Prefix + "users"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix+"login" {
			t.Errorf("GET users with cookie %q = %d; want 303 to the login", forged, r.StatusCode)
		}
		if r := c.post(Prefix+"user/lock", url.Values{"handle": {"root"}, "locked": {"1"}, "csrf": {real.csrf()}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("POST lock with cookie %q = %d; want 403", forged, r.StatusCode)
		}
	}
	if f.user("root").InGroup(store.GroupLocked) {
		t.Errorf("a forged cookie locked the account")
	}
}
