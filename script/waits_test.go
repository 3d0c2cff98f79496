package script_test

import (
	"strings"
	"testing"
)

// A caller who hangs up ends a script that only sleeps: bbs.sleep reads
// keys meanwhile, and the read sees the session end.
func TestHangUpEndsSleeper(t *testing.T) {
	f := newFixture(t, options{})
	f.write("sleeper", `bbs.print("sleeping"); for (;;) { bbs.sleep(100); bbs.events.poll(); }`)
	c := f.run(nil, "sleeper")
	c.WaitFor("sleeping")
	c.Session.Close()
	if err := c.result(t); err == nil {
		t.Fatal("Run = nil after a hang-up; want the session's error")
	}
}

// Keys typed during a sleep are not lost: the next bbs.key returns them
// in order; a confirm takes the next.
func TestKeysTypedDuringSleep(t *testing.T) {
	f := newFixture(t, options{})
	f.write("typist", `bbs.print("type now"); bbs.sleep(1500);
var got = [bbs.key(10), bbs.key(10)];
var yes = bbs.confirm("sure?");
bbs.print("got " + got.join("+") + " " + yes + " then " + bbs.key(10)); bbs.key();`)
	c := f.run(nil, "typist")
	c.WaitFor("type now")
	c.Type("aby")
	c.WaitFor("got a+b true then null")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// A form's result is made of own properties: a setter the script put on
// Object.prototype does not run (it would run unwatched otherwise).
func TestFormIgnoresPrototypeSetters(t *testing.T) {
	f := newFixture(t, options{})
	f.write("setter", `Object.defineProperty(Object.prototype, "a", {set(v) { for (;;) {} }});
var r = bbs.form([{name: "a", label: "A"}]);
bbs.print("got " + r.a); bbs.key();`)
	c := f.run(nil, "setter")
	c.WaitFor("A")
	c.Type("hi\r")
	scr := c.WaitFor("got ")
	if !strings.Contains(scr, "got hi") {
		t.Errorf("screen:\n%s", scr)
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}
