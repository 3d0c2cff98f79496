package script_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

// prompt, confirm, form and pause read what the caller types.
func TestPromptConfirmFormPause(t *testing.T) {
	f := newFixture(t, options{})
	f.write("ask", `
bbs.clear();
var name = bbs.prompt("|14Your name: ", {max: 10, row: 3, col: 5});
bbs.moveTo(5, 1); bbs.print("name=" + JSON.stringify(name));
var esc = bbs.prompt("Escape me: ", {value: "typed"});
bbs.moveTo(6, 1); bbs.print("esc=" + JSON.stringify(esc));
var pw = bbs.prompt("Secret: ", {password: true});
bbs.moveTo(7, 1); bbs.print("pw=" + pw.length);
var yes = bbs.confirm("Sure?");
bbs.moveTo(8, 1); bbs.print("yes=" + yes);
bbs.moveTo(12, 3);
var got = bbs.form([{name: "a", label: "First:"}, {name: "b", label: "Second one:", max: 3}]);
bbs.moveTo(9, 1); bbs.print("form=" + JSON.stringify(got));
bbs.pause();
bbs.moveTo(10, 1); bbs.print("paused");
bbs.key();
`)
	c := f.run(nil, "ask")
	c.WaitFor("Your name:")
	if x, y := c.Cursor(); y != 2 || x != 4+len("Your name: ") {
		t.Errorf("the field's cursor is at column %d, row %d; want after the label at row 3, column 5", x+1, y+1)
	}
	c.Type("Alexandria Ocasio\r") // longer than max
	c.WaitFor(`name="Alexandria"`)
	c.WaitFor("Escape me: typed")
	if got := c.Line(23); !strings.HasPrefix(got, " Escape me: typed") {
		t.Errorf("bottom row = %q; want the prompt with its value", got)
	}
	c.Type("\x1b")
	c.WaitFor("esc=null")
	c.WaitFor("Secret:")
	c.Type("hunter2")
	scr := c.WaitFor("*******")
	if strings.Contains(scr, "hunter2") {
		t.Errorf("the password shows:\n%s", scr)
	}
	c.Type("\r")
	c.WaitFor("pw=7")
	c.WaitFor("Sure? [y/N]")
	c.Type("y")
	c.WaitFor("yes=true")
	c.WaitFor("Second one:")
	c.WaitFor("First:")
	if got := c.Line(11); !strings.HasPrefix(got, "  First:") {
		t.Errorf("row 12 = %q; want the form where the cursor was", got)
	}
	c.Type("one\rtwo2\r")
	c.WaitFor(`form={"a":"one","b":"two"}`)
	c.WaitFor("Press a key.")
	c.Type("z")
	c.WaitFor("paused")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// bbs.data keeps a script's state across runs, and says what is wrong
// with a key or a value.
func TestData(t *testing.T) {
	f := newFixture(t, options{})
	f.write("counter", `
var n = Number(bbs.data.get("runs") || 0) + 1;
bbs.data.set("runs", String(n));
bbs.data.set("score/bob", JSON.stringify({score: 10 * n}));
bbs.data.set("score/amy", JSON.stringify({score: 5}));
bbs.data.set("gone", "x");
bbs.data.delete("gone");
var errs = [];
function attempt(f) { try { f(); errs.push("ok"); } catch (e) { errs.push(e.message); } }
attempt(function () { bbs.data.set("", "x"); });
attempt(function () { bbs.data.set("k", {an: "object"}); });
attempt(function () { bbs.data.set("k".repeat(201), "x"); });
attempt(function () { bbs.data.set("k", "v".repeat(65537)); });
var scores = bbs.data.list("score/").map(function (e) { return e.key + "=" + JSON.parse(e.value).score; });
var page = bbs.data.list("score/", 1, "score/amy").map(function (e) { return e.key; });
bbs.print("run " + n + "; " + scores.join(",") + "; after amy: " + page + "; gone=" + bbs.data.get("gone"));
bbs.print(errs.join(" | "));
bbs.key();
`)
	for run := 1; run <= 2; run++ {
		c := f.run(nil, "counter")
		want := map[int]string{1: "run 1; score/amy=5,score/bob=10; after amy: score/bob; gone=null",
			2: "run 2; score/amy=5,score/bob=20; after amy: score/bob; gone=null"}[run]
		c.WaitFor(want)
		scr := c.WaitFor("65536 bytes")
		for _, msg := range []string{"a key is 1 to 200 bytes", "a value is a string: save objects as JSON.stringify(value)",
			"a value is at most 65536 bytes"} {
			if !strings.Contains(strings.ReplaceAll(scr, "\n", ""), msg) {
				t.Errorf("run %d: screen lacks %q:\n%s", run, msg, scr)
			}
		}
		c.Type(" ")
		if err := c.result(t); err != nil {
			t.Fatal(err)
		}
	}
	v, err := f.store.ScriptData.GetScriptValue(t.Context(), "counter", "runs")
	if err != nil || v != "2" {
		t.Errorf("stored runs = %q, %v; want 2", v, err)
	}
}

// One-liners go through the community service: its rules, and the
// wall everyone sees.
func TestOneliners(t *testing.T) {
	f := newFixture(t, options{onelinerInterval: time.Hour})
	u := f.addUser("erin")
	f.write("wall", `
function attempt(text) { try { bbs.oneliners.post(text); return "posted"; } catch (e) { return e.message; } }
bbs.print("1: " + attempt("hello from a script"));
bbs.print("2: " + attempt("again"));
bbs.print("3: " + attempt("x".repeat(41)));
var list = bbs.oneliners.list(5);
bbs.print("wall: " + list.map(function (o) { return o.handle + ": " + o.text; }).join("; "));
bbs.print("recent: " + (Date.now() - list[0].posted < 60000));
bbs.key();
`)
	c := f.run(u, "wall")
	scr := c.WaitFor("recent:")
	for _, want := range []string{"1: posted", "2: Not so fast: you may post again in 60 minutes.",
		"3: A one-liner is at most 40 characters long.", "wall: erin: hello from a script", "recent: true"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
	// An anonymous caller may read the wall, not write on it.
	f.write("anon", `
try { bbs.oneliners.post("hi"); } catch (e) { bbs.print("refused: " + e.message); }
bbs.print("read " + bbs.oneliners.list(1000).length);
bbs.key();
`)
	c = f.run(nil, "anon")
	c.WaitFor("refused: Log in with an account first.")
	c.WaitFor("read 1")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// Messages: the public areas, posting, listing the newest, reading what
// the caller may read.
func TestMessages(t *testing.T) {
	f := newFixture(t, options{})
	u := f.addUser("erin")
	f.addUser("bob")
	letter := &store.Message{To: "bob", From: "amy", Subject: "private", Body: "for bob only", Created: time.Now()}
	f.addUser("amy")
	if err := f.store.Messages.PostMessage(t.Context(), letter); err != nil {
		t.Fatal(err)
	}
	f.write("msgs", `
var areas = bbs.messages.areas();
bbs.print("areas: " + areas.join(","));
var ids = [];
for (var i = 1; i <= 3; i++) ids.push(bbs.messages.post({area: "general", subject: "Post " + i, body: "Body " + i}));
var newest = bbs.messages.list("general", 2);
bbs.print("newest: " + newest.map(function (m) { return m.subject + " by " + m.from; }).join(", "));
var m = bbs.messages.read(ids[0]);
bbs.print("read: " + m.subject + " / " + m.body);
function attempt(f) { try { f(); return "ok"; } catch (e) { return e.message; } }
bbs.print("letter: " + attempt(function () { bbs.messages.read(`+strconv.FormatInt(letter.ID, 10)+`); }));
bbs.print("area: " + attempt(function () { bbs.messages.post({area: "nowhere", subject: "s", body: "b"}); }));
bbs.print("subject: " + attempt(function () { bbs.messages.post({area: "general", subject: " ", body: "b"}); }));
bbs.key();
`)
	c := f.run(u, "msgs")
	scr := c.WaitFor("subject:")
	for _, want := range []string{"areas: general,x84", "newest: Post 2 by erin, Post 3 by erin", "read: Post 1 / Body 1",
		"letter: There is no message " + strconv.FormatInt(letter.ID, 10) + ".", "area: There is no such message area.",
		"subject: A message needs a subject."} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// bbs.who lists the sessions online.
func TestWho(t *testing.T) {
	f := newFixture(t, options{})
	u := f.addUser("erin")
	f.write("idle", `bbs.print("waiting"); bbs.key();`)
	other := f.run(f.addUser("bob"), "idle")
	other.WaitFor("waiting")
	f.write("who", `
bbs.print(bbs.who().map(function (s) { return s.node + ":" + s.handle + ":" + s.activity + ":" + (s.idle >= 0) + ":" + JSON.stringify(s.host); }).join(" "));
bbs.key();
`)
	c := f.run(u, "who")
	c.WaitFor(`1:bob:idle:true:"" 2:erin:who:true:""`)
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
	other.Type(" ")
	if err := other.result(t); err != nil {
		t.Fatal(err)
	}
}

// Events published by a run reach the other runs of the script that
// listen, as JSON values, not the publisher itself nor other scripts.
func TestEvents(t *testing.T) {
	f := newFixture(t, options{})
	f.write("game", `
bbs.events.listen("move");
bbs.print("listening");
for (var k; (k = bbs.key()) !== "q";) {
  if (k === "p") bbs.events.publish("move", {x: 1, who: bbs.user.handle});
  if (k === "o") bbs.events.publish("other", 42);
  if (k === "l") bbs.print("polled " + JSON.stringify(bbs.events.poll()));
}
`)
	f.write("spy", `bbs.events.listen("move"); bbs.print("spying"); bbs.key(); bbs.print("spied " + bbs.events.poll().length); bbs.key();`)
	a := f.run(f.addUser("amy"), "game")
	b := f.run(f.addUser("bob"), "game")
	spy := f.run(nil, "spy")
	a.WaitFor("listening")
	b.WaitFor("listening")
	spy.WaitFor("spying")
	a.Type("pol")
	a.WaitFor("polled []")
	b.Type("l")
	b.WaitFor(`polled [{"name":"move","data":{"x":1,"who":"amy"},"from":"amy"}]`)
	b.Type("l")
	b.WaitFor(`polled []`)
	spy.Type(" ")
	spy.WaitFor("spied 0")
	for _, c := range []*caller{a, b} {
		c.Type("q")
		if err := c.result(t); err != nil {
			t.Fatal(err)
		}
	}
	spy.Type(" ")
	if err := spy.result(t); err != nil {
		t.Fatal(err)
	}
	// Too much data, and too many events, are refused.
	f.write("flood", `
function attempt(f) { try { f(); return "ok"; } catch (e) { return e.message; } }
bbs.print("big: " + attempt(function () { bbs.events.publish("x", "y".repeat(5000)); }));
var n = 0;
try { for (;;) { bbs.events.publish("x", n); n++; } } catch (e) { bbs.print("after " + n + ": " + e.message); }
bbs.key();
`)
	c := f.run(nil, "flood")
	c.WaitFor("big: an event's data is at most 4096 bytes as JSON")
	c.WaitFor("after 20: too many events: at most 20 a second")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// A broadcast that comes while a script waits for a key is shown as the
// board shows it; then the script gets "redraw".
func TestNoticesThenRedraw(t *testing.T) {
	f := newFixture(t, options{})
	f.write("calm", `bbs.print("calm"); var k = bbs.key(); bbs.clear(); bbs.print("got " + k); bbs.key();`)
	c := f.run(f.addUser("erin"), "calm")
	defer c.Session.Inbox().WatchNotices(f.bus, events.TopicBroadcast)()
	c.WaitFor("calm")
	if _, err := f.svc.Broadcasts.Send(nil, "The board goes down at noon."); err != nil {
		t.Fatal(err)
	}
	c.WaitFor("The board goes down at noon.")
	c.Type(" ")
	c.WaitFor("got redraw")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// A caller who hangs up ends the script, whatever it does: Run returns
// the session's end, not a failure for the caller to read.
func TestHangUp(t *testing.T) {
	for _, src := range []string{
		`bbs.print("waiting"); for (;;) { try { bbs.key(); } catch (e) {} }`,
		`bbs.print("waiting"); for (;;) { try { bbs.sleep(10); bbs.write("."); } catch (e) {} }`,
	} {
		f := newFixture(t, options{})
		f.write("stuck", src)
		c := f.run(nil, "stuck")
		c.WaitFor("waiting")
		c.Session.Close()
		err := c.result(t)
		if err == nil || !(errors.Is(err, session.ErrClosed) || strings.Contains(err.Error(), "closed")) {
			t.Errorf("Run = %v; want the session's end", err)
		}
	}
}

// bbs.user, bbs.board and bbs.size describe the call; bbs.user cannot be
// changed; console.log and bbs.log go to the board's log, bounded.
func TestFactsAndLog(t *testing.T) {
	f := newFixture(t, options{})
	f.write("facts", `
"use strict";
var u = bbs.user;
bbs.print(u.handle + "|" + u.realName + "|" + u.location + "|" + u.calls + "|" + u.sysop + "|" + u.node + "|" + bbs.board.name);
try { u.handle = "root"; } catch (e) { bbs.print("read only: " + (e instanceof TypeError)); }
bbs.print("size " + bbs.size().cols + "x" + bbs.size().rows);
bbs.print("globals " + [typeof require, typeof process, typeof setTimeout].join(","));
console.log("hello", "log", "\x1b[31m");
for (var i = 0; i < 50; i++) bbs.log("line " + i);
bbs.key();
`)
	c := f.run(f.addUser("erin", store.GroupSysop), "facts")
	scr := c.WaitFor("globals")
	for _, want := range []string{"erin|Real erin|Springfield|0|true|1|Test BBS", "read only: true", "size 80x24",
		"globals undefined,undefined,undefined"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
	log := f.waitLog(`msg="hello log "`, `msg="line 8"`, "script log lines dropped", "dropped=41")
	if strings.Contains(log, "line 9\"") || strings.Contains(log, "\x1b") {
		t.Errorf("the log took more than 10 lines, or an escape:\n%s", log)
	}
	// An anonymous caller's handle is "".
	f.write("anon", `bbs.print("[" + bbs.user.handle + "]" + bbs.user.sysop); bbs.key();`)
	c = f.run(nil, "anon")
	c.WaitFor("[]false")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}
