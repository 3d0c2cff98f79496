// Package board is x84's default board: the login screen, the new-user
// application, and a main menu of screens (who's online, one-liners, last
// callers, the caller's profile, a keyboard test, a sysop's user list,
// logoff). Every screen is written against x84's public packages only
// (session, term, ui, art, store, events), so a sysop's own screens can do
// everything these do.
//
// # Adding a screen
//
// A screen is a function that gets the call and returns to the menu when
// it returns:
//
//	func fortune(ctx context.Context, c *board.Call) error {
//		c.SetActivity("reading a fortune")      // shown in who's online
//		c.WriteString(ui.ClearScreen + "Hello, " + c.User.Handle)
//		_, err := c.ReadKey(ctx)                 // wait for a key
//		return err
//	}
//
// and goes on the menu with Menu.Add, before the board serves anyone
// (x84.Options.Extend is the place):
//
//	b.Menu.Add(board.Entry{Key: 'f', Label: "Fortune cookie", Run: fortune})
//
// A Call embeds the *session.Session (keys, output, size, activity) and
// carries the Board (its store, art, events and settings) and the caller's
// account. Screens should redraw when ReadKey returns term.KeyResize, use
// ui's widgets for input (they refuse control characters and follow
// resizes), pass text that came from other users through term.Sanitize
// before showing it, and return ErrLogoff to end the call. See
// examples/custom-board for a whole program.
//
// # Rules the board keeps
//
// The first account created through the new-user application is the
// board's sysop. A wrong password and an unknown handle take the same time
// and give the same message. One-liners are sanitised before they are
// stored, limited in length, and limited to one per interval per caller.
//
// Concurrency: a Board is shared by every session and safe for concurrent
// use; a Call belongs to its session's goroutine.
package board
