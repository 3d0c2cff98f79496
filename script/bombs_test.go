package script_test

import (
	"strings"
	"testing"
	"time"
)

// Built-ins that could make a huge value or loop over a huge length in
// one call, where the runtime cannot be interrupted, are refused before
// they start; the script fails with a RangeError, or is stopped, well
// within the test's time.
func TestBombs(t *testing.T) {
	bombs := []struct{ name, src string }{
		{"repeat", `"x".repeat(2 ** 30)`},
		{"pad", `"x".padStart(2 ** 30)`},
		{"fill", `new Array(2 ** 25).fill(0)`},
		{"from", `Array.from({length: 2 ** 25})`},
		{"join", `Array(1e5).fill("x".repeat(1e4)).join("")`},
		{"stringify-dag", `let a = [1]; for (let i = 0; i < 30; i++) a = [a, a]; JSON.stringify(a)`},
		{"stringify-deep", `let o = {}; for (let i = 0; i < 1e5; i++) o = {o}; JSON.stringify(o)`},
		{"tostring-deep", `let a = []; for (let i = 0; i < 1e5; i++) a = [a]; String(a)`},
		{"sparse-join", `new Array(2 ** 32 - 1).join("")`},
		{"sparse-indexof", `new Array(2 ** 32 - 1).indexOf(1)`},
		{"length-set", `let a = []; a.length = 2 ** 32 - 1; a.forEach(function () {})`},
		{"spread", `[...Array(2 ** 24)]`},
		{"apply", `Math.max.apply(null, new Array(2 ** 26))`},
		{"buffer", `new ArrayBuffer(2 ** 31)`},
		{"typed", `new Float64Array(2 ** 28)`},
		{"publish-dag", `let a = [1]; for (let i = 0; i < 30; i++) a = [a, a]; bbs.events.publish("x", a)`},
		{"dag-join", `let a = ["x".repeat(1e6)]; for (let i = 0; i < 12; i++) a = [a, a]; a.join()`},
		{"str-concat", `"".concat.apply("", Array(1e5).fill("x".repeat(1e6)))`},
		{"str-concat-obj", `"".concat.apply("", Array(1e3).fill({toString() { return "x".repeat(1e6); }}))`},
		{"raw", `String.raw({raw: Array(1e4).fill("x".repeat(1e6))})`},
		{"replace", `"x".repeat(1e4).replace(/x/g, "y".repeat(1e6))`},
		{"replace-all", `"x".repeat(1e4).replaceAll("x", "y".repeat(1e6))`},
		{"replace-quote", "\"x\".repeat(1e5).replace(/x/g, \"$`\")"},
		{"replace-fn", `const y = "y".repeat(1e6); "x".repeat(1e4).replace(/x/g, () => y)`},
		{"typed-join", `new Uint8Array(2e7).join("x".repeat(100))`},
		{"typed-tostring", `const t = new Float64Array(1e7).fill(1.2345678901234567); t.toString()`},
		{"flat", `Array(1e5).fill(Array(1e4).fill(0)).flat()`},
		{"flat-deep", `let a = [1]; for (let i = 0; i < 1e5; i++) a = [a]; a.flat(Infinity)`},
		{"split", `"x".repeat(3e7).split("")`},
		{"entries", `Object.entries("x".repeat(3e7))`},
		{"from-str", `Array.from("x".repeat(3e7))`},
		{"spread-str", `[..."x".repeat(3e7)]`},
		// A regular expression that backtracks for ever stops matching
		// after maxMatch; a loop of them is stopped.
		{"backtrack", `for (;;) /^(a+)+\1b$/.test("a".repeat(40))`},
	}
	f := newFixture(t, options{})
	for _, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			f.write(b.name, b.src)
			start := time.Now()
			c := f.run(nil, b.name)
			scr := strings.ReplaceAll(c.WaitFor("Press a key."), "\n ", " ")
			if !strings.Contains(scr, "too large for a script") && !strings.Contains(scr, "was stopped") {
				t.Errorf("screen:\n%s", scr)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			c.Type(" ")
			if err := c.result(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The guarded built-ins behave as before on values of ordinary size.
func TestGuardsKeepBehaviour(t *testing.T) {
	f := newFixture(t, options{})
	f.write("normal", `
"use strict";
var out = [];
function check(what, got, want) { if (got !== want) out.push(what + ": got " + got + ", want " + want); }
check("repeat", "ab".repeat(3), "ababab");
check("pad", "7".padStart(3, "0") + "|" + "7".padEnd(2), "007|7 ");
check("join", [1, [2, 3], "x"].join("-"), "1-2,3-x");
check("template", `+"`${[1, 2]}`"+`, "1,2");
check("concat", [1].concat([2, 3], 4).length, 4);
check("from set", Array.from(new Set([1, 2, 2])).length, 2);
check("from fn", Array.from({length: 3}, function (_, i) { return i * 2; }).join(), "0,2,4");
check("spread", [...[1, 2, 3]].length, 3);
check("for of", (function () { var s = 0; for (var x of [1, 2, 3]) s += x; return s; })(), 6);
check("for in", Object.keys((function () { var k = []; for (var i in [5, 6]) k.push(i); return k; })()).length, 2);
check("sort", [3, 1, 2].sort().join(), "1,2,3");
check("map", [1, 2].map(function (x) { return x * 10; }).join(), "10,20");
check("apply", Math.max.apply(null, [1, 5, 3]), 5);
check("reflect", Reflect.construct(Date, [0]).getTime(), 0);
check("stringify", JSON.stringify({a: [1, {b: "c"}], d: null}), '{"a":[1,{"b":"c"}],"d":null}');
check("stringify space", JSON.stringify([1], null, 2), "[\n  1\n]");
check("typed", new Uint8Array([1, 2, 3]).length, 3);
check("typed instanceof", new Uint8Array(2) instanceof Uint8Array, true);
check("typed from", Uint8Array.from([1, 2]).length, 2);
check("buffer", new ArrayBuffer(8).byteLength, 8);
class Stack extends Array { top() { return this[this.length - 1]; } }
var st = new Stack(); st.push(1, 2);
check("subclass", st.top() + ":" + (st instanceof Array) + ":" + Array.isArray(st), "2:true:true");
check("enumerable", Object.keys(Array.prototype).length, 0);
try { "x".repeat(-1); out.push("no RangeError"); } catch (e) { check("native error", e instanceof RangeError, true); }
check("str concat", "a".concat("b", 1, {toString() { return "c"; }}), "ab1c");
check("raw", String.raw({raw: ["a", "b"]}, 1), "a1b");
check("replace", "a-b-c".replace("-", "+") + "|" + "a-b-c".replaceAll("-", "$&$&") + "|" + "abc".replace(/b/g, (m) => m.toUpperCase()), "a+b-c|a--b--c|aBc");
check("replace quote", "abc".replace("b", "[$\x60$']"), "a[ac]c");
check("split", "a,b,,c".split(",").length + ":" + "abc".split("").join("|") + ":" + "a1b2c".split(/\d/, 2).join(), "4:a|b|c:a,b");
check("entries", Object.entries("ab").join(";") + ":" + Object.keys({x: 1, y: 2}).join(), "0,a;1,b:x,y");
check("string spread", [..."héllo"].length + ":" + Array.from("ab").join(), "5:a,b");
check("flat", [1, [2, [3, [4]]]].flat().length + ":" + [1, [2, [3, [4]]]].flat(Infinity).join(), "3:1,2,3,4");
check("typed join", new Uint8Array([1, 2]).join("-") + ":" + new Uint8Array([3, 4]).toString(), "1-2:3,4");
bbs.print(out.length ? out.join("; ") : "all good");
bbs.key();
`)
	c := f.run(nil, "normal")
	c.WaitFor("all good")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}
