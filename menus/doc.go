// Package menus reads the board's menus from TOML files, so that a sysop
// changes what callers see without Go or a restart.
//
// A menu is one file, NAME.toml, in the sysop's menu folder (DATA/menus)
// or among the board's built-in menus; the sysop's file of a name
// replaces the built-in one. A file holds the menu's title, its art, a
// prompt for the bottom line, and its entries:
//
//	title = "Games"
//	art = "games"        # header art (DATA/art/games.ans); optional
//	art_rows = 6         # rows of art on the smallest window
//	prompt = "|08Pick a game, or q to go back"
//
//	[[entry]]
//	key = "b"
//	label = "Falling blocks"
//	script = "blocks"    # DATA/scripts/blocks.js
//
//	[[entry]]
//	key = "s"
//	label = "Sysop's corner"
//	menu = "sysop"       # another menu file
//	sysop = true         # shown to sysops only
//
//	[[entry]]
//	key = "e"
//	label = "Elite doors"
//	menu = "elite"
//	level = 50           # shown to callers of security level 50 or more
//	group = "elite"      # ... who are in the group elite
//
// Each entry has exactly one action: screen (a built-in screen by name),
// menu, door (a configured door by name), art (a full-screen art
// display), script, or logoff = true. An entry whose screen, menu, door
// or script does not exist on this board is left off the menu, so one
// set of files serves boards with and without doors or file areas.
//
// An entry with a level (0 to 255) or a group (see package access) is
// left off the menu for callers who do not meet it; sysops meet every
// one, and an account awaiting validation counts as level 0 in no group.
// The groups sysop, locked and unvalidated cannot be required (sysop =
// true is the sysops' entry).
// The main menu must keep a log off entry that needs nothing.
//
// A file with an error is refused whole: the error names the file, the
// line and the key, and the board keeps the last good version of that
// menu (the built-in one when the file was never good). A Set looks at
// the folder at most once a second, when a caller draws a menu, so an
// edit shows on the next menu drawn; Reload looks at once (the board
// calls it on SIGHUP).
//
// A file's texts are in one language; the board shows a caller the
// title, prompt and labels in their own where its catalogs translate
// them, as menus.NAME.title, menus.NAME.prompt and menus.NAME.entry.KEY
// (see package lang).
package menus
