// Package board is x84's default board: the login screen, the new-user
// application, and a main menu of screens (who's online, one-liners,
// chat, messages, voting, last callers, the caller's profile, a keyboard
// test, the sysop's user list and broadcast, logoff). Every screen is
// written against x84's public packages only (session, term, ui, art,
// events, and the account and community services), so a sysop's own
// screens can do everything these do.
//
// The board holds no rules of its own: logging in, applying, passwords
// and keys go through the account service (Board.Accounts), and
// one-liners, chat, pages, broadcasts, messages and polls through the
// community services (Board.Community), which the web API and the control
// socket call too.
//
// While the board has no sysop, the new-user application asks for the
// one-time setup code the server printed for its operator (see
// account.Service.StartSetup; "Enter to skip"): the service decides, and
// the right code makes the applicant the sysop. The form checks each code
// as it is typed and, after as many wrong codes as a login gets wrong
// passwords (Config.MaxLoginAttempts), stops asking and goes on for an
// ordinary account. After a right password for an account with
// two-factor login, the login screen asks for a code (the service's
// LoginSecondFactor decides; a wrong code is a failed login); the
// profile turns it on (secret and QR code, package internal/qrtext),
// off, or makes new recovery codes, and the sysop's user editor removes
// it. Where the account service offers password reset by e-mail
// (ResetOffered), the login screen says so and takes "forgot" (reset.go):
// a code mailed, or one mailed earlier, then a new password twice, and
// the caller logs in with it as with any password (a second factor is
// still asked); wrong codes count as failed logins, in one count for the
// call with wrong passwords and second-factor codes.
// A sysop's disconnect in who's online asks first, and
// the caller reads why on their screen before the connection closes
// (session.Session.Disconnect).
//
// # Adding a screen
//
// A screen is a function that gets the call and returns to the menu when
// it returns:
//
//	func fortune(ctx context.Context, c *board.Call) error {
//		c.SetActivity("reading a fortune") // shown in who's online
//		draw := func() {
//			c.Clear()
//			c.Say(2, c.Theme.Title, "Hello, "+c.User.Handle)
//			c.Say(4, "", c.KeyHelp("any key", "back"))
//		}
//		draw()
//		return c.AnyKey(ctx, draw) // a key: back to the menu
//	}
//
// and goes on the menu with Menu.Add, before the board serves anyone
// (x84.Options.Extend is the place):
//
//	b.Menu.Add(board.Entry{Key: 'j', Label: "Fortune cookie", Run: fortune})
//
// A Call embeds the *session.Session (keys, output, size, activity, its
// Inbox) and carries the Board and the caller's account (User; an
// anonymous caller's has ID 0).
//
// # Levels, groups and validation
//
// Menu entries (a file's level and group keys, Entry.Need for those
// added in Go), doors (Door.Need), message areas and file areas may need
// a security level or a group; package access decides, and what a caller
// does not meet is not listed (the doors are refused too if a menu entry
// names one directly). Menus are drawn for the caller's account as it is
// at each menu (Call refreshes it), so a sysop's change counts from the
// caller's next menu; callers of one level and groups share one view of
// each menu; an entry picked is checked again against the account read
// afresh, and refused with a line if the sysop took its need away
// meanwhile. A caller whose account awaits validation reads a notice
// after login, and whatever the menus offer, writes no message or
// letter, runs no door and uploads nothing (access.CheckValidated, in
// the services and in runDoor). Who's online does not name a message
// area or door that needs something, nor a menu (and what it opens)
// reached by an entry that does: activity.go says "reading messages",
// "in a door", "in a menu". A door's drop file carries access.Level.
// The sysop's user editor validates accounts and sets levels and groups
// through the account service.
//
// # The toolkit
//
//   - Call.NextKey is a screen's safe point: it shows the notices waiting
//     for the caller (pages, broadcasts, mail) and redraws after them,
//     redraws after a resize, and returns every other key, including
//     term.KeyEvent for the live updates a screen watches
//     (c.Inbox().WatchUpdates on the board's Events). Read keys with it,
//     not with ReadKey, which also returns for notices and resizes.
//     Call.AnyKey waits for any key the same way ("press a key").
//   - Call.Clear clears the screen for a screen to draw on; Call.Line
//     and Call.Lines write lines of their own (accessible mode's way of
//     saying things).
//   - Call.Say writes a message on a row; Call.Ask reads a line in a
//     ui.Field after a label and follows resizes; Call.Confirm asks yes
//     or no; Call.Box shows a message box; Call.Header draws a screen's
//     art (a sysop's DATA/art/NAME.ans replaces the built-in).
//   - Call.KeyHelp formats key hints ("[a] add  [q] back"); IsQuit tells
//     the keys that leave a screen (q, Esc, Enter).
//   - The palette is the call's Theme (the sysop's [board] theme):
//     c.Theme.Text, Label, Value, Key, Title, Error, OK, Dim and Bar,
//     SGR sequences to write before text; c.Theme.Box holds the box
//     characters and c.Theme.Strings what the built-in screens say.
//
// # Themes
//
// A theme is a TOML file: the built-in "default" and "plain", or a
// sysop's DATA/themes/NAME.toml, which replaces a built-in theme of the
// same name or adds one (LoadTheme). It sets colours as pipe codes
// (package markup), box characters and strings; keys it leaves out keep
// the default theme's values. board/themes/default.toml documents every
// key.
//
// Screens redraw on a resize (NextKey calls their draw function), use
// ui's widgets for input (they refuse control characters and follow
// resizes), pass text that came from other users through term.Sanitize
// before showing it (the services sanitise what they store), and return
// ErrLogoff to end the call. See examples/custom-board for a whole
// program with a screen that reads and writes through a service.
//
// # Accessible mode
//
// A caller who reads with a screen reader or a braille display has every
// screen as plain lines of text (store.User.Accessible, or "a" at the
// login screen, which offers it first when the terminal type suggests
// such a caller). The mode is the session's
// (session.Session.Accessible, so Call.Accessible), known before a Call
// exists. The building blocks follow it: Call.Clear and Call.Header
// write a blank line and the screen's title, Say and Line write lines,
// KeyHelp says the keys in words, NextKey and AnyKey read a line (one
// letter and Enter is a key), Ask, Confirm and Box ask on lines of their
// own, menus (ui.Menu) are numbered lists, ui.Field echoes plainly,
// ui.Editor is a line editor, and the theme has no colours. A screen
// built from them works in both modes; one that draws with cursor
// addressing of its own (ui.MoveTo, ui.ClearScreen, SGR) checks
// c.Accessible() and writes lines instead, as the built-in screens do in
// their plain*.go files. plain.go says what each building block does.
//
// Concurrency: a Board is shared by every session and safe for concurrent
// use; a Call belongs to its session's goroutine.
package board
