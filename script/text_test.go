package script_test

import (
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/script"
)

// germanPrinter returns a printer of the built-in catalogs' German.
func germanPrinter(t testing.TB) *lang.Printer {
	t.Helper()
	c, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	return c.Printer("de")
}

// A script reads the caller's language in bbs.language, and its texts
// through bbs.text in that language when the catalogs translate them;
// the engine's own messages follow the caller's language too.
func TestTextInTheCallersLanguage(t *testing.T) {
	// A sysop's script of a bundled script's name has its messages.
	const src = `
bbs.print("lang=" + bbs.language);
bbs.print("[" + bbs.text("save.best_still", "Your best is still {score}.", {score: 1200}) + "]");
bbs.print("[" + bbs.text("no.such.key", "Only {what}", {what: "English"}) + "]");
var bad;
try { bbs.text("Bad-Key", "x"); } catch (e) { bad = e.message; }
bbs.print("bad=" + bad);
bbs.key();
throw new Error("boom");
`
	for _, tc := range []struct {
		de                    bool
		lang, best, otherwise string
		failed                string
	}{
		{false, "en", "[Your best is still 1200.]", "[Only English]", "The script blocks failed: boom."},
		{true, "de", "[Deine Bestleistung bleibt 1200.]", "[Only English]", "Das Skript blocks ist fehlgeschlagen: boom."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f := newFixture(t, options{})
			f.write("blocks", src)
			var c *caller
			if tc.de {
				c = f.runIn(germanPrinter(t), nil, "blocks")
			} else {
				c = f.run(nil, "blocks")
			}
			scr := c.WaitFor("bad=")
			for _, want := range []string{"lang=" + tc.lang, tc.best, tc.otherwise, `bad=bbs.text: the key "Bad-Key" is not`} {
				if !strings.Contains(scr, want) {
					t.Errorf("screen:\n%s\nwant %q", scr, want)
				}
			}
			c.Type(" ")
			c.WaitFor(tc.failed)
			c.Type(" ")
			c.ends(t)
		})
	}
}

// The engine's messages in German: a script that is missing, one that
// threw something that says nothing, and the plain yes/no question.
func TestEngineMessagesInGerman(t *testing.T) {
	f := newFixture(t, options{limits: script.Limits{Time: 200 * time.Millisecond}})
	de := germanPrinter(t)
	c := f.runIn(de, nil, "nosuch")
	c.WaitFor("Es gibt kein Skript namens nosuch; der Sysop weiß Bescheid.")
	c.Type(" ")
	c.ends(t)

	f.write("sly", `throw {get message() { for (;;) {} }}`)
	c = f.runIn(de, nil, "sly")
	c.WaitFor("Das Skript sly ist fehlgeschlagen: ein Fehler.")
	c.Type(" ")
	c.ends(t)

	f.write("spin", `for (;;) {}`)
	c = f.runIn(de, nil, "spin")
	c.WaitFor("Das Skript spin wurde angehalten: es lief zu lange.")
	c.Type(" ")
	c.ends(t)
}

// A bundled script speaks German to a German caller, and its English is
// as it was to others.
func TestBundledScriptInGerman(t *testing.T) {
	f := newFixture(t, bundled())
	u := f.addUser("ann")
	c := f.runIn(germanPrinter(t), u, "automessage")
	c.WaitFor("Eine Nachricht für den nächsten Anrufer")
	c.WaitFor("Noch hat niemand eine Nachricht hinterlassen.")
	c.WaitFor("l neue hinterlassen  Enter weiter")
	c.Type("l")
	c.WaitFor("Zeile 1:")
	c.WaitFor("Bis zu 3 Zeilen mit 70 Zeichen; Esc bricht ab.")
	c.Type("\x1b")
	c.WaitFor("Eine Nachricht für den nächsten Anrufer")
	c.Type("\r")
	c.ends(t)

	c = f.run(u, "automessage")
	c.WaitFor("No one has left a message yet.")
	c.WaitFor("leave a new one  Enter to go on")
	c.Type("\r")
	c.ends(t)
}
