package script_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/x84bbs/x84/script"
)

// A script stopped or failing tells the caller why, waits for a key and
// goes back to the menu; the log says more.
func TestStopsAndFailures(t *testing.T) {
	quick := script.Limits{Time: 300 * time.Millisecond}
	tests := []struct {
		name, src string
		limits    script.Limits
		shown     string // what the caller reads
		logged    []string
	}{
		{"runaway", `bbs.print("spinning"); for (;;) {}`, quick,
			"The script runaway was stopped: it ran too long.", []string{"script stopped", "ran too long", "runaway.js:1"}},
		// The emulator keeps what scrolls off its screen: its memory is
		// the process's too, and must not count here.
		{"chatter", `for (;;) bbs.write(".")`, script.Limits{Time: 300 * time.Millisecond, MemoryMiB: 4096},
			"The script chatter was stopped: it ran too long.", []string{"script stopped"}},
		{"pester", `for (;;) bbs.data.get("x")`, quick,
			"The script pester was stopped: it ran too long.", []string{"script stopped"}},
		{"hog", `let a = []; for (;;) a.push("x".repeat(1 << 20));`, script.Limits{MemoryMiB: 32, Time: time.Minute},
			"The script hog was stopped: it used too much memory.", []string{"script stopped", "too much memory"}},
		{"deep", `function f(n) { return f(n + 1) + 1; }
f(0);`, quick,
			"The script deep was stopped: its calls nested too deep.", []string{"script stopped", "nested too deep"}},
		{"thrower", `bbs.print("about to fail");
function check(score) { if (score < 0) throw new Error("the score is negative"); }
check(-1);`, quick,
			"The script thrower failed: the score is negative.", []string{"script failed", "the score is negative", "thrower.js:2"}},
		{"thrower2", `throw "\x1b[31mplain " + "string\x07";`, quick,
			"The script thrower2 failed: plain string.", []string{"script failed"}},
		{"typo", `bbs.print("fine");
var x = ;`, quick,
			"The script typo has an error; the sysop has been told.", []string{"script has an error", "typo.js: Line 2:9"}},
		{"sly", `throw {get message() { for (;;) {} }}`, quick,
			"The script sly failed: an error.", []string{"script failed"}},
		{"slier", `Error.prototype.toString = function () { for (;;) {} }; function f() { f(); } f();`, quick,
			"The script slier was stopped: its calls nested too deep.", []string{"nested too deep", "slier.js:1"}},
		{"caught", `try { for (;;) {} } catch (e) {} finally { bbs.print("finally ran"); }`, quick,
			"The script caught was stopped: it ran too long.", []string{"ran too long"}},
		// A wait that returns at once is no wait: the time goes on.
		{"nowait", `for (;;) { try { bbs.form(null); } catch (e) {} }`, quick,
			"The script nowait was stopped: it ran too long.", []string{"ran too long"}},
		{"nowait2", `for (;;) { try { bbs.prompt("x", 5); } catch (e) {} }`, quick,
			"The script nowait2 was stopped: it ran too long.", []string{"ran too long"}},
		// The arguments of a wait are converted while the watchdog looks.
		{"slyarg", `bbs.sleep({valueOf() { for (;;) {} }})`, quick,
			"The script slyarg was stopped: it ran too long.", []string{"ran too long"}},
		{"slykey", `bbs.key({valueOf() { for (;;) {} }})`, quick,
			"The script slykey was stopped: it ran too long.", []string{"ran too long"}},
		{"slylabel", `bbs.prompt({toString() { for (;;) {} }})`, quick,
			"The script slylabel was stopped: it ran too long.", []string{"ran too long"}},
		{"slyopt", `Object.defineProperty(Object.prototype, "max", {get() { for (;;) {} }}); bbs.prompt("x", {})`, quick,
			"The script slyopt was stopped: it ran too long.", []string{"ran too long"}},
		{"slyform", `bbs.form(new Proxy([], {get() { for (;;) {} }}))`, quick,
			"The script slyform was stopped: it ran too long.", []string{"ran too long"}},
		// What a script keeps across its waits is bounded too.
		{"hoarder", `let a = []; for (;;) { for (let i = 0; i < 8; i++) a.push("x".repeat(1 << 20)); bbs.sleep(10); }`,
			script.Limits{MemoryMiB: 16, Time: time.Minute},
			"The script hoarder was stopped: it used too much memory.", []string{"script stopped", "too much memory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, options{limits: tc.limits})
			f.write(tc.name, tc.src)
			c := f.run(nil, tc.name)
			scr := c.WaitFor("Press a key.")
			if !strings.Contains(strings.ReplaceAll(scr, "\n ", " "), tc.shown) {
				t.Errorf("screen:\n%s\nwant %q", scr, tc.shown)
			}
			if strings.Contains(scr, "finally ran") {
				t.Errorf("a stopped script ran its finally block:\n%s", scr)
			}
			c.Type(" ")
			c.WaitFor("Back at the menu.")
			if err := c.result(t); err != nil {
				t.Errorf("Run = %v; want nil, back to the menu", err)
			}
			f.waitLog(tc.logged...)
		})
	}
}

// A stopped script's call goes on: the next script runs as usual.
func TestCallGoesOnAfterAStop(t *testing.T) {
	f := newFixture(t, options{limits: script.Limits{Time: 200 * time.Millisecond}})
	f.write("spin", `for (;;) {}`)
	f.write("fine", `bbs.print("all is well"); bbs.key();`)
	c := f.run(nil, "spin")
	c.WaitFor("ran too long")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
	c = f.run(nil, "fine")
	c.WaitFor("all is well")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
}

// Waiting for the caller is not the script's time: a script may wait
// longer than its limit, and run close to it after each wait.
func TestWaitingDoesNotCount(t *testing.T) {
	f := newFixture(t, options{limits: script.Limits{Time: 300 * time.Millisecond}})
	f.write("patient", `
function busy(ms) { var end = Date.now() + ms; while (Date.now() < end) {} }
for (var i = 0; i < 3; i++) { busy(150); bbs.sleep(200); }
bbs.print("waited " + (bbs.key(400) === null ? "for nothing" : "?"));
busy(150);
bbs.print("done");
bbs.key();
`)
	c := f.run(nil, "patient")
	c.WaitFor("done")
	if scr := c.Screen(); !strings.Contains(scr, "waited for nothing") {
		t.Errorf("screen:\n%s", scr)
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
}

// A wait waits: bbs.key(0) and bbs.sleep(0) take 10 ms each, so that a
// loop of them, which the time limit does not stop, does not spin.
func TestShortWaitsWait(t *testing.T) {
	f := newFixture(t, options{})
	f.write("poller", `
var start = Date.now();
for (var i = 0; i < 10; i++) { bbs.key(0); bbs.sleep(-5); }
bbs.print("waited at least 200 ms: " + (Date.now() - start >= 200));
bbs.key();
`)
	c := f.run(nil, "poller")
	c.WaitFor("waited at least 200 ms: true")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// An edited script runs as edited at its next run, without a restart;
// a sysop's file replaces a built-in of the same name.
func TestChangedFileIsPickedUp(t *testing.T) {
	f := newFixture(t, options{})
	f.write("news", `bbs.print("first edition"); bbs.key();`)
	c := f.run(nil, "news")
	c.WaitFor("first edition")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
	// Same size, same second: the modification time still differs.
	f.write("news", `bbs.print("later edition"); bbs.key();`)
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(filepath.Join(f.dir, "news.js"), later, later); err != nil {
		t.Fatal(err)
	}
	c = f.run(nil, "news")
	c.WaitFor("later edition")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}

// A sysop's file runs instead of the built-in script of its name, for
// as long as it is there.
func TestBuiltinAndOverride(t *testing.T) {
	f := newFixture(t, options{builtin: fstest.MapFS{
		"greet.js":    {Data: []byte(`bbs.print("the built-in greeting"); bbs.key();`)},
		"notjs.txt":   {Data: []byte("x")},
		"Bad Name.js": {Data: []byte("x")},
	}})
	if got := f.engine.Names(); strings.Join(got, " ") != "greet" {
		t.Errorf("Names() = %q; want [greet]", got)
	}
	for _, step := range []struct{ sysop, want string }{
		{"", "the built-in greeting"},
		{`bbs.print("the sysop's greeting"); bbs.key();`, "the sysop's greeting"},
		{"-", "the built-in greeting"},
	} {
		switch step.sysop {
		case "":
		case "-":
			if err := os.Remove(filepath.Join(f.dir, "greet.js")); err != nil {
				t.Fatal(err)
			}
		default:
			f.write("greet", step.sysop)
		}
		c := f.run(nil, "greet")
		c.WaitFor(step.want)
		c.Type(" ")
		if err := c.result(t); err != nil {
			t.Fatal(err)
		}
	}
}

// Only names of 1 to 32 of a-z, 0-9, _ and - name scripts, and the file
// is looked for in the folder alone.
func TestBadNames(t *testing.T) {
	f := newFixture(t, options{})
	outside := filepath.Join(filepath.Dir(f.dir), "secret.js")
	if err := os.WriteFile(outside, []byte(`bbs.print("escaped!"); bbs.key();`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(f.dir, "link.js")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"../secret", "", "UPPER", "a/b", ".hidden", strings.Repeat("a", 33), "link", "missing"} {
		t.Run(name, func(t *testing.T) {
			if f.engine.Has(name) {
				t.Errorf("Has(%q) = true", name)
			}
			c := f.run(nil, name)
			scr := c.WaitFor("Press a key.")
			if strings.Contains(scr, "escaped!") || !strings.Contains(strings.ReplaceAll(scr, "\n ", " "), "the sysop has been told") {
				t.Errorf("Run(%q) showed:\n%s", name, scr)
			}
			c.Type(" ")
			if err := c.result(t); err != nil {
				t.Errorf("Run(%q) = %v; want nil", name, err)
			}
		})
	}
	f.write("ok_name-1", `bbs.print("ran")`)
	if err := os.Symlink("ok_name-1.js", filepath.Join(f.dir, "alias.js")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ok_name-1", "alias"} {
		if !f.engine.Has(name) {
			t.Errorf("Has(%q) = false", name)
		}
	}
	if got := f.engine.Names(); strings.Join(got, " ") != "alias ok_name-1" {
		t.Errorf("Names() = %q; want [alias ok_name-1]", got)
	}
}

// A file over the size limit is not run.
func TestTooLarge(t *testing.T) {
	f := newFixture(t, options{limits: script.Limits{MaxFileSize: 100}})
	f.write("big", "// "+strings.Repeat("x", 200)+"\nbbs.print('ran');")
	c := f.run(nil, "big")
	c.WaitFor("The script big has an error; the sysop has been told.")
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
	f.waitLog("larger than 100 bytes")
}
