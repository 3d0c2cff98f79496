package main

import "strings"

// pieces returns every file mkart writes.
func pieces() []piece {
	return append([]piece{
		{"login", "x84", login},
		{"newuser", "x84 new user", newUser},
		{"main", "x84 main menu", mainMenu},
		{"oneliners", "x84 oneliners", section("ONELINERS", "a line for the next caller")},
		{"lastcallers", "x84 last callers", section("LAST CALLERS", "who dialed in before you")},
		{"who", "x84 who's online", section("WHO'S ONLINE", "callers on the board right now")},
		{"profile", "x84 profile", section("PROFILE", "you, as the board knows you")},
		{"goodbye", "x84 goodbye", goodbye},
	}, galleryPieces()...)
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

func login(s *sheet) {
	rule(s, 0, '▀')
	logo := set(big(), "x84", 4)
	x := (width - logo.width()) / 2
	s.blocks(x, 1, logo, cool)
	s.shadow(x, 1, 1, logo, darkGrey)
	s.center(9, "a bulletin board system for your terminal", cyan)
	rule(s, 10, '▄')
}

func newUser(s *sheet) {
	rule(s, 0, '▄')
	header(s, 1, "NEW USER", "tell us a little about yourself")
}

func mainMenu(s *sheet) {
	rule(s, 0, '▄')
	header(s, 1, "MAIN MENU", "where every call begins")
}

// header draws a title in small letters from row y down, beside a shaded
// pillar and over a rule with a tag line on it.
func header(s *sheet, y int, title, tag string) {
	for r := range 3 {
		s.paint(1, y+r, "░▒▓█", "444c")
	}
	s.blocks(7, y, set(small(), title, 1), cool)
	rule(s, y+3, '▀')
	s.text(width-8-len(tag), y+3, " "+tag+" ", cyan)
}

// section returns the drawing of a section header at the top of a file.
func section(title, tag string) func(*sheet) {
	return func(s *sheet) { header(s, 0, title, tag) }
}

func goodbye(s *sheet) {
	rule(s, 0, '▀')
	bye := set(big(), "bye", 4)
	x := (width - bye.width()) / 2
	s.blocks(x, 1, bye, cool)
	s.shadow(x, 1, 1, bye, darkGrey)
	s.center(10, "∙ thanks for calling x84 ∙", cyan)
	rule(s, 11, '▄')
}
