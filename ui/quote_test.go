package ui_test

import (
	"testing"
	"time"

	"github.com/x84bbs/x84/ui"
)

func TestQuote(t *testing.T) {
	text := "Hello there, this is a longer line that needs wrapping.\n\n> an older quote\n> > and older\n\x1b[31mred\x1b[0m\tok\n\n"
	got := ui.Quote("alice\x1b[2J", text, time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC), 30)
	want := "On 2026-03-01 14:05, alice wrote:\n" +
		"> Hello there, this is a\n" +
		"> longer line that needs\n" +
		"> wrapping.\n" +
		">\n" +
		">> an older quote\n" +
		">>> and older\n" +
		"> red ok\n"
	if got != want {
		t.Errorf("Quote = %q; want %q", got, want)
	}
	if got := ui.Quote("bob", "", time.Time{}, 79); got != "bob wrote:\n>\n" {
		t.Errorf("Quote of nothing = %q", got)
	}
}
