package webadmin

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/x84bbs/x84/store"
)

// sysopRoutes lists every route only a sysop's session may use, as
// method and path.
func sysopRoutes(h *Handler) [][2]string {
	var out [][2]string
	for p, methods := range h.routes {
		for m, rt := range methods {
			if rt.who == sysop {
				out = append(out, [2]string{m, p})
			}
		}
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[1]+a[0], b[1]+b[0]) })
	return out
}

func TestEveryPageCovered(t *testing.T) {
	f := newFixture(t)
	var got []string
	for _, r := range sysopRoutes(f.h) {
		got = append(got, r[0]+" "+r[1])
	}
	want := []string{"GET /admin/", "POST /admin/broadcast", "GET /admin/bans", "POST /admin/bans/add", "POST /admin/bans/remove",
		"GET /admin/charts", "GET /admin/config", "POST /admin/disconnect", "GET /admin/messages",
		"POST /admin/messages/delete", "GET /admin/oneliners", "POST /admin/oneliners/delete", "GET /admin/user",
		"GET /admin/user/delete", "POST /admin/user/delete", "POST /admin/user/groups", "POST /admin/user/level",
		"POST /admin/user/lock", "POST /admin/user/profile", "POST /admin/user/sysop", "POST /admin/user/totp",
		"POST /admin/user/validate", "GET /admin/users", "GET /admin/who.json"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("sysop routes = %v\nwant %v", got, want)
	}
	// Logging out needs a session of any kind, and the form's token.
	if rt := f.h.routes[Prefix+"logout"][http.MethodPost]; rt.who != anySession {
		t.Errorf("POST logout is for %v; want anySession", rt.who)
	}
}

// params are a request's parameters that name a real target, so that a
// refusal is the admin's and not a missing user's.
var params = url.Values{"handle": {"erin"}, "confirm": {"erin"}, "locked": {"1"}, "sysop": {"1"}, "level": {"50"},
	"groups": {"staff"}, "text": {"hello"}, "address": {"203.0.113.9"}, "id": {"1"}, "node": {"1"}, "area": {"general"},
	"real_name": {"Changed"}}

func TestNonSysopRefusedEverywhere(t *testing.T) {
	f := newFixture(t)
	erin := f.addUser("erin", "password-erin")
	for _, rt := range sysopRoutes(f.h) {
		c := f.client()
		// A session of a non-sysop, as a sysop demoted while logged in
		// has: the login never gives one out.
		id, err := f.h.sessions.add(adminSession{userID: erin.ID, handle: erin.Handle, creds: credentialsOf(erin)})
		if err != nil {
			t.Fatal(err)
		}
		c.cookies[SessionCookie] = id
		var r reply
		if rt[0] == http.MethodGet {
			r = c.get(rt[1] + "?" + params.Encode())
		} else {
			form := url.Values{}
			for k, v := range params {
				form[k] = v
			}
			r = c.post(rt[1], form)
		}
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "may not use the admin") {
			t.Errorf("%s %s with a non-sysop's session = %d; want 403 saying not allowed\n%s", rt[0], rt[1], r.StatusCode, r.body)
		}
		if _, ok := c.cookies[SessionCookie]; ok {
			t.Errorf("%s %s: the non-sysop's cookie was not cleared", rt[0], rt[1])
		}
	}
	if n := f.h.sessions.len(); n != 0 {
		t.Errorf("%d sessions left; want the non-sysop's all ended", n)
	}
	u := f.user("erin")
	if u.Level != store.DefaultLevel || u.InGroup(store.GroupLocked) || u.InGroup(store.GroupSysop) || u.RealName != "" {
		t.Errorf("a non-sysop's session changed the account: %+v", u)
	}
}

func TestCSRFRefusedEverywhere(t *testing.T) {
	f := newFixture(t)
	root := f.sysop("root")
	f.addUser("erin", "password-erin")
	other := f.client()
	other.loginSysop(root)
	c := f.client()
	c.loginSysop(root)
	tokens := []struct {
		name  string
		token string
		set   bool
	}{
		{"missing", "", false},
		{"empty", "", true},
		{"wrong", randomToken(), true},
		{"another session's", other.csrf(), true},
		{"the session id", c.cookies[SessionCookie], true},
	}
	for _, rt := range sysopRoutes(f.h) {
		if rt[0] != http.MethodPost {
			continue
		}
		for _, tk := range tokens {
			form := url.Values{}
			for k, v := range params {
				form[k] = v
			}
			if tk.set {
				form.Set("csrf", tk.token)
			}
			r := c.do(http.MethodPost, rt[1], form)
			if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "CSRF") {
				t.Errorf("POST %s with a %s token = %d; want 403 naming the CSRF check\n%s", rt[1], tk.name, r.StatusCode, r.body)
			}
		}
	}
	u := f.user("erin")
	if u.Level != store.DefaultLevel || u.InGroup(store.GroupLocked) || u.InGroup(store.GroupSysop) || u.RealName != "" {
		t.Errorf("POSTs without the token changed the account: %+v", u)
	}
	if bans := f.banner.List(); len(bans) != 0 {
		t.Errorf("POSTs without the token banned %v", bans)
	}
	// The session is still good: a refused form does not end it.
	if r := c.get(Prefix + "users"); r.StatusCode != http.StatusOK {
		t.Errorf("GET users after refused forms = %d; want 200", r.StatusCode)
	}
}

// TestCrossSitePostRefused: a form from another site is refused before
// its token is looked at, whatever the browser says of it; Origin:
// null, which browsers send under the board's no-referrer policy,
// decides nothing, and the token does.
func TestCrossSitePostRefused(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		token   bool // the session's right token
		status  int
	}{
		{"Origin of another site", map[string]string{"Origin": "https://evil.example"}, true, http.StatusForbidden},
		{"Origin of another scheme", map[string]string{"Origin": "http://bbs.example"}, true, http.StatusForbidden},
		{"Origin of another port", map[string]string{"Origin": "https://bbs.example:8443"}, true, http.StatusForbidden},
		{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, true, http.StatusForbidden},
		{"Sec-Fetch-Site same-site", map[string]string{"Sec-Fetch-Site": "same-site"}, true, http.StatusForbidden},
		{"Sec-Fetch-Site none", map[string]string{"Sec-Fetch-Site": "none"}, true, http.StatusForbidden},
		{"Origin null, cross-site", map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"}, true, http.StatusForbidden},
		{"Origin null without the token", map[string]string{"Origin": "null"}, false, http.StatusForbidden},
		{"Origin null with the token", map[string]string{"Origin": "null"}, true, http.StatusSeeOther},
		{"the admin's own origin", map[string]string{"Origin": "https://bbs.example", "Sec-Fetch-Site": "same-origin"}, true, http.StatusSeeOther},
		{"no such headers (an older browser)", nil, true, http.StatusSeeOther},
	}
	for _, tt := range tests {
		f := newFixture(t)
		f.addUser("erin", "password-erin")
		c := f.client()
		c.loginSysop(f.sysop("root"))
		c.headers = tt.headers
		form := url.Values{"handle": {"erin"}, "locked": {"1"}, "csrf": {"wrong"}}
		if tt.token {
			form.Set("csrf", c.csrf())
		}
		r := c.do(http.MethodPost, Prefix+"user/lock", form)
		if r.StatusCode != tt.status {
			t.Errorf("%s: POST lock = %d; want %d\n%s", tt.name, r.StatusCode, tt.status, r.body)
		}
		if locked := f.user("erin").InGroup(store.GroupLocked); locked != (tt.status == http.StatusSeeOther) {
			t.Errorf("%s: erin locked = %v after a %d", tt.name, locked, r.StatusCode)
		}
		// Nor does a login form from another site get in.
		if tt.status == http.StatusForbidden && tt.token {
			l := f.client()
			token := tokenIn(l.get(Prefix + "login").body)
			l.headers = tt.headers
			r := l.do(http.MethodPost, Prefix+"login", url.Values{"csrf": {token}, "handle": {"root"}, "password": {"password-root"}})
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("%s: POST login = %d; want 403", tt.name, r.StatusCode)
			}
		}
	}
}

func TestLockedSysopLosesAccess(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *fixture)
	}{
		{"locked", func(f *fixture) { f.accounts.SetLocked(f.t.Context(), "ann", true) }},
		{"no longer a sysop", func(f *fixture) { f.accounts.SetSysop(f.t.Context(), "ann", false) }},
		{"deleted", func(f *fixture) { f.accounts.Delete(f.t.Context(), "ann") }},
		{"deleted, handle taken again", func(f *fixture) {
			f.accounts.Delete(f.t.Context(), "ann")
			f.sysop("ann")
		}},
	}
	for _, tt := range tests {
		f := newFixture(t)
		ann := f.sysop("ann")
		c := f.client()
		c.loginSysop(ann)
		if r := c.get(Prefix + "users"); r.StatusCode != http.StatusOK {
			t.Fatalf("%s: GET users before = %d", tt.name, r.StatusCode)
		}
		tt.change(f)
		old := c.cookies[SessionCookie]
		if r := c.get(Prefix + "users"); r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "may not use the admin") {
			t.Errorf("%s: the next GET = %d; want 403 at once\n%s", tt.name, r.StatusCode, r.body)
		}
		// Unlocked or promoted again, the old session stays ended.
		f.accounts.SetLocked(f.t.Context(), "ann", false)
		f.accounts.SetSysop(f.t.Context(), "ann", true)
		c.cookies[SessionCookie] = old
		if r := c.get(Prefix + "users"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: the old cookie after the account is back = %d; want 303 to the login", tt.name, r.StatusCode)
		}
	}
}

func TestUnknownPaths(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, Prefix + "nope", http.StatusNotFound, ""},
		{http.MethodGet, Prefix + "../api/who", http.StatusNotFound, ""},
		{http.MethodPut, Prefix + "users", http.StatusMethodNotAllowed, "GET, HEAD"},
		{http.MethodGet, Prefix + "logout", http.StatusMethodNotAllowed, "POST"},
		{http.MethodHead, Prefix + "logout", http.StatusMethodNotAllowed, "POST"},
		{http.MethodDelete, Prefix + "login", http.StatusMethodNotAllowed, "GET, HEAD, POST"},
	}
	for _, tt := range tests {
		r := c.do(tt.method, tt.path, nil)
		if r.StatusCode != tt.status || r.Header.Get("Allow") != tt.allow || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s %s = %d, Allow %q, %s; want %d, Allow %q, HTML", tt.method, tt.path, r.StatusCode, r.Header.Get("Allow"),
				r.Header.Get("Content-Type"), tt.status, tt.allow)
		}
	}
	for _, p := range []string{"admin.css", "admin.js"} {
		r := c.get(Prefix + "assets/" + p)
		if r.StatusCode != http.StatusOK || r.Header.Get("ETag") == "" || len(r.body) < 100 {
			t.Errorf("GET assets/%s = %d, ETag %q", p, r.StatusCode, r.Header.Get("ETag"))
		}
	}
}
