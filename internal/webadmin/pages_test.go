package webadmin

import (
	"fmt"
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
)

// sysopClient is a fixture with a sysop "root" logged in.
func sysopClient(t *testing.T, su ...setup) (*fixture, *client) {
	f := newFixture(t, su...)
	c := f.client()
	c.loginSysop(f.sysop("root"))
	return f, c
}

// follow posts and then reads the page the post sends the browser to,
// as a browser does; it returns that page.
func (c *client) follow(path string, form url.Values) reply {
	c.t.Helper()
	r := c.post(path, form)
	if r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("POST %s = %d; want 303\n%s", path, r.StatusCode, r.body)
	}
	return c.get(r.Header.Get("Location"))
}

// flashOf returns the notice on a page, unescaped.
func flashOf(body string) string {
	_, rest, ok := strings.Cut(body, `role="status">`)
	if !ok {
		return ""
	}
	text, _, _ := strings.Cut(rest, "</p>")
	return html.UnescapeString(text)
}

func TestWho(t *testing.T) {
	f, c := sysopClient(t)
	f.online("erin", "reading \x1b[31mmail")
	r := c.get(Prefix)
	for _, want := range []string{"erin", "reading mail", `action="/admin/disconnect"`, `name="node" value="1"`, `action="/admin/broadcast"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("who's online lacks %q\n%s", want, r.body)
		}
	}
	j := c.get(Prefix + "who.json")
	if j.Header.Get("Content-Type") != "application/json" || !strings.Contains(j.body, `"user":"erin"`) || !strings.Contains(j.body, `"activity":"reading mail"`) {
		t.Errorf("who.json = %s %s", j.Header.Get("Content-Type"), j.body)
	}
	got := make(chan events.Broadcast, 1)
	cancel := f.bus.Subscribe(events.TopicBroadcast, func(ev events.Event) { got <- ev.Data.(events.Broadcast) })
	defer cancel()
	if p := c.follow(Prefix+"broadcast", url.Values{"text": {"  back in 5  "}}); flashOf(p.body) != "Broadcast sent to 1 sessions." {
		t.Errorf("broadcast said %q", flashOf(p.body))
	}
	if b := <-got; b.Text != "back in 5" {
		t.Errorf("broadcast event = %+v", b)
	}
	if p := c.follow(Prefix+"broadcast", url.Values{"text": {strings.Repeat("x", community.BroadcastMax+1)}}); !strings.Contains(flashOf(p.body), "at most") {
		t.Errorf("too long a broadcast said %q", flashOf(p.body))
	}
	if !strings.Contains(j.body, `"since":"`) {
		t.Errorf("who.json has no start times for the disconnect buttons: %s", j.body)
	}
	erins := formIn(c.get(Prefix).body, "/admin/disconnect")
	if erins.Get("since") == "" {
		t.Fatalf("the disconnect button sends no start time: %v", erins)
	}
	if p := c.follow(Prefix+"disconnect", erins); flashOf(p.body) != "Node 1 disconnected." {
		t.Errorf("disconnect said %q", flashOf(p.body))
	}
	if f.reg.Len() != 0 {
		t.Errorf("%d sessions after disconnect; want 0", f.reg.Len())
	}
	if p := c.follow(Prefix+"disconnect", erins); flashOf(p.body) != "Nobody is on node 1." {
		t.Errorf("disconnecting nobody said %q", flashOf(p.body))
	}
	if r := c.get(Prefix); !strings.Contains(r.body, "Nobody is online.") {
		t.Errorf("who's online with nobody:\n%s", r.body)
	}
	// A later caller on node 1: erin's button, from a page not yet
	// refreshed, leaves him be; so does a form without the start time.
	f.online("bob", "main menu")
	for _, form := range []url.Values{erins, {"node": {"1"}}, {"node": {"1"}, "since": {"x"}}} {
		if p := c.follow(Prefix+"disconnect", form); flashOf(p.body) != "The call you saw on node 1 has ended; another caller is there now. Nobody was disconnected." {
			t.Errorf("disconnect %v of a call that ended, with bob on the node, said %q", form, flashOf(p.body))
		}
	}
	if f.reg.Len() != 1 {
		t.Errorf("%d sessions after disconnecting a call that ended; want bob's", f.reg.Len())
	}
}

// formIn returns the fields of the first form of a page that posts to
// action, with the values the page gave them: what a browser sends.
func formIn(body, action string) url.Values {
	_, rest, ok := strings.Cut(body, `action="`+action+`"`)
	if !ok {
		return nil
	}
	form, _, _ := strings.Cut(rest, "</form>")
	out := url.Values{}
	for _, m := range inputField.FindAllStringSubmatch(form, -1) {
		value := ""
		if v := inputValue.FindStringSubmatch(m[0]); v != nil {
			value = html.UnescapeString(v[1])
		}
		out.Set(m[1], value)
	}
	return out
}

var (
	inputField = regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*>`)
	inputValue = regexp.MustCompile(`value="([^"]*)"`)
)

func TestUsersList(t *testing.T) {
	f, c := sysopClient(t, func(c *Config) { c.PageSize = 10 })
	for i := range 25 {
		f.addUser(fmt.Sprintf("user%02d", i), "x")
	}
	tests := []struct {
		query     string
		count     int
		first     string
		next, pre bool
	}{
		{"", 10, "root", true, false},
		{"?page=2", 10, "user09", true, true},
		{"?page=3", 6, "user19", false, true},
		{"?page=99", 6, "user19", false, true},
		{"?page=-1", 10, "root", true, false},
		{"?q=USER1", 10, "user10", false, false},
		{"?q=zzz", 0, "", false, false},
		{"?q=" + strings.Repeat("a", 1000), 0, "", false, false},
	}
	for _, tt := range tests {
		r := c.get(Prefix + "users" + tt.query)
		rows := strings.Count(r.body, `href="/admin/user?handle=`)
		first := ""
		if _, rest, ok := strings.Cut(r.body, `href="/admin/user?handle=`); ok {
			first, _, _ = strings.Cut(rest, `"`)
		}
		if r.StatusCode != http.StatusOK || rows != tt.count || first != tt.first ||
			strings.Contains(r.body, `rel="next"`) != tt.next || strings.Contains(r.body, `rel="prev"`) != tt.pre {
			t.Errorf("users%s = %d, %d rows from %q, next %v, prev %v; want %d rows from %q, next %v, prev %v",
				tt.query, r.StatusCode, rows, first, strings.Contains(r.body, `rel="next"`), strings.Contains(r.body, `rel="prev"`),
				tt.count, tt.first, tt.next, tt.pre)
		}
	}
}

func TestUserChanges(t *testing.T) {
	f, c := sysopClient(t)
	f.addUser("erin", "password-erin", store.GroupUnvalidated)
	f.withTOTP(f.user("erin"))
	page := c.get(Prefix + "user?handle=erin")
	for _, want := range []string{"unvalidated", "2FA", `action="/admin/user/validate"`, `action="/admin/user/totp"`, "Delete…"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("erin's page lacks %q", want)
		}
	}
	tests := []struct {
		name  string
		path  string
		form  url.Values
		flash string
		check func(*store.User) bool
	}{
		{"profile", "user/profile", url.Values{"real_name": {"Erin Ek"}, "location": {"Oslo"}, "email": {"erin@example.org"}},
			"erin: real name, location, e-mail saved.", func(u *store.User) bool {
				return u.RealName == "Erin Ek" && u.Location == "Oslo" && u.Email == "erin@example.org"
			}},
		{"bad e-mail", "user/profile", url.Values{"real_name": {"Erin Ek"}, "location": {"Oslo"}, "email": {"not an address"},
			"shown_real_name": {"Erin Ek"}, "shown_location": {"Oslo"}, "shown_email": {"erin@example.org"}},
			"erin: not saved: e-mail (E-mail addresses cannot contain spaces.).", func(u *store.User) bool { return u.Email == "erin@example.org" }},
		{"nothing changed", "user/profile", url.Values{"real_name": {"Erin Ek"}, "location": {"Oslo"}, "email": {"erin@example.org"},
			"shown_real_name": {"Erin Ek"}, "shown_location": {"Oslo"}, "shown_email": {"erin@example.org"}},
			"erin: nothing changed.", func(u *store.User) bool { return u.Email == "erin@example.org" }},
		{"level", "user/level", url.Values{"level": {"77"}}, "erin: level set to 77.", func(u *store.User) bool { return u.Level == 77 }},
		{"level too high", "user/level", url.Values{"level": {"256"}}, "Levels are whole numbers from 0 to 255.",
			func(u *store.User) bool { return u.Level == 77 }},
		{"level not a number", "user/level", url.Values{"level": {"lots"}}, "Levels are whole numbers from 0 to 255.",
			func(u *store.User) bool { return u.Level == 77 }},
		{"groups", "user/groups", url.Values{"groups": {"staff, elite"}}, "erin: groups set.",
			func(u *store.User) bool {
				return u.InGroup("staff") && u.InGroup("elite") && u.InGroup(store.GroupUnvalidated)
			}},
		{"a reserved group", "user/groups", url.Values{"groups": {"sysop"}},
			`"sysop" is not set with the other groups: sysop, locked and unvalidated have their own commands.`,
			func(u *store.User) bool { return !u.InGroup(store.GroupSysop) && u.InGroup("staff") }},
		{"validate", "user/validate", nil, "erin: validated.", func(u *store.User) bool { return !u.InGroup(store.GroupUnvalidated) }},
		{"lock", "user/lock", url.Values{"locked": {"1"}}, "erin: locked.", func(u *store.User) bool { return u.InGroup(store.GroupLocked) }},
		{"unlock", "user/lock", url.Values{"locked": {"0"}}, "erin: unlocked.", func(u *store.User) bool { return !u.InGroup(store.GroupLocked) }},
		{"make sysop", "user/sysop", url.Values{"sysop": {"1"}}, "erin: made a sysop.", func(u *store.User) bool { return u.InGroup(store.GroupSysop) }},
		{"remove sysop", "user/sysop", url.Values{"sysop": {"0"}}, "erin: no longer a sysop.", func(u *store.User) bool { return !u.InGroup(store.GroupSysop) }},
		{"remove 2FA", "user/totp", nil, "erin: two-factor login removed.", func(u *store.User) bool { return u.TOTP.Secret == "" }},
		{"remove 2FA again", "user/totp", nil, "This account has no two-factor login.", func(u *store.User) bool { return u.TOTP.Secret == "" }},
	}
	for _, tt := range tests {
		form := url.Values{"handle": {"erin"}}
		for k, v := range tt.form {
			form[k] = v
		}
		p := c.follow(Prefix+tt.path, form)
		if got := flashOf(p.body); got != tt.flash {
			t.Errorf("%s: the page after says %q; want %q", tt.name, got, tt.flash)
		}
		if u := f.user("erin"); !tt.check(u) {
			t.Errorf("%s: erin is now %+v", tt.name, u)
		}
	}
}

func TestUserSelfProtection(t *testing.T) {
	f, c := sysopClient(t)
	for _, tt := range []struct {
		path string
		form url.Values
	}{
		{"user/lock", url.Values{"locked": {"1"}}},
		{"user/sysop", url.Values{"sysop": {"0"}}},
		{"user/delete", url.Values{"confirm": {"ROOT"}}},
	} {
		tt.form.Set("handle", "Root")
		if p := c.follow(Prefix+tt.path, tt.form); !strings.Contains(flashOf(p.body), "your own") {
			t.Errorf("%s of one's own account said %q", tt.path, flashOf(p.body))
		}
	}
	if u := f.user("root"); !u.InGroup(store.GroupSysop) || u.InGroup(store.GroupLocked) {
		t.Errorf("root is now %+v", u)
	}
}

func TestUserDelete(t *testing.T) {
	f, c := sysopClient(t)
	f.addUser("erin", "x")
	form := c.get(Prefix + "user/delete?handle=erin")
	if form.StatusCode != http.StatusOK || !strings.Contains(form.body, "Type the handle to confirm") {
		t.Fatalf("delete form = %d\n%s", form.StatusCode, form.body)
	}
	if p := c.follow(Prefix+"user/delete", url.Values{"handle": {"erin"}}); !strings.Contains(flashOf(p.body), "Type the handle") {
		t.Errorf("delete without confirming said %q", flashOf(p.body))
	}
	if p := c.follow(Prefix+"user/delete", url.Values{"handle": {"erin"}, "confirm": {"erik"}}); !strings.Contains(flashOf(p.body), "Type the handle") {
		t.Errorf("delete confirmed with another handle said %q", flashOf(p.body))
	}
	if _, err := f.st.Users.User(t.Context(), "erin"); err != nil {
		t.Fatalf("erin gone before the confirmation: %v", err)
	}
	if p := c.follow(Prefix+"user/delete", url.Values{"handle": {"erin"}, "confirm": {"ERIN"}}); flashOf(p.body) != "erin: deleted." {
		t.Errorf("delete said %q", flashOf(p.body))
	}
	if _, err := f.st.Users.User(t.Context(), "erin"); err == nil {
		t.Errorf("erin still there after the delete")
	}
	if r := c.get(Prefix + "user?handle=erin"); r.StatusCode != http.StatusNotFound {
		t.Errorf("the page of a deleted user = %d; want 404", r.StatusCode)
	}
}

func TestBansPage(t *testing.T) {
	f, c := sysopClient(t)
	if p := c.follow(Prefix+"bans/add", url.Values{"address": {"203.0.113.7"}}); flashOf(p.body) != "203.0.113.7 banned." ||
		!strings.Contains(p.body, "<td>203.0.113.7</td>") || !strings.Contains(p.body, "never ends") {
		t.Errorf("after a ban: %q\n%s", flashOf(p.body), p.body)
	}
	if p := c.follow(Prefix+"bans/add", url.Values{"address": {"2001:db8::/48"}}); flashOf(p.body) != "2001:db8::/48 banned." {
		t.Errorf("range ban said %q", flashOf(p.body))
	}
	if p := c.follow(Prefix+"bans/add", url.Values{"address": {"not an address"}}); !strings.Contains(flashOf(p.body), "not an IP address") {
		t.Errorf("a bad address said %q", flashOf(p.body))
	}
	if err := f.banner.Check(netip.MustParseAddr("203.0.113.7")); err == nil {
		t.Errorf("203.0.113.7 is not banned after the admin banned it")
	}
	if p := c.follow(Prefix+"bans/remove", url.Values{"address": {"203.0.113.7"}}); flashOf(p.body) != "203.0.113.7 unbanned." {
		t.Errorf("unban said %q", flashOf(p.body))
	}
	if p := c.follow(Prefix+"bans/remove", url.Values{"address": {"203.0.113.7"}}); flashOf(p.body) != "203.0.113.7 is not banned" {
		t.Errorf("unbanning again said %q", flashOf(p.body))
	}
	if got := len(f.banner.List()); got != 1 {
		t.Errorf("%d bans left; want 1", got)
	}
}

func TestOnelinersPage(t *testing.T) {
	f, c := sysopClient(t)
	// Stored directly, as an older board or an import might have: the
	// page must still show no markup and no control sequences.
	evil := &store.Oneliner{Handle: "mallory", Text: "<script>alert(1)</script>\x1b[2J\x1b]0;pwned\x07 hi", Posted: time.Now()}
	if err := f.st.Oneliners.AddOneliner(t.Context(), evil, 0); err != nil {
		t.Fatal(err)
	}
	keep := &store.Oneliner{Handle: "erin", Text: "keep me", Posted: time.Now()}
	f.st.Oneliners.AddOneliner(t.Context(), keep, 0)
	r := c.get(Prefix + "oneliners")
	if strings.Contains(r.body, "<script>alert") || strings.ContainsAny(r.body, "\x1b\x07") || strings.Contains(r.body, "pwned") {
		t.Errorf("one-liners page shows markup or control sequences:\n%s", r.body)
	}
	if !strings.Contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt; hi") || !strings.Contains(r.body, "keep me") {
		t.Errorf("one-liners page lacks the lines, escaped:\n%s", r.body)
	}
	p := c.follow(Prefix+"oneliners/delete", url.Values{"id": {fmt.Sprint(evil.ID)}})
	if flashOf(p.body) != fmt.Sprintf("One-liner %d deleted.", evil.ID) || strings.Contains(p.body, "alert") {
		t.Errorf("after delete: %q\n%s", flashOf(p.body), p.body)
	}
	if p := c.follow(Prefix+"oneliners/delete", url.Values{"id": {fmt.Sprint(evil.ID)}}); flashOf(p.body) != "That one-liner is gone already." {
		t.Errorf("deleting again said %q", flashOf(p.body))
	}
	if list, _ := f.svc.Oneliners.List(t.Context(), 10); len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("wall after delete = %+v", list)
	}
}

func TestMessagesPage(t *testing.T) {
	f, c := sysopClient(t, func(c *Config) { c.PageSize = 10 })
	erin := f.addUser("erin", "x")
	r := f.svc.Messages.Reading(erin)
	var ids []int64
	for i := range 15 {
		m, err := r.Post(t.Context(), community.Draft{Area: "general", Subject: fmt.Sprintf("Subject %02d <b>", i), Body: "body \x1b[5m text"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	p := c.get(Prefix + "messages")
	if strings.Count(p.body, `action="/admin/messages/delete"`) != 10 || !strings.Contains(p.body, "Subject 00 &lt;b&gt;") ||
		!strings.Contains(p.body, "5 more after this page") || strings.Contains(p.body, "\x1b") {
		t.Errorf("first page of general:\n%s", p.body)
	}
	next := fmt.Sprintf("/admin/messages?after=%d&amp;area=general", ids[9])
	if !strings.Contains(p.body, next) {
		t.Errorf("first page lacks the link %s", next)
	}
	p2 := c.get(html.UnescapeString(next))
	if strings.Count(p2.body, `action="/admin/messages/delete"`) != 5 || strings.Contains(p2.body, `rel="next"`) {
		t.Errorf("second page:\n%s", p2.body)
	}
	d := c.follow(Prefix+"messages/delete", url.Values{"id": {fmt.Sprint(ids[12])}, "area": {"general"}, "after": {fmt.Sprint(ids[9])}})
	if flashOf(d.body) != fmt.Sprintf("Message %d deleted.", ids[12]) || strings.Count(d.body, `action="/admin/messages/delete"`) != 4 {
		t.Errorf("after deleting: %q\n%s", flashOf(d.body), d.body)
	}
	if r := c.get(Prefix + "messages?area=nope"); r.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown area = %d; want 404", r.StatusCode)
	}
	if r := c.get(Prefix + "messages?area=x84"); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "No messages here.") {
		t.Errorf("an empty area = %d\n%s", r.StatusCode, r.body)
	}
}

func TestChartsPage(t *testing.T) {
	f, c := sysopClient(t)
	h := f.h.cfg.History
	start := time.Now().Add(-3 * time.Hour)
	for i := range 36 {
		f.met.Login(i%3 != 0)
		h.Sample(start.Add(time.Duration(i) * 5 * time.Minute))
	}
	r := c.get(Prefix + "charts")
	if r.StatusCode != http.StatusOK || strings.Count(r.body, "<svg") != 2 || strings.Count(r.body, "<polyline") != 3 {
		t.Fatalf("charts = %d\n%s", r.StatusCode, r.body)
	}
	// 36 samples plus the interval in progress, each a point.
	_, rest, _ := strings.Cut(r.body, `class="series sessions" points="`)
	pts, _, _ := strings.Cut(rest, `"`)
	if n := len(strings.Fields(pts)); n != 37 {
		t.Errorf("sessions line has %d points; want 37", n)
	}
	if !strings.Contains(r.body, "25 succeeded, 12 failed") {
		t.Errorf("logins summary missing (the login of the fixture's sysop counts too):\n%s", r.body)
	}
	if strings.Contains(r.body, "style=") {
		t.Errorf("charts use style attributes, which the CSP blocks")
	}
}

// TestChartsCountSecondFactorLogins: a login with a second factor
// counts once, when its code is decided, in the counter the charts'
// sampler reads (the account service's OnLogin).
func TestChartsCountSecondFactorLogins(t *testing.T) {
	f := newFixture(t)
	secret := f.withTOTP(f.sysop("root"))
	c := f.client()
	c.login("root", "password-root")
	if r := c.post(Prefix+"login/code", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong code = %d", r.StatusCode)
	}
	if r := c.post(Prefix+"login/code", url.Values{"code": {code(t, secret, time.Now())}}); r.Header.Get("Location") != Prefix {
		t.Fatalf("right code = %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.get(Prefix + "charts"); !strings.Contains(r.body, "1 succeeded, 1 failed") {
		t.Errorf("charts after a wrong code and a right one lack \"1 succeeded, 1 failed\":\n%s", r.body)
	}
}

func TestNiceTop(t *testing.T) {
	tests := []struct{ in, want float64 }{{0, 4}, {3, 4}, {4, 4}, {5, 8}, {9, 20}, {21, 40}, {150, 200}, {1234, 2000}}
	for _, tt := range tests {
		if got := niceTop(tt.in); got != tt.want {
			t.Errorf("niceTop(%v) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestNoInlineScriptOrStyle(t *testing.T) {
	f, c := sysopClient(t)
	f.addUser("erin", "x")
	for _, p := range []string{"", "users", "user?handle=erin", "user/delete?handle=erin", "bans", "oneliners", "messages", "config", "charts"} {
		r := c.get(Prefix + p)
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", p, r.StatusCode)
			continue
		}
		scripts := strings.Count(r.body, "<script")
		if scripts != 1 || !strings.Contains(r.body, `<script src="/admin/assets/admin.js" defer></script>`) ||
			strings.Contains(r.body, "<style") || strings.Contains(r.body, " style=") || containsHandler(r.body) {
			t.Errorf("GET %s has inline script or style", p)
		}
	}
}

// containsHandler reports whether markup has an inline event handler
// attribute (onclick=…).
func containsHandler(body string) bool {
	for _, a := range []string{" onclick=", " onload=", " onsubmit=", " onerror=", " onchange="} {
		if strings.Contains(body, a) {
			return true
		}
	}
	return false
}

func TestSettingsPage(t *testing.T) {
	f, c := sysopClient(t)
	f.settings.Board.Name = "Masked BBS"
	r := c.get(Prefix + "config")
	if !strings.Contains(r.body, "Masked BBS") || !strings.Contains(r.body, "[admin]") {
		t.Errorf("config page:\n%s", r.body)
	}
}
