package board_test

import (
	"strings"
	"testing"

	"github.com/x84bbs/x84/term"
)

// After "Not so fast", what the caller goes on typing (the line they meant
// to post) is dropped until Enter: it neither leaves the wall (q, Enter)
// nor runs menu entries (c for chat), and the wall stays as it was.
func TestOnelinerRefusalKeepsScreen(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUser("erin", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "erin", "password1")
	tt.WaitFor("Welcome, erin.")
	tt.Type("oa")
	tt.WaitFor("Say:")
	tt.Type("Hello, wall!\r")
	tt.WaitFor("erin │ Hello, wall!")
	tt.Type("a")
	scr := tt.WaitFor("Not so fast: you may post again in")
	if bottom := tt.Line(23); !strings.Contains(bottom, "Not so fast") || !strings.Contains(bottom, "[Enter] ok") {
		t.Errorf("bottom row after a refusal = %q; want the refusal and [Enter] ok", bottom)
	}
	before := strings.Split(scr, "\n")
	tt.Type("quick, one more line")
	tt.Type("\r") // ends the refusal, not the screen
	scr = tt.WaitFor("[a] add a one-liner")
	after := strings.Split(scr, "\n")
	for i := range 23 { // every row but the bottom one, where the hint is back
		if after[i] != before[i] {
			t.Errorf("row %d changed under the typing:\n was %q\n now %q", i+1, before[i], after[i])
		}
	}
	if strings.Contains(scr, "one more line") || strings.Contains(scr, "lounge") {
		t.Errorf("the typing showed or ran a menu entry:\n%s", scr)
	}
	if bottom := tt.Line(23); bottom != " [a] add a one-liner  [q] back" {
		t.Errorf("bottom row after Enter = %q; want the wall's key help", bottom)
	}
	// The wall's keys work again.
	tt.Type("q")
	tt.WaitFor("[O] One-liners")
}
