package webadmin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzRequest sends any method, path, query and form to the admin, with
// the right token, as the browser that path is for: a logged-in sysop's
// for the sysop's pages; a browser that has the login form (its cookie
// and token, the double submit) for the login; one whose login waits for
// its code for the code form, the cancel and the logout. Whatever the
// request, the answer is a page or a redirect, never a panic or a
// server error.
func FuzzRequest(f *testing.F) {
	f.Add("GET", "/admin/users", "q=a&page=2", "")
	f.Add("GET", "/admin/user", "handle=%00%ff", "")
	f.Add("POST", "/admin/user/level", "", "handle=erin&level=99999999999999999999")
	f.Add("POST", "/admin/user/groups", "", "handle=erin&groups=%1b[31m,,,a b c")
	f.Add("POST", "/admin/user/profile", "", "handle=erin&real_name=x&shown_real_name=y&email=a@&shown_email=")
	f.Add("POST", "/admin/messages/delete", "", "id=-1&area=general&after=x")
	f.Add("GET", "/admin/messages", "area=%00&after=-5", "")
	f.Add("POST", "/admin/bans/add", "", "address=::ffff:1.2.3.4/200")
	f.Add("POST", "/admin/bans/add", "", "address=0.0.0.0/0")
	f.Add("GET", "/admin/bans", "q=%ff%fe&page=-3", "")
	f.Add("POST", "/admin/disconnect", "", "node=99999999999999999999&since=-1")
	f.Add("POST", "/admin/user/delete", "", "handle=&confirm=")
	f.Add("GET", "/admin/who.json", "background=1", "")
	f.Add("PATCH", "/admin/", "", "")
	f.Add("POST", "/admin/login", "", "handle=boss&password=password-boss")
	f.Add("POST", "/admin/login", "", "handle=otp&password=password-otp")
	f.Add("POST", "/admin/login", "", "handle=erin&password=x")
	f.Add("POST", "/admin/login", "", "handle=%00&password=")
	f.Add("GET", "/admin/login", "", "")
	f.Add("POST", "/admin/login/code", "", "code=123456")
	f.Add("POST", "/admin/login/code", "", "code=abcd-efgh-ijkl")
	f.Add("GET", "/admin/login/code", "", "")
	f.Add("POST", "/admin/logout", "", "")
	fx := newFixture(f)
	fx.addUser("erin", "x")
	fx.sysop("boss")
	fx.withTOTP(fx.sysop("otp"))
	c := fx.client()
	c.loginSysop(fx.sysop("root"))
	f.Fuzz(func(t *testing.T, method, path, query, form string) {
		// Only requests net/http would hand over: a method of letters,
		// a path without a query.
		if !strings.HasPrefix(path, Prefix) || strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("?#%", r) }) ||
			method == "" || len(method) > 10 || strings.ContainsFunc(method, func(r rune) bool { return r < 'A' || r > 'Z' }) {
			t.Skip()
		}
		values, err := url.ParseQuery(form)
		if err != nil {
			t.Skip()
		}
		// Never lock out, remove or log in again (which could end the
		// session of) the sysop driving the fuzzer.
		if h := values.Get("handle"); h != "" && strings.EqualFold(h, "root") {
			t.Skip()
		}
		target := path
		if query != "" {
			q, err := url.ParseQuery(query)
			if err != nil {
				t.Skip()
			}
			target += "?" + q.Encode()
		}
		b := c
		switch path {
		case Prefix + "login":
			// A browser with the login form: its cookie and its token.
			b = fx.client()
			token := randomToken()
			b.cookies[LoginCookie] = token
			values.Set("csrf", token)
		case Prefix + "login/code", Prefix + "logout":
			// A browser whose login waits for its code.
			b = fx.client()
			b.t = t
			b.login("otp", "password-otp")
			values.Set("csrf", b.csrf())
		default:
			values.Set("csrf", c.csrf())
		}
		b.t = t
		var r reply
		if method == http.MethodPost {
			r = b.do(method, target, values)
		} else {
			r = b.do(method, target, nil)
		}
		if r.StatusCode >= 500 {
			t.Errorf("%s %s with %q = %d\n%s", method, target, form, r.StatusCode, r.body)
		}
	})
}
