package board_test

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/internal/plaincheck"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// germanCaller is plainBoard with a sysop alice whose account speaks
// German, a second account bob, and a letter from bob to alice.
func germanCaller(t *testing.T, accessible bool) *fixture {
	t.Helper()
	f := plainBoard(t)
	f.addUser("alice", "password1", store.GroupSysop)
	f.addUser("bob", "password2")
	alice, err := f.accts.User(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.accts.SetLanguage(t.Context(), alice.ID, "de"); err != nil {
		t.Fatal(err)
	}
	if accessible {
		if _, err := f.accts.SetAccessible(t.Context(), alice.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	bob, err := f.accts.User(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Messages.Reading(bob).Post(t.Context(), community.Draft{Area: community.MailArea, To: "alice",
		Subject: "A letter", Body: "Dear alice,\nhello."}); err != nil {
		t.Fatal(err)
	}
	return f
}

// idToken is what a message id looks like: dotted lower-case words.
var idToken = regexp.MustCompile(`[a-z_]+(\.[a-z_]+)+`)

// checkNoIDs fails the test for each message id of the English (or the
// German) catalog that shows in text as it is: a message the board forgot to render.
func checkNoIDs(t *testing.T, what, text string) {
	t.Helper()
	en := lang.Fallback()
	cat, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	de := cat.Printer("de") // the German catalog has ids of its own: menus.*
	seen := map[string]bool{}
	for _, loc := range idToken.FindAllStringIndex(text, -1) {
		id := text[loc[0]:loc[1]]
		if seen[id] {
			continue
		}
		seen[id] = true
		if en.T(id) == id && en.N(id, 2) == id && de.T(id) == id && de.N(id, 2) == id {
			continue // not an id: a file name, an address…
		}
		t.Errorf("%s: the raw message id %q leaked, in the line %q", what, id, lineAt(text, loc[0]))
	}
}

// TestGermanEveryScreen logs in a sysop whose account speaks German and
// walks the main screens: every one speaks German, and no message id
// shows as it is.
func TestGermanEveryScreen(t *testing.T) {
	t.Run("plain", germanPlain)
	t.Run("full", germanFull)
	t.Run("login", germanLogin)
}

// germanPlain walks the screens on the accessible (plain) screens.
func germanPlain(t *testing.T) {
	f := germanCaller(t, true)
	tt := f.call(80, 24, term.UTF8, "192.0.2.40:1000")
	// The login comes before the account's language is known: the
	// terminal sent no LANG, so it is the board's, English.
	login(tt, "alice", "password1")
	walkOn(t, tt, []step{
		// The main menu.
		{"", []string{"Hauptmenü", "Willkommen, alice.", "Das ist dein erster Anruf.", "1. Wer ist online, Taste w",
			"Deine Wahl, 1 bis 15, oder Enter für die Liste:"}},
		{"?\r", []string{"15. Tschüss (abmelden), Taste g"}},
		{"zz\r", []string{"Hier gibt es keine Auswahl zz: tippe eine Zahl von 1 bis 15 oder drück Enter, um die Liste noch einmal zu hören."}},
		// Who's online, and a page asked for and not sent.
		{"w\r", []string{"Wer ist online", "Online: 1 Anrufer.", "Knoten 1: alice, Wer ist online, inaktiv seit", "Das bist du."}},
		{"p\r", []string{"Welchen Knoten zum Chat rufen?"}},
		{"\r", []string{"Tasten: p, rufen"}},
		{"q\r", []string{"Hauptmenü"}},
		// One-liners.
		{"o\r", []string{"Einzeiler", "Noch keine Einzeiler."}},
		{"a\r", []string{"Sag:"}},
		{"hello plain world\r", []string{"alice sagt: hello plain world"}},
		{"q\r", []string{"Deine Wahl, 1 bis 15"}},
		// Last callers.
		{"l\r", []string{"Letzte Anrufer", "Anruf Nummer 1."}},
		{"\r", []string{"Deine Wahl, 1 bis 15"}},
		// Chat.
		{"c\r", []string{"Chat: die Lounge, 1 Anrufer hier."}},
		{"hi all\r", []string{"alice: hi all"}},
		{"/who\r", []string{"Hier: alice"}},
		{"/quit\r", []string{"Du hast den Chat verlassen."}},
		// Messages: an area, writing with the line editor, reading,
		// replying; mail.
		{"m\r", []string{"Nachrichten auf Test BBS", "1. Deine Briefe: 1 Nachricht, 1 neu, Taste m", "4. Brief schreiben, Taste w"}},
		{"2\r", []string{"general: 0 Nachrichten, 0 ungelesen.", "Nummer zum Lesen, u nächste ungelesene, n neue Nachricht, l Liste, q zurück:"}},
		{"n\r", []string{"Betreff:"}},
		{"Plain subject\r", []string{"Tippe den Text Zeile für Zeile, nach jeder Zeile Enter.", "Ein Punkt allein auf einer Zeile sendet ihn."}},
		{"line one\rline two\r/l\r", []string{"1: line one", "2: line two"}},
		{".\r", []string{"general: 1 Nachricht, 0 ungelesen."}},
		{"1\r", []string{"Nachricht 2, von alice in general", "Betreff: Plain subject", "Ende der Nachricht."}},
		{"r\r", []string{"Betreff: Re: Plain subject"}},
		{"\r", []string{"Der Text beginnt mit", "aus der Nachricht, auf die du antwortest; /l zeigt sie."}},
		{"my answer\r.\r", []string{"Deine Antwort wurde veröffentlicht."}},
		{"n\r", []string{"Das war die letzte."}},
		{"q\r", []string{"Zurück in der Liste. general: 2 Nachrichten, 0 ungelesen."}},
		{"2\r", []string{"Eine Antwort auf Nachricht 2.", "Betreff: Re: Plain subject", "schrieb alice:", "> line one"}},
		{"q\r", []string{"Zurück in der Liste."}},
		{"q\r", []string{"1. Deine Briefe: 1 Nachricht, 1 neu, Taste m"}},
		{"1\r", []string{"Deine Briefe: 1 Nachricht, 1 ungelesen.", "1. Neu: A letter, von bob"}},
		{"u\r", []string{"Nachricht 1, von bob an alice", "hello.", "Ende der Nachricht."}},
		{"q\r", []string{"Zurück in der Liste."}},
		{"q\r", []string{"4. Brief schreiben, Taste w"}},
		{"w\r", []string{"An:"}},
		{"bob\rAn answer\rthanks, bob\r.\r", []string{"Nachrichten auf Test BBS"}},
		{"q\r", []string{"Deine Wahl, 1 bis 15"}},
		// Voting: a poll made, opened, voted in.
		{"v\r", []string{"Die Wahlkabine: 0 Umfragen."}},
		{"+\r", []string{"Frage:"}},
		{"Plain poll?\ryes\rno\r\r", []string{"a. Plain poll?"}},
		{"a\r", []string{"1. yes: 0 Stimmen, 0 %."}},
		{"1\r", []string{"Deine Stimme wurde gezählt.", "1. yes: 1 Stimme, 100 %. Deine Stimme."}},
		{"q\r", []string{"a. Plain poll? (du hast abgestimmt)"}},
		{"q\r", []string{"Deine Wahl, 1 bis 15"}},
		// The profile: the language, a change, someone else's profile.
		{"p\r", []string{"Dein Profil", "Name: alice", "Echter Name: (keine Angabe) (n ändert es)", "Wohnort: Springfield (l ändert es)",
			"Kodierung: automatisch (jetzt utf-8) (c ändert es)", "Barrierefrei: an: reine Textbildschirme bei jedem Anruf (a ändert es)",
			"Sprache: Deutsch (g ändert es)", "Mitglied seit:", "Tasten: ein Buchstabe von oben, diesen Eintrag ändern;"}},
		// The prompt is the user editor's word, usereditor.real_name.
		{"n\r", []string{"Echter Name:"}},
		{"\x15Alice Plain\r", []string{"Gespeichert."}},
		{"r\r", []string{"Echter Name: Alice Plain (n ändert es)"}},
		{"v\r", []string{"Wessen Profil?"}},
		{"bob\r", []string{"Profil von bob"}},
		{"\r", []string{"Tasten: ein Buchstabe von oben"}},
		{"q\r", []string{"Deine Wahl, 1 bis 15"}},
		// The keyboard test.
		{"k\r", []string{"Terminal-Test.", "Terminaltyp: xterm-256color.", "Fenstergröße: 80 Spalten mal 24 Zeilen."}},
		{"x", []string{"Taste: x"}},
		{"q", []string{"Ende des Terminal-Tests."}},
		// Log off, with the German yes.
		{"g\r", []string{"Jetzt abmelden? (j oder n):"}},
		{"j\r", []string{"Danke für deinen Anruf bei Test BBS, alice. Bis bald!"}},
	})
	if err := tt.Wait(); err != nil {
		t.Errorf("the call ended with %v", err)
	}
	out := strings.Join(plaincheck.Lines(tt.Raw()), "\n")
	checkNoIDs(t, "plain screens", out)
	// English words that a German caller should not read once logged in.
	start := max(0, strings.Index(out, "Hauptmenü"))
	for _, en := range []string{"Main menu", "Your choice", "Keys:", "Press Enter", "Saved.", "Log off now", "(y or n)", "Welcome,"} {
		if i := strings.Index(out[start:], en); i >= 0 {
			t.Errorf("English %q on a German screen, in the line %q", en, lineAt(out, start+i))
		}
	}
}

// germanFull walks the screens on the full screens.
func germanFull(t *testing.T) {
	f := germanCaller(t, false)
	tt := f.call(80, 24, term.UTF8, "192.0.2.41:1000")
	login(tt, "alice", "password1")
	const menu = "[G] Tschüss (abmelden)"
	var screens []string
	see := func(texts ...string) {
		t.Helper()
		screens = append(screens, waitScreen(t, tt, texts...))
	}
	see("Willkommen, alice.", "Das ist dein erster Anruf.", "[W] Wer ist online", "[O] Einzeiler", "[P] Dein Profil",
		"alice@Test BBS · Pfeiltasten und Enter oder die Taste eines Eintrags", menu)
	// Who's online.
	tt.Type("w")
	see("1 online", "Knoten", "Name", "Tätigkeit", "Inaktiv", "Wohnort", "rufen", "trennen", "Rundnachricht")
	tt.Type("q")
	see(menu)
	// One-liners.
	tt.Type("o")
	see("[a] Einzeiler schreiben", "[q] zurück")
	tt.Type("a")
	see("Sag:")
	tt.Type("hallo Welt\r")
	see("hallo Welt")
	tt.Type("q")
	see(menu)
	// Last callers.
	tt.Type("l")
	see("Name", "Wohnort", "Wann", "Anrufe", "(gerade eben)")
	tt.Type("q")
	see(menu)
	// Chat.
	tt.Type("c")
	see("die Lounge · 1 hier · /who /me /quit")
	tt.Type("hi all\r")
	see("<alice> hi all")
	tt.Type("/who\r")
	see("Hier: alice")
	tt.Type("/quit\r")
	see(menu)
	// Messages: the area list.
	tt.Type("m")
	see("Nachrichten auf Test BBS", "Deine Briefe", "Brief schreiben", "öffnen")
	tt.Type("q")
	see(menu)
	// Voting.
	tt.Type("v")
	see("Die Wahlkabine", "Noch keine Umfragen.", "neue Umfrage")
	tt.Type("q")
	see(menu)
	// The profile.
	tt.Type("p")
	see("[g] Sprache       Deutsch", "Echter Name", "Wohnort", "Kodierung", "Barrierefrei", "Mitglied seit", "[v] anderes Profil")
	tt.Type("q")
	see(menu)
	// The keyboard test.
	tt.Type("k")
	see("x84 · Terminal-Test", "Terminaltyp", "Fenstergröße", "Kodierung", "Verbunden über", "q geht zurück zum Menü")
	tt.Type("x")
	see("Letzte Taste:")
	tt.Type("q")
	see(menu)
	// Log off, with the German yes.
	tt.Type("g")
	see("Jetzt abmelden?")
	tt.Type("j")
	see("Danke für deinen Anruf bei Test BBS, alice. Bis bald!")
	for _, s := range screens {
		checkNoIDs(t, "full screen", s)
	}
	checkNoIDs(t, "full screens' bytes", string(tt.Raw()))
}

// germanLogin calls from a terminal whose LANG is German: the login
// screen speaks German before the account is known.
func germanLogin(t *testing.T) {
	f := germanCaller(t, true)
	tt := testterm.Start(t, testterm.Options{Term: "dumb", Registry: f.reg, Env: map[string]string{"LANG": "de_DE.UTF-8"}}, f.board)
	walk(t, tt, []step{
		{"", []string{"Reine Textbildschirme. Für volle Bildschirme tippe a bei der Frage nach deinem Namen.",
			"Verbunden mit Test BBS, Knoten 1.", "Name:"}},
		{"alice\r", []string{"Passwort:"}},
		{"password1\r", []string{"Willkommen, alice."}},
		{"g\rj\r", []string{"Danke für deinen Anruf bei Test BBS, alice. Bis bald!"}},
	})
	lines := strings.Join(plaincheck.Lines(tt.Raw()), "\n")
	checkNoIDs(t, "German login", lines)
	checkGerman(t, "German login", lines)
}

// walkOn is walk that goes on after a text that never comes, so that
// one run finds every screen that is not German; what the caller reads
// after each step's keys is checked by checkGerman.
func walkOn(t *testing.T, tt *testterm.Term, steps []step) {
	t.Helper()
	for _, s := range steps {
		from := len(tt.Raw())
		tt.Type(s.keys)
		out, missing := waitFor(tt, from, s.want, 4*time.Second)
		if missing != "" {
			t.Errorf("after %q: %q never came; the caller read:\n%s", s.keys, missing, out)
		}
		checkGerman(t, fmt.Sprintf("after %q", s.keys), out)
	}
}

// waitScreen waits a few seconds for the screen to show each of texts,
// and checks what it shows is German.
func waitScreen(t *testing.T, tt *testterm.Term, texts ...string) string {
	t.Helper()
	deadline := time.Now().Add(4 * time.Second)
	var scr, missing string
	for {
		scr, missing = tt.Screen(), ""
		for _, w := range texts {
			if !strings.Contains(scr, w) {
				missing = w
				break
			}
		}
		if missing == "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if missing != "" {
		t.Errorf("%q never showed; the screen:\n%s", missing, scr)
	}
	checkGerman(t, "screen", scr)
	return scr
}

// catalogTexts returns the texts of a built-in catalog by message id,
// a plural message's forms under the one id.
func catalogTexts(t *testing.T, tag string) map[string][]string {
	t.Helper()
	names, err := fs.Glob(lang.Builtin(), tag+"/*.toml")
	if err != nil || len(names) == 0 {
		t.Fatalf("catalog %s: %v %v", tag, names, err)
	}
	texts := map[string][]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(prefix+"."+k, x)
			}
		case string:
			id := prefix[1:]
			if i := strings.LastIndexByte(id, '.'); i >= 0 {
				switch id[i+1:] {
				case "zero", "one", "two", "few", "many", "other":
					id = id[:i]
				}
			}
			texts[id] = append(texts[id], v)
		}
	}
	for _, n := range names {
		var file map[string]any
		if _, err := toml.DecodeFS(lang.Builtin(), n, &file); err != nil {
			t.Fatal(err)
		}
		walk("", file)
	}
	return texts
}

var (
	englishOnce sync.Once
	// englishFragments are the parts between placeholders of the English
	// messages, long enough to be told from a caller's own words, that
	// the German ones do not have, by the id they come from.
	englishFragments map[string]string
	placeholder      = regexp.MustCompile(`\{[a-z_]+\}|\n`)
)

// englishDate is a date in English order, the month's name first
// ("Dec 3 2026", "Thu Dec 03 09:37"), which a German caller reads
// day first and with German names.
var englishDate = regexp.MustCompile(`\b(Mon |Tue |Wed |Thu |Fri |Sat |Sun )?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b`)

// artTaglines are the English words the built-in art writes under a
// screen's title; German callers get the art's German twins.
var artTaglines = []string{"where every call begins", "callers on the board right now", "a line for the next caller",
	"who dialed in before you", "you, as the board knows you", "thanks for calling"}

// checkGerman fails the test for each English text in out: a part of
// an English message the German one lacks, a tagline of the built-in
// art, or a date in English.
func checkGerman(t *testing.T, what, out string) {
	t.Helper()
	englishOnce.Do(func() {
		en, de := catalogTexts(t, "en"), catalogTexts(t, "de")
		englishFragments = map[string]string{}
		for id, texts := range en {
			german := strings.Join(de[id], "\n")
			for _, text := range texts {
				for _, frag := range placeholder.Split(text, -1) {
					frag = strings.TrimSpace(frag)
					if len(frag) < 10 || !strings.Contains(frag, " ") || strings.Contains(german, frag) {
						continue
					}
					englishFragments[frag] = id
				}
			}
		}
	})
	for frag, id := range englishFragments {
		if i := strings.Index(out, frag); i >= 0 {
			reportOnce(t, what, "the English text of "+id, frag, lineAt(out, i))
		}
	}
	for _, a := range artTaglines {
		if i := strings.Index(out, a); i >= 0 {
			reportOnce(t, what, "an art's English tagline", a, lineAt(out, i))
		}
	}
	for _, d := range englishDate.FindAllStringIndex(out, -1) {
		reportOnce(t, what, "an English date", out[d[0]:d[1]], lineAt(out, d[0]))
	}
}

// reported holds what reportOnce has told, by test and line.
var reported sync.Map

// reportOnce fails the test for English text on a German screen, once
// per test and line.
func reportOnce(t *testing.T, what, kind, text, line string) {
	t.Helper()
	if _, dup := reported.LoadOrStore(t.Name()+"\x00"+kind+"\x00"+line, true); dup {
		return
	}
	t.Errorf("%s: %s, %q, on a German screen, in the line %q", what, kind, text, line)
}

// lineAt returns the line of out that holds its byte i.
func lineAt(out string, i int) string {
	from := strings.LastIndexByte(out[:i], '\n') + 1
	to := strings.IndexByte(out[i:], '\n')
	if to < 0 {
		return strings.TrimSpace(out[from:])
	}
	return strings.TrimSpace(out[from : i+to])
}
