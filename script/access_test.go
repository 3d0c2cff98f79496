package script_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/store"
)

// A message area closed to the caller (its level) is closed to the
// caller's scripts too: not listed, not read, not posted to.
func TestMessagesAreaNeeds(t *testing.T) {
	f := newFixture(t, options{areaNeeds: map[string]access.Need{"x84": {Level: 30}}})
	u := f.addUser("erin")
	f.addUser("amy")
	secret := &store.Message{Area: "x84", From: "amy", Subject: "inner circle", Body: "level 30 only", Created: time.Now()}
	if err := f.store.Messages.PostMessage(t.Context(), secret); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(secret.ID, 10)
	f.write("closed", `
function attempt(f) { try { f(); return "ok"; } catch (e) { return e.message; } }
bbs.print("areas: " + bbs.messages.areas().join(","));
bbs.print("list: " + attempt(function () { bbs.messages.list("x84", 5); }));
bbs.print("read: " + attempt(function () { bbs.messages.read(`+id+`); }));
bbs.print("post: " + attempt(function () { bbs.messages.post({area: "x84", subject: "s", body: "b"}); }));
bbs.print("done");
bbs.key();
`)
	c := f.run(u, "closed")
	scr := c.WaitFor("done")
	for _, want := range []string{"areas: general", `list: There is no message area called "x84".`,
		"read: There is no message " + id + ".", "post: There is no such message area."} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}

	// At level 30 the same script reads it.
	u.Level = 30
	c = f.run(u, "closed")
	scr = c.WaitFor("done")
	for _, want := range []string{"areas: general,x84", "list: ok", "read: ok", "post: ok"} {
		if !strings.Contains(scr, want) {
			t.Errorf("at level 30 the screen lacks %q:\n%s", want, scr)
		}
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// bbs.user tells a script the caller's level and ordinary groups as the
// board counts them: none while the account awaits validation.
func TestUserLevelAndGroups(t *testing.T) {
	f := newFixture(t, options{})
	f.write("me", `
var frozen;
try { bbs.user.groups.push("x"); frozen = "no"; } catch (e) { frozen = "yes"; }
bbs.print("level " + bbs.user.level + " groups [" + bbs.user.groups.join(",") + "] frozen " + frozen);
bbs.key();
`)
	elite := f.addUser("erin", "staff", "elite")
	elite.Level = 30
	waiting := f.addUser("ivy", "staff", store.GroupUnvalidated)
	waiting.Level = 30
	root := f.addUser("root", store.GroupSysop)
	for _, tt := range []struct {
		user *store.User
		want string
	}{
		{elite, "level 30 groups [elite,staff] frozen yes"},
		{waiting, "level 0 groups [] frozen yes"},
		{root, "level 255 groups [] frozen yes"},
		{nil, "level 0 groups [] frozen yes"},
	} {
		c := f.run(tt.user, "me")
		c.WaitFor(tt.want)
		c.Type(" ")
		if err := c.result(t); err != nil {
			t.Fatal(err)
		}
	}
}
