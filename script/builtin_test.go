package script_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/script"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// The bundled scripts, run through the engine as a caller would run them.

// bundled is a fixture option: the scripts of builtin/ as the engine's
// built-in scripts.
func bundled() options { return options{builtin: script.Builtin()} }

// saved returns the value a script saved under key, "" if none.
func (f *fixture) saved(name, key string) string {
	f.t.Helper()
	v, err := f.store.ScriptData.GetScriptValue(f.t.Context(), name, key)
	if err != nil {
		return ""
	}
	return v
}

// waitUntil waits until ok holds for the caller's screen and returns the
// screen.
func (c *caller) waitUntil(t *testing.T, what string, ok func(screen string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := c.Screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %s:\n%s", what, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ends waits for the script to end normally.
func (c *caller) ends(t *testing.T) {
	t.Helper()
	c.WaitFor("Back at the menu.")
	if err := c.result(t); err != nil {
		t.Errorf("Run = %v; want nil", err)
	}
}

func TestBuiltinNames(t *testing.T) {
	f := newFixture(t, bundled())
	got := strings.Join(f.engine.Names(), " ")
	if want := "automessage bbslist blocks news"; got != want {
		t.Errorf("Names() = %q; want %q", got, want)
	}
}

// The well as blocks draws it on 80x24: 20 rows of 10 cells, two
// columns each, between walls at columns 30 and 51, rows 2 to 21.
const (
	wellTop   = 2
	wellRows  = 20
	wellLeft  = 21 // the left wall's column, 1-based: the cells start after it
	wellFloor = "└────────────────────┘"
)

// wellRow returns row y (0-based within the well) of the well's cells.
func wellRow(screen string, y int) string {
	lines := strings.Split(screen, "\n")
	if wellTop-1+y >= len(lines) {
		return ""
	}
	r := []rune(lines[wellTop-1+y])
	if len(r) < wellLeft+20 {
		r = append(r, []rune(strings.Repeat(" ", wellLeft+20-len(r)))...)
	}
	return string(r[wellLeft : wellLeft+20])
}

// piece returns the leftmost column (in the well's text) of the
// falling piece, found in an otherwise empty well, or -1 while the
// screen does not show all four of its cells.
func piece(screen string) int {
	col, cells := -1, 0
	for y := range wellRows {
		row := []rune(wellRow(screen, y))
		for x, r := range row {
			if r != '█' {
				continue
			}
			cells++
			if col < 0 || x < col {
				col = x
			}
		}
	}
	if cells != 8 { // 4 cells of 2 columns
		return -1
	}
	return col
}

// bottom reports whether the bottom row of the well holds a block.
func bottom(screen string) bool { return strings.Contains(wellRow(screen, wellRows-1), "█") }

// dropAndQuit drops the caller's first piece and ends the game.
func dropAndQuit(t *testing.T, c *caller) {
	t.Helper()
	c.waitUntil(t, "a piece", func(s string) bool { return piece(s) >= 0 })
	c.Type(" ")
	c.waitUntil(t, "the piece at the bottom", bottom)
	c.Type("q")
	c.WaitFor("Quit this game?")
	c.Type("y")
	c.WaitFor("GAME ENDED")
	c.Type("\r")
}

// A game of blocks: the well is drawn, a piece moves and drops, and
// quitting saves the score and shows it in the high-score table.
func TestBlocksGame(t *testing.T) {
	f := newFixture(t, bundled())
	u := f.addUser("erin")
	for key, damaged := range map[string]string{"score/zed": "{broken", "score/amy": `{"handle":"amy","score":"lots"}`} {
		if err := f.store.ScriptData.SetScriptValue(t.Context(), "blocks", key, damaged); err != nil {
			t.Fatal(err)
		}
	}
	c := f.run(u, "blocks")
	c.WaitFor("No scores yet") // the damaged records are skipped
	c.WaitFor("Enter to play")
	c.Type("\r")
	c.WaitFor(wellFloor)
	scr := c.WaitFor("Next")
	for _, want := range []string{"B L O C K S", "Score", "Lines", "Level", "Next"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the game screen lacks %q:\n%s", want, scr)
		}
	}
	scr = c.waitUntil(t, "a piece", func(s string) bool { return piece(s) >= 0 })
	before := piece(scr)
	c.Type("h")
	c.waitUntil(t, "the piece one cell left", func(s string) bool { return piece(s) == before-2 })
	dropAndQuit(t, c)
	scr = c.WaitFor("Play again?")
	var rec struct {
		Handle string
		Score  int
		Lines  int
		Date   string
	}
	if err := json.Unmarshal([]byte(f.saved("blocks", "score/erin")), &rec); err != nil || rec.Handle != "erin" || rec.Score <= 0 {
		t.Fatalf("saved score/erin = %+v (%v); want erin's score", rec, err)
	}
	want := "  1  erin"
	if !strings.Contains(scr, want) || !strings.Contains(scr, "You scored "+strconv.Itoa(rec.Score)) {
		t.Errorf("the table does not show erin's score %d:\n%s", rec.Score, scr)
	}
	c.Type("n")
	c.ends(t)
}

// A window too small for the well is refused with a message until it
// grows; 40x20 is enough.
func TestBlocksSmallWindow(t *testing.T) {
	f := newFixture(t, bundled())
	c := f.run(f.addUser("erin"), "blocks")
	c.WaitFor("Enter to play")
	c.Resize(36, 20)
	// The session takes the resize before the Enter typed after it:
	// keys and resizes come by two ways, and Enter could win.
	for deadline := time.Now().Add(10 * time.Second); c.Session.Size() != (term.Size{Cols: 36, Rows: 20}); {
		if time.Now().After(deadline) {
			t.Fatalf("the session never took the resize: %v", c.Session.Size())
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.Type("\r")
	c.WaitFor("needs a bigger window")
	c.Resize(40, 20)
	c.WaitFor(wellFloor)
	scr := c.WaitFor("Next")
	if got := c.Line(18); got != wellFloor {
		t.Errorf("row 19 = %q; want the floor of a well 18 rows deep, at the left of 40 columns:\n%s", got, scr)
	}
	c.Type("q")
	c.WaitFor("Quit this game?")
	c.Type("y")
	c.WaitFor("GAME ENDED")
	c.Type("\r")
	c.WaitFor("Play again?")
	c.Type("n")
	c.ends(t)
}

// A new top score reaches a caller who is playing, and an anonymous
// caller's game is not saved.
func TestBlocksTopScoreEvent(t *testing.T) {
	f := newFixture(t, bundled())
	a := f.run(f.addUser("erin"), "blocks")
	a.WaitFor("Enter to play")
	a.Type("\r")
	a.WaitFor(wellFloor)

	b := f.run(f.addUser("bob"), "blocks")
	b.WaitFor("Enter to play")
	b.Type("\r")
	b.WaitFor(wellFloor)
	dropAndQuit(t, b)
	b.WaitFor("A new top score!")

	a.WaitFor("bob set a new")
	a.WaitFor("top score:")

	anon := f.run(nil, "blocks")
	anon.WaitFor("Enter to play")
	anon.Type("\r")
	anon.WaitFor(wellFloor)
	dropAndQuit(t, anon)
	anon.WaitFor("Log in to have your scores saved.")
	list, err := f.store.ScriptData.ListScriptValues(t.Context(), "blocks", "score/", "", 100)
	if err != nil || len(list) != 1 || list[0].Key != "score/bob" {
		t.Errorf("saved scores = %+v (%v); want only bob's", list, err)
	}
	for _, c := range []*caller{a, b, anon} {
		c.Type("\x1b")
	}
}

// A sysop publishes a bulletin; callers read it, newest first, with its
// colours; the sysop deletes it.
func TestNews(t *testing.T) {
	f := newFixture(t, bundled())
	sysop := f.addUser("root", store.GroupSysop)
	c := f.run(sysop, "news")
	c.WaitFor("No bulletins yet.")
	c.WaitFor("dd")
	for _, b := range [][2]string{{"Older news", "Nothing much."}, {"Doors are open", "Play |12Blocks|07 today, @USER@."}} {
		c.Type("a")
		c.WaitFor("Title:")
		c.Type(b[0] + "\r")
		c.WaitFor("1:")
		c.Type(b[1] + "\r")
		c.WaitFor("2:")
		c.Type("/s\r")
		c.WaitFor("Publish this bulletin?")
		c.Type("y")
		c.WaitFor("Enter read")
	}
	scr := c.WaitFor("Doors are open")
	newer, older := strings.Index(scr, "Doors are open"), strings.Index(scr, "Older news")
	if newer < 0 || older < 0 || newer > older {
		t.Errorf("the list is not newest first:\n%s", scr)
	}
	c.Type("q")
	c.ends(t)

	u := f.addUser("erin")
	c = f.run(u, "news")
	c.WaitFor("Doors are open")
	scr = c.WaitFor("Enter read")
	if strings.Contains(scr, "dd") && strings.Contains(scr, "elete") {
		t.Errorf("a caller is offered the sysop's keys:\n%s", scr)
	}
	if !strings.Contains(scr, " *") {
		t.Errorf("new bulletins are not marked:\n%s", scr)
	}
	c.Type("\r")
	scr = c.WaitFor("Play Blocks today, erin.")
	if !strings.Contains(scr, "by root") {
		t.Errorf("the bulletin does not say who wrote it:\n%s", scr)
	}
	if raw := string(c.Raw()); !strings.Contains(raw, "\x1b[91mBlocks") && !strings.Contains(raw, "\x1b[38;5;203mBlocks") {
		t.Errorf("the body's |12 was not rendered as colour: %q", raw[max(0, strings.Index(raw, "Blocks")-40):])
	}
	c.Type("n")
	c.WaitFor("Nothing much.")
	c.Type("q")
	c.WaitFor("Older news")
	c.Type("a")
	c.Type("q")
	c.ends(t)
	if got := f.saved("news", "seen/erin"); got != "2" {
		t.Errorf("seen/erin = %q; want 2", got)
	}
	if list, err := f.store.ScriptData.ListScriptValues(t.Context(), "news", "news/", "", 100); err != nil || len(list) != 2 {
		t.Errorf("saved bulletins = %+v (%v); want the two, none added by a caller's 'a'", list, err)
	}

	c = f.run(u, "news")
	c.WaitFor("Doors are open")
	scr = c.WaitFor("Enter read")
	if strings.Contains(scr, " *") {
		t.Errorf("bulletins already seen are marked new:\n%s", scr)
	}
	c.Type("q")
	c.ends(t)

	c = f.run(sysop, "news")
	c.WaitFor("Doors are open")
	c.Type("d")
	c.WaitFor("Delete this bulletin?")
	c.Type("y")
	c.WaitGone("Doors are open")
	scr = c.WaitFor("Older news")
	if strings.Contains(scr, "Doors are open") {
		t.Errorf("the deleted bulletin is still listed:\n%s", scr)
	}
	c.Type("q")
	c.ends(t)
}

// A caller leaves a message; the next caller reads it as it was typed.
func TestAutomessage(t *testing.T) {
	f := newFixture(t, bundled())
	c := f.run(f.addUser("erin"), "automessage")
	c.WaitFor("No one has left a message yet.")
	c.Type("l")
	c.WaitFor("Line 3:")
	c.Type("Hi |12there @USER@!\r")
	c.Type("Second line\r")
	c.Type("\r")
	scr := c.WaitFor("Leave it for the next caller?")
	if !strings.Contains(scr, "Hi |12there @USER@!") {
		t.Errorf("the preview does not show the text as typed:\n%s", scr)
	}
	c.Type("y")
	c.WaitFor("-- erin, ")
	c.Type("\r")
	c.ends(t)

	c = f.run(f.addUser("bob"), "automessage")
	c.WaitFor("-- erin, ")
	scr = c.WaitFor("Enter to go on")
	for _, want := range []string{"Hi |12there @USER@!", "Second line"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the next caller does not see %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "istory") {
		t.Errorf("a caller is offered the history:\n%s", scr)
	}
	c.Type("l")
	c.WaitFor("Line 1:")
	c.Type("\x1b")
	c.WaitFor("-- erin, ")
	c.Type("\r")
	c.ends(t)

	c = f.run(f.addUser("root", store.GroupSysop), "automessage")
	c.WaitFor("-- erin, ")
	c.Type("h")
	c.WaitFor("1 of 1")
	c.Type("d")
	c.WaitFor("Delete this message?")
	c.Type("y")
	c.WaitFor("None are kept.")
	c.Type("x")
	c.WaitFor("No one has left a message yet.")
	c.Type("\r")
	c.ends(t)
}

// Callers add boards to the list: one a day each, each address once,
// and only the one who added an entry (or a sysop) may change it.
func TestBBSList(t *testing.T) {
	f := newFixture(t, bundled())
	erin := f.addUser("erin")
	c := f.run(erin, "bbslist")
	c.WaitFor("No boards are listed yet.")
	c.Type("a")
	for _, field := range [][2]string{
		{"Name:", "  Erin's   Place  "},
		{"Address:", "BBS.Example.org"},
		{"Sysop:", "erin"},
		{"Software:", "x84"},
		{"Description:", "Doors and |12files"},
	} {
		c.WaitFor(field[0])
		c.Type(field[1] + "\r")
	}
	c.WaitFor("Add this board to the list?")
	c.Type("y")
	scr := c.WaitFor("Erin's Place")
	if !strings.Contains(scr, "bbs.example.org:23") {
		t.Errorf("the list does not show the address as host:port:\n%s", scr)
	}
	c.Type("\r")
	c.WaitFor("telnet://bbs.example.org:23")
	c.WaitFor("Added by erin")
	c.WaitFor("Doors and |12files") // as typed, not in colour
	c.Type("q")
	c.Type("a")
	c.WaitFor("you can add another tomorrow")
	c.Type("x")
	c.WaitFor("Erin's Place")
	c.Type("q")
	c.ends(t)

	c = f.run(f.addUser("bob"), "bbslist")
	c.WaitFor("Erin's Place")
	c.Type("a")
	c.WaitFor("Name:")
	c.Type("Copy\r")
	c.WaitFor("Address:")
	c.Type("telnet://bbs.example.org:23\r")
	c.WaitFor("telnet://bbs.example.org:23 is already listed, as Erin's Place.")
	c.Type("\x15ftp://other.example.org\r") // Ctrl-U clears the field
	c.WaitFor("Only telnet:// and ssh:// addresses can be listed.")
	c.Type("\x1b")
	c.WaitFor("Other boards (1)")
	c.Type("d")
	c.WaitFor("Only whoever added Erin's Place, or a sysop, can change it.")
	c.Type("q")
	c.ends(t)

	list, err := f.store.ScriptData.ListScriptValues(t.Context(), "bbslist", "bbs/", "", 100)
	if err != nil || len(list) != 1 {
		t.Fatalf("saved entries = %+v (%v); want one", list, err)
	}
	var e map[string]string
	if err := json.Unmarshal([]byte(list[0].Value), &e); err != nil {
		t.Fatal(err)
	}
	if e["name"] != "Erin's Place" || e["address"] != "telnet://bbs.example.org:23" || e["addedBy"] != "erin" {
		t.Errorf("saved entry = %v; want the trimmed name, the address in one form, and who added it", e)
	}

	c = f.run(erin, "bbslist")
	c.WaitFor("Erin's Place")
	c.Type("d")
	c.WaitFor("Delete this board from the list?")
	c.Type("y")
	c.WaitFor("No boards are listed yet.")
	c.Type("q")
	c.ends(t)
}

// In a 40x20 window the list screens fit: the title stays on the top row
// (nothing scrolled it away) and the keys show on the bottom one; damaged
// records are skipped.
func TestBundledNarrowWindow(t *testing.T) {
	f := newFixture(t, bundled())
	u := f.addUser("erin")
	seed := []struct{ script, key, value string }{
		{"news", "news/000001", `{"title":"A bulletin whose title is longer than the window","date":"2026-01-02","body":"` + strings.Repeat("word ", 100) + `"}`},
		{"news", "news/000002", `{"title":`},
		{"bbslist", "bbs/000001", `{"name":"A board with a name that fills","address":"telnet://bbs.example.org:2323","addedBy":"bob"}`},
		{"bbslist", "bbs/000002", `[]`},
		{"automessage", "current", `{"handle":"bob","date":"2026-01-02 10:00","lines":["` + strings.Repeat("x", 70) + `"]}`},
	}
	for _, s := range seed {
		if err := f.store.ScriptData.SetScriptValue(t.Context(), s.script, s.key, s.value); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ script, title, bottom, open string }{
		{"news", "Bulletins of Test BBS", "Enter read", "\r"},
		{"bbslist", "Other boards (1)", "Enter view", "\r"},
		{"automessage", "A message for the next caller", "Enter to go on", ""},
	} {
		c := f.run(u, tc.script)
		c.WaitFor(tc.bottom)
		c.Resize(40, 20)
		c.waitUntil(t, "the screen redrawn for 40 columns", func(s string) bool {
			return strings.Contains(c.Line(19), tc.bottom) && strings.HasPrefix(c.Line(0), tc.title)
		})
		for y := range 20 {
			if l := c.Line(y); len([]rune(l)) > 40 {
				t.Errorf("%s: row %d is %d columns wide: %q", tc.script, y+1, len([]rune(l)), l)
			}
		}
		if tc.open != "" {
			c.Type(tc.open)
			c.WaitGone(tc.bottom)
			scr := c.waitUntil(t, "the keys on the bottom row", func(s string) bool { return strings.TrimSpace(c.Line(19)) != "" })
			if strings.Contains(scr, "failed") {
				t.Errorf("%s failed:\n%s", tc.script, scr)
			}
			c.Type("q")
			c.WaitFor(tc.bottom)
		}
		c.Type("q")
		c.ends(t)
	}
}

// fill answers the questions of a form in order, each with its answer.
func fill(c *caller, answers [][2]string) {
	for _, a := range answers {
		c.WaitFor(a[0])
		c.Type(a[1] + "\r")
	}
}

// boardForm returns the answers that add a board called name at addr.
func boardForm(name, addr string) [][2]string {
	return [][2]string{{"Name:", name}, {"Address:", addr}, {"Sysop:", ""}, {"Software:", ""}, {"Description:", ""}}
}

// Two callers add boards at the same time: erin opens the list and
// types hers, bob adds his meanwhile, then erin saves. Both stay listed,
// and the dates of adds on earlier days are deleted.
func TestBBSListAddTogether(t *testing.T) {
	f := newFixture(t, bundled())
	for _, k := range []string{"last/erin", "last/zed"} {
		if err := f.store.ScriptData.SetScriptValue(t.Context(), "bbslist", k, "2000-01-01"); err != nil {
			t.Fatal(err)
		}
	}
	a := f.run(f.addUser("erin"), "bbslist")
	a.WaitFor("No boards are listed yet.")
	a.Type("a")
	fill(a, boardForm("Erin's Place", "erin.example.org"))
	a.WaitFor("Add this board to the list?")

	b := f.run(f.addUser("bob"), "bbslist")
	b.WaitFor("No boards are listed yet.")
	b.Type("a")
	fill(b, boardForm("Bob's Place", "bob.example.org"))
	b.WaitFor("Add this board to the list?")
	b.Type("y")
	b.WaitFor("Other boards (1)")

	a.Type("y")
	a.waitUntil(t, "both boards listed", func(s string) bool {
		return strings.Contains(s, "Other boards (2)") && strings.Contains(s, "Erin's Place") && strings.Contains(s, "Bob's Place")
	})
	for _, c := range []*caller{a, b} {
		c.Type("q")
		c.ends(t)
	}

	list, err := f.store.ScriptData.ListScriptValues(t.Context(), "bbslist", "bbs/", "", 100)
	if err != nil || len(list) != 2 {
		t.Fatalf("saved entries = %+v (%v); want erin's and bob's", list, err)
	}
	today := time.Now().Format(time.DateOnly)
	for key, want := range map[string]string{"last/erin": today, "last/bob": today, "last/zed": ""} {
		if got := f.saved("bbslist", key); got != want {
			t.Errorf("%s = %q; want %q", key, got, want)
		}
	}
}

// Two sysops publish bulletins at the same time; both are kept.
func TestNewsAddTogether(t *testing.T) {
	f := newFixture(t, bundled())
	a := f.run(f.addUser("root", store.GroupSysop), "news")
	b := f.run(f.addUser("ops", store.GroupSysop), "news")
	for _, c := range []*caller{a, b} {
		c.WaitFor("No bulletins yet.")
		c.WaitFor("dd")
	}
	for i, c := range []*caller{a, b} {
		c.Type("a")
		fill(c, [][2]string{{"Title:", []string{"From root", "From ops"}[i]}, {"1:", "Some news."}, {"2:", "/s"}})
		c.WaitFor("Publish this bulletin?")
	}
	b.Type("y")
	b.WaitFor("Enter read")
	a.Type("y")
	a.waitUntil(t, "both bulletins listed", func(s string) bool {
		return strings.Contains(s, "From root") && strings.Contains(s, "From ops") && strings.Contains(s, "Enter read")
	})
	for _, c := range []*caller{a, b} {
		c.Type("q")
		c.ends(t)
	}
	list, err := f.store.ScriptData.ListScriptValues(t.Context(), "news", "news/", "", 100)
	if err != nil || len(list) != 2 {
		t.Errorf("saved bulletins = %+v (%v); want two", list, err)
	}
}

// A bulletin too large to save is refused with a message, and its lines
// come back so the sysop can shorten it.
func TestNewsTooLarge(t *testing.T) {
	f := newFixture(t, bundled())
	c := f.run(f.addUser("root", store.GroupSysop), "news")
	c.WaitFor("No bulletins yet.")
	c.Resize(210, 24) // room for lines of 200 characters
	c.WaitFor("dd")
	c.Type("a")
	c.WaitFor("Title:")
	c.Type("Long\r")
	c.WaitFor("1:")
	line := strings.Repeat("€", 200) // 600 bytes
	for i := range 110 {
		c.Type(line + "\r")
		c.WaitFor(strconv.Itoa(i+2) + ":")
	}
	c.Type("/s\r")
	c.WaitFor("Publish this bulletin?")
	c.Type("y")
	c.WaitFor("at most 65536 can be saved, so nothing was.")
	c.WaitFor("your lines come back to edit")
	for range 10 {
		c.Type("\x15/d\r") // Ctrl-U clears the line first
	}
	c.Type("\x15/s\r")
	c.WaitFor("Publish this bulletin?")
	c.Type("y")
	c.WaitFor("Long")
	c.Type("q")
	c.ends(t)

	var rec struct{ Body string }
	list, err := f.store.ScriptData.ListScriptValues(t.Context(), "news", "news/", "", 100)
	if err != nil || len(list) != 1 {
		t.Fatalf("saved bulletins = %+v (%v); want one", list, err)
	}
	if err := json.Unmarshal([]byte(list[0].Value), &rec); err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(rec.Body, "\n"); len(got) != 100 || got[0] != line {
		t.Errorf("saved body has %d lines; want the 100 left", len(got))
	}
}

// Pressing q on the "bigger window" screen while "Quit this game?" is
// asked leaves Blocks, as that screen says.
func TestBlocksQuitSmallWindow(t *testing.T) {
	f := newFixture(t, bundled())
	c := f.run(f.addUser("erin"), "blocks")
	c.WaitFor("Enter to play")
	c.Type("\r")
	c.WaitFor(wellFloor)
	c.Type("q")
	c.WaitFor("Quit this game?")
	c.Resize(36, 20)
	c.WaitFor("needs a bigger window")
	c.Type("q")
	c.ends(t)
}
