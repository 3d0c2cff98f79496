package script_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What a script writes reaches the caller with its pipe colours and
// @-codes rendered, "\n" as a new line, and no escape sequence of its
// own.
func TestWriteAndPrint(t *testing.T) {
	f := newFixture(t, options{})
	u := f.addUser("erin")
	f.write("hello", `
bbs.clear();
bbs.print("|12Hello|07, @USER@ on node @NODE@ (@ONLINE@ online).");
bbs.write("line two\nline three");
bbs.moveTo(10, 5);
bbs.write("at ten\x1b[2J\x1b]0;title\x07 and clean");
bbs.key();
`)
	c := f.run(u, "hello")
	scr := c.WaitFor("and clean")
	for _, want := range []string{"Hello, erin on node 1 (1 online).", "line two", "line three"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	if got := c.Line(9); got != "    at ten and clean" {
		t.Errorf("row 10 = %q; want the text at column 5, its escape sequences gone", got)
	}
	if got := c.Line(1); got != "line two" {
		t.Errorf("row 2 = %q; want print's new line to start a row", got)
	}
	raw := c.Raw()
	if !bytes.Contains(raw, []byte("\x1b[91mHello")) && !bytes.Contains(raw, []byte("\x1b[38;5;203mHello")) {
		t.Errorf("|12 did not become bright red: %q", raw)
	}
	if bytes.Contains(raw, []byte("title")) || bytes.Contains(raw, []byte("\x1b]0")) {
		t.Errorf("the script's OSC sequence reached the caller: %q", raw)
	}
	c.Type("x")
	c.WaitFor("Back at the menu.")
	if err := c.result(t); err != nil {
		t.Errorf("Run = %v; want nil", err)
	}
}

// bbs.writePlain shows what a caller typed exactly: no pipe colour, no
// @-code, no escape sequence, in the colour the script asks for.
func TestWritePlain(t *testing.T) {
	f := newFixture(t, options{})
	u := f.addUser("erin")
	f.write("plain", `
bbs.clear();
bbs.writePlain("said: |12red @USER@ @USER:5@ |\x1b[2J\nsecond", "|14");
bbs.moveTo(5, 1);
try { bbs.writePlain("x", "|99"); } catch (e) { bbs.write("refused: " + e.message); }
bbs.key();
`)
	c := f.run(u, "plain")
	scr := c.WaitFor("refused:")
	if got := c.Line(0); got != "said: |12red @USER@ @USER:5@ |" {
		t.Errorf("row 1 = %q; want the text as typed", got)
	}
	if got := c.Line(1); got != "second" {
		t.Errorf("row 2 = %q; want the second line", got)
	}
	if !strings.Contains(scr, "refused: bbs.writePlain:") {
		t.Errorf("a bad colour was not refused:\n%s", scr)
	}
	raw := c.Raw()
	if bytes.Count(raw, []byte("\x1b[2J")) != 1 || !bytes.Contains(raw, []byte("\x1b[93msaid")) && !bytes.Contains(raw, []byte("\x1b[38;5;227msaid")) {
		t.Errorf("writePlain's output: %q", raw)
	}
	c.Type("x")
	if err := c.result(t); err != nil {
		t.Errorf("Run = %v; want nil", err)
	}
}

// bbs.key names every key as the API says, returns null when its time
// is up, and "redraw" after a resize.
func TestKeys(t *testing.T) {
	f := newFixture(t, options{})
	f.write("keys", `
bbs.print(bbs.key(20) === null ? "timed out" : "a key?");
bbs.print("ready");
bbs.write("keys:");
for (var k; (k = bbs.key()) !== "q";) bbs.write(" " + k);
bbs.print(" (end)");
bbs.key();
`)
	c := f.run(nil, "keys")
	c.WaitFor("ready")
	c.Type("aA1 \r\t\x7f\x01\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1b[5~\x1b[6~\x1b[3~\x1bOP\x1b[24~é")
	c.Type("\x1b") // Esc alone, after the escape delay
	c.WaitFor(" esc")
	c.Resize(120, 30)
	c.WaitFor("redraw")
	c.Type("q")
	scr := c.WaitFor("(end)")
	want := "keys: a A 1 space enter tab backspace ctrl-a up down right left home end pgup pgdn delete f1 f12 é esc redraw (end)"
	if !strings.Contains(strings.ReplaceAll(scr, "\n", ""), want) { // the line wraps
		t.Errorf("screen:\n%s\nwant %q", scr, want)
	}
	if !strings.HasPrefix(scr, "timed out") {
		t.Errorf("bbs.key(20) with no key did not return null:\n%s", scr)
	}
	c.Type("x")
	if err := c.result(t); err != nil {
		t.Errorf("Run = %v; want nil", err)
	}
}

// bbs.art draws art at the cursor, cut to the rows asked for and to the
// window, and leaves the cursor below it.
func TestArt(t *testing.T) {
	f := newFixture(t, options{})
	if err := os.WriteFile(filepath.Join(f.artDir, "logo.ans"), []byte("AAAA\r\nBBBB\r\nCCCC\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.write("art", `
bbs.clear();
bbs.moveTo(5, 10);
var n = bbs.art("logo", 2);
bbs.write("after " + n);
bbs.moveTo(2, 1);
bbs.write("missing " + bbs.art("nothing") + " " + bbs.art("../etc/passwd"));
bbs.moveTo(22, 78);
var m = bbs.art("logo");
bbs.moveTo(10, 1);
bbs.write("ab");
bbs.art("logo", 2);
bbs.moveTo(3, 1);
bbs.write("edge " + m);
bbs.key();
`)
	c := f.run(nil, "art")
	c.WaitFor("edge")
	want := map[int]string{2: "missing 0 0", 3: "edge 3", 5: "         AAAA", 6: "         BBBB", 7: "         after 2",
		10: "abAAAA", 11: "  BBBB", 12: "",
		22: strings.Repeat(" ", 77) + "AAA", 23: strings.Repeat(" ", 77) + "BBB", 24: strings.Repeat(" ", 77) + "CCC"}
	for row, line := range want {
		if got := c.Line(row - 1); got != line {
			t.Errorf("row %d = %q; want %q", row, got, line)
		}
	}
	c.Type(" ")
	if err := c.result(t); err != nil {
		t.Fatal(err)
	}
}
