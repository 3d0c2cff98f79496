package webadmin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// TestProfileSavesChangedFields: the profile form saves only the fields
// the sysop changed on the page, so a value shown cleaned (control
// sequences stripped) is not saved over the stored one, and says which
// fields were saved and which refused.
func TestProfileSavesChangedFields(t *testing.T) {
	f, c := sysopClient(t)
	erin := f.addUser("erin", "x")
	if _, err := f.st.Users.ModifyUser(t.Context(), erin.ID, func(u *store.User) error {
		u.RealName = "Erin \x1b[1mEk"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	form := formIn(c.get(Prefix+"user?handle=erin").body, "/admin/user/profile")
	if form.Get("real_name") != "Erin Ek" || form.Get("shown_real_name") != "Erin Ek" || form.Get("shown_location") != "Springfield" {
		t.Fatalf("the profile form = %v", form)
	}
	tests := []struct {
		name  string
		set   url.Values
		flash string
		check func(*store.User) bool
	}{
		{"nothing", nil, "erin: nothing changed.", func(u *store.User) bool { return u.RealName == "Erin \x1b[1mEk" }},
		{"the location", url.Values{"location": {"Oslo"}}, "erin: location saved.",
			func(u *store.User) bool { return u.Location == "Oslo" && u.RealName == "Erin \x1b[1mEk" }},
		{"a good and a bad field", url.Values{"location": {"Bergen"}, "email": {"erin@"}},
			"erin: location saved; not saved: e-mail (That does not look like an e-mail address.).",
			func(u *store.User) bool {
				return u.Location == "Bergen" && u.Email == "" && u.RealName == "Erin \x1b[1mEk"
			}},
		{"two bad fields", url.Values{"real_name": {strings.Repeat("x", 500)}, "email": {"a b@c.d"}},
			"", func(u *store.User) bool { return u.RealName == "Erin \x1b[1mEk" && u.Email == "" }},
	}
	for _, tt := range tests {
		form := formIn(c.get(Prefix+"user?handle=erin").body, "/admin/user/profile")
		for k, v := range tt.set {
			form[k] = v
		}
		p := c.follow(Prefix+"user/profile", form)
		got := flashOf(p.body)
		if tt.flash != "" && got != tt.flash {
			t.Errorf("%s: the page after says %q; want %q", tt.name, got, tt.flash)
		}
		if tt.flash == "" && (!strings.HasPrefix(got, "erin: not saved: real name (") || !strings.Contains(got, "; e-mail (E-mail addresses cannot contain spaces.).")) {
			t.Errorf("%s: the page after says %q; want both refusals", tt.name, got)
		}
		if u := f.user("erin"); !tt.check(u) {
			t.Errorf("%s: erin is now %+v", tt.name, u)
		}
	}
}

// TestOwnEmailAsksPassword: a sysop changing their own e-mail address
// (where password resets go) gives their password again; their other
// fields, and other accounts' addresses, do not need it.
func TestOwnEmailAsksPassword(t *testing.T) {
	f, c := sysopClient(t)
	f.addUser("erin", "x")
	page := c.get(Prefix + "user?handle=root")
	if !strings.Contains(page.body, "Your password, to change your own e-mail") {
		t.Errorf("one's own page does not ask for the password:\n%s", page.body)
	}
	if p := c.get(Prefix + "user?handle=erin"); strings.Contains(p.body, `name="password"`) {
		t.Errorf("another's page asks for a password")
	}
	const refused = "root: not saved: e-mail (your password was not right: it is asked again to change your own address)."
	tests := []struct {
		name     string
		set      url.Values
		flash    string
		email    string
		location string
	}{
		{"no password", url.Values{"email": {"root@example.org"}}, refused, "", "Springfield"},
		{"a wrong password", url.Values{"email": {"root@example.org"}, "password": {"nope"}}, refused, "", "Springfield"},
		{"the location, no password", url.Values{"location": {"Oslo"}}, "root: location saved.", "", "Oslo"},
		{"the location and the e-mail, no password", url.Values{"location": {"Bergen"}, "email": {"root@example.org"}},
			"root: location saved; not saved: e-mail (your password was not right: it is asked again to change your own address).", "", "Bergen"},
		{"the password", url.Values{"email": {"root@example.org"}, "password": {"password-root"}}, "root: e-mail saved.", "root@example.org", "Bergen"},
	}
	for _, tt := range tests {
		form := formIn(c.get(Prefix+"user?handle=root").body, "/admin/user/profile")
		for k, v := range tt.set {
			form[k] = v
		}
		if got := flashOf(c.follow(Prefix+"user/profile", form).body); got != tt.flash {
			t.Errorf("%s: the page after says %q; want %q", tt.name, got, tt.flash)
		}
		if u := f.user("root"); u.Email != tt.email || u.Location != tt.location {
			t.Errorf("%s: root's e-mail %q, location %q; want %q, %q", tt.name, u.Email, u.Location, tt.email, tt.location)
		}
	}
	form := formIn(c.get(Prefix+"user?handle=erin").body, "/admin/user/profile")
	form.Set("email", "erin@example.org")
	if got := flashOf(c.follow(Prefix+"user/profile", form).body); got != "erin: e-mail saved." {
		t.Errorf("another's e-mail said %q", got)
	}
}

// TestOwnSecondFactorRemoval: a sysop turning off their own second
// factor gives their password again; the session that does it goes on,
// their other sessions end (the credentials changed).
func TestOwnSecondFactorRemoval(t *testing.T) {
	f := newFixture(t)
	root := f.sysop("root")
	secret := f.withTOTP(root)
	f.withTOTP(f.sysop("other"))
	c, elsewhere := f.client(), f.client()
	for i, cl := range []*client{c, elsewhere} {
		cl.login("root", "password-root")
		when := time.Now().Add(time.Duration(i) * 30 * time.Second) // a code is used once
		if r := cl.post(Prefix+"login/code", url.Values{"code": {code(t, secret, when)}}); r.Header.Get("Location") != Prefix {
			t.Fatalf("code = %d to %q\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
		}
	}
	form := formIn(c.get(Prefix+"user?handle=root").body, "/admin/user/totp")
	if _, ok := form["password"]; !ok {
		t.Fatalf("the form to remove one's own second factor asks no password: %v", form)
	}
	const refused = "Your password was not right: your two-factor login stays. It is asked again to turn off your own."
	for _, pw := range []string{"", "wrong"} {
		form.Set("password", pw)
		if got := flashOf(c.follow(Prefix+"user/totp", form).body); got != refused {
			t.Errorf("removing one's own with password %q said %q; want %q", pw, got, refused)
		}
	}
	if f.user("root").TOTP.Secret == "" {
		t.Fatalf("the second factor went without the password")
	}
	form.Set("password", "password-root")
	if got := flashOf(c.follow(Prefix+"user/totp", form).body); got != "root: two-factor login removed." {
		t.Errorf("removing one's own with the password said %q", got)
	}
	if f.user("root").TOTP.Secret != "" {
		t.Errorf("the second factor is still there")
	}
	if !c.alive() {
		t.Errorf("the session that removed its own second factor ended")
	}
	if elsewhere.alive() {
		t.Errorf("the sysop's other session outlived the change of its second factor")
	}
	// Another's needs no password.
	if p := formIn(c.get(Prefix+"user?handle=other").body, "/admin/user/totp"); p == nil || p.Has("password") {
		t.Errorf("the form to remove another's second factor = %v; want one without a password", p)
	} else if got := flashOf(c.follow(Prefix+"user/totp", p).body); got != "other: two-factor login removed." {
		t.Errorf("removing another's said %q", got)
	}
	if r := c.get(Prefix + "user?handle=root"); r.StatusCode != http.StatusOK || strings.Contains(r.body, `action="/admin/user/totp"`) {
		t.Errorf("root's page after = %d, still offering removal", r.StatusCode)
	}
}
