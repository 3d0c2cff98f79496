package main

import (
	"strings"
	"unicode/utf8"
)

// pieces returns every file mkart writes.
func pieces() []piece {
	var ps []piece
	for _, w := range languages {
		ps = append(ps, screenPieces(w)...)
	}
	return append(ps, galleryPieces()...)
}

// words are the words a set of pieces is drawn with, in one language:
// the tag lines under the pictures, which stay the same.
type words struct {
	// suffix ends each piece's name: "" for English, the built-in
	// art every caller may see, ".TAG" for a language's own (see
	// art.Library.LoadFor).
	suffix string

	// The screens' tag lines.
	login, newUser, main, oneliners, lastCallers, who, profile, goodbye string

	// The gallery's: the logo's tag line, up to the language's name
	// (Go), and the sunset's caption.
	logo, sunset string
}

// languages are the languages the art is drawn in, English first.
var languages = []words{
	{
		login:       "a bulletin board system for your terminal",
		newUser:     "tell us a little about yourself",
		main:        "where every call begins",
		oneliners:   "a line for the next caller",
		lastCallers: "who dialed in before you",
		who:         "callers on the board right now",
		profile:     "you, as the board knows you",
		goodbye:     "∙ thanks for calling x84 ∙",
		logo:        "a bulletin board system in ",
		sunset:      " iCE colours: sixteen backgrounds, no blink ",
	},
	{
		suffix:      ".de",
		login:       "ein Bulletin-Board-System für dein Terminal",
		newUser:     "erzähl uns ein wenig von dir",
		main:        "wo jeder Anruf beginnt",
		oneliners:   "eine Zeile für den nächsten Anrufer",
		lastCallers: "wer vor dir angerufen hat",
		who:         "wer gerade online ist",
		profile:     "du, wie das Board dich kennt",
		goodbye:     "∙ danke für deinen Anruf bei x84 ∙",
		logo:        "ein Bulletin-Board-System in ",
		sunset:      " iCE-Farben: sechzehn Hintergründe, kein Blinken ",
	},
}

// screenPieces returns the art at the top of the board's screens, with
// the tag lines of w. The SAUCE titles name the pictures, which are the
// same in every language.
func screenPieces(w words) []piece {
	return []piece{
		{"login" + w.suffix, "x84", login(w.login)},
		{"newuser" + w.suffix, "x84 new user", section(1, "NEW USER", w.newUser)},
		{"main" + w.suffix, "x84 main menu", section(1, "MAIN MENU", w.main)},
		{"oneliners" + w.suffix, "x84 oneliners", section(0, "ONELINERS", w.oneliners)},
		{"lastcallers" + w.suffix, "x84 last callers", section(0, "LAST CALLERS", w.lastCallers)},
		{"who" + w.suffix, "x84 who's online", section(0, "WHO'S ONLINE", w.who)},
		{"profile" + w.suffix, "x84 profile", section(0, "PROFILE", w.profile)},
		{"goodbye" + w.suffix, "x84 goodbye", goodbye(w.goodbye)},
	}
}

// cool is the board's gradient from the top of a letter to its foot.
func cool(r int) int {
	return []int{white, brightCyan, brightCyan, cyan, cyan, brightBlue, brightBlue, blue}[min(r, 7)]
}

// rule draws a line of g across row y that fades out in shades at both
// ends.
func rule(s *sheet, y int, g rune) {
	line := "░▒▓" + strings.Repeat(string(g), width-8) + "▓▒░"
	mask := "44c" + strings.Repeat("c", width-8) + "c44"
	s.paint(1, y, line, mask)
}

// login is the board's name in big letters over tag.
func login(tag string) func(*sheet) {
	return func(s *sheet) {
		rule(s, 0, '▀')
		logo := set(big(), "x84", 4)
		x := (width - logo.width()) / 2
		s.blocks(x, 1, logo, cool)
		s.shadow(x, 1, 1, logo, darkGrey)
		s.center(9, tag, cyan)
		rule(s, 10, '▄')
	}
}

// header draws a title in small letters from row y down, beside a shaded
// pillar and over a rule with a tag line on it.
func header(s *sheet, y int, title, tag string) {
	for r := range 3 {
		s.paint(1, y+r, "░▒▓█", "444c")
	}
	s.blocks(7, y, set(small(), title, 1), cool)
	rule(s, y+3, '▀')
	s.text(width-8-utf8.RuneCountInString(tag), y+3, " "+tag+" ", cyan)
}

// section returns the drawing of a section header: from the top of the
// file, or (top 1) under a rule.
func section(top int, title, tag string) func(*sheet) {
	return func(s *sheet) {
		if top > 0 {
			rule(s, 0, '▄')
		}
		header(s, top, title, tag)
	}
}

// goodbye is "bye" in big letters over tag.
func goodbye(tag string) func(*sheet) {
	return func(s *sheet) {
		rule(s, 0, '▀')
		bye := set(big(), "bye", 4)
		x := (width - bye.width()) / 2
		s.blocks(x, 1, bye, cool)
		s.shadow(x, 1, 1, bye, darkGrey)
		s.center(10, tag, cyan)
		rule(s, 11, '▄')
	}
}
