package script_test

import (
	"strings"
	"testing"
)

// Code made from text at run time cannot be had: eval is gone, and the
// function constructors throw, however they are reached.
func TestNoCodeFromText(t *testing.T) {
	f := newFixture(t, options{})
	f.write("maker", `
"use strict";
var out = [];
function refused(what, f) {
	try { f(); out.push(what + " ran"); } catch (e) {
		if (!/not allowed in a script|eval is not defined|no member 'eval'/.test(e.message)) out.push(what + ": " + e.message);
	}
}
refused("eval", function () { return eval("[".repeat(2.5e5)); });
refused("globalThis.eval", function () { return globalThis.eval("1"); });
refused("Function", function () { return Function("return 1")(); });
refused("new Function", function () { return new Function("return " + "(".repeat(2e6)); });
refused("constructor", function () { return (function () {}).constructor("return 1"); });
refused("generator", function () { return (function* () {}).constructor("yield 1"); });
refused("async", function () { return (async function () {}).constructor("return 1"); });
refused("proto of generator", function () { return Object.getPrototypeOf((function* () {}).constructor)("return 1"); });
refused("subclass", function () { class F extends Function {} return new F("return 1"); });
if (!((function () {}) instanceof Function)) out.push("instanceof broken");
if (typeof Function.prototype.call !== "function") out.push("Function.prototype broken");
if (Function.prototype.constructor !== Function) out.push("constructor is not Function");
bbs.print("result: " + (out.length ? out.join("; ") : "all refused"));
bbs.key();
`)
	c := f.run(nil, "maker")
	scr := c.WaitFor("result: ")
	if !strings.Contains(scr, "result: all refused") {
		t.Errorf("screen:\n%s", scr)
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// A script file that nests deeper than the compiler's Go stack can take
// is refused before it is compiled; brackets in strings, comments,
// templates and regular expressions do not count, and 900 levels are
// fine.
func TestNestingTooDeep(t *testing.T) {
	f := newFixture(t, options{})
	f.write("deep", "var x = 1;\nvar a = "+strings.Repeat("[", 300000)+";")
	c := f.run(nil, "deep")
	scr := c.WaitFor("Press a key.")
	if !strings.Contains(strings.ReplaceAll(scr, "\n ", " "), "The script deep has an error") {
		t.Errorf("screen:\n%s", scr)
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
	f.waitLog("deep.js: Line 2: brackets, parentheses and braces nest deeper than 1000 levels")

	many := strings.Repeat("(", 2000)
	f.write("shallow", `var s = "`+many+`"; var s2 = '`+many+`'; // `+many+`
/* `+many+` */
var t = `+"`"+many+"${[[1]].length}"+many+"`"+`;
var r = /\(/; `+strings.Repeat(`r = /[(]\(/.test(s) ? /\(/ : r; `, 1500)+`
var deep = `+strings.Repeat("[", 900)+strings.Repeat("]", 900)+`;
bbs.print("shallow enough " + t.length); bbs.key();`)
	c = f.run(nil, "shallow")
	c.WaitFor("shallow enough 4001")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}
