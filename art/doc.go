// Package art loads the board's ANSI art, reads its SAUCE records and
// draws it on any terminal.
//
// ANSI art is CP437 text with ANSI escape sequences (ECMA-48 SGR and
// cursor controls, as DOS's ANSI.SYS understood them), usually drawn for
// 80 columns and relying on the screen wrapping there. Split and Join
// read and write the SAUCE 00 record that editors append to a file. Parse
// makes an Art, and Art.Render interprets it on a virtual canvas as wide
// as the art and returns each row as UTF-8 text with SGR colours, clipped
// to the caller's window rather than wrapped, so the art looks the same in
// any window; Art.Lines gives the same rows one by one, for a viewer that
// pages. A session's CP437 encoder turns the text back into the
// original bytes for CP437 terminals. Pipe colour codes, as Renegade and
// Mystic art writes them, are colours too: |00–|15 the foreground in DOS
// order (|08–|15 bright), |16–|23 the background; any other '|' is drawn.
//
// The canvas grows downward as the art needs, up to MaxRows rows of at
// most MaxCols columns; whatever lies below is cut off, so a hostile file
// cannot make the interpreter allocate without bound, and the work per
// input byte is bounded too.
//
// A Library finds art by name. The default art is built into the binary
// (drawn by the generator in internal/mkart: go generate ./art). A sysop
// replaces any of it by putting a file of the same name in the override
// directory, DATA/art/NAME.ans, and may add variants (NAME2.ans,
// NAME-xmas.ans: the name, then anything but a letter), of which Load
// picks one at random; x84 reads it on every Load and falls back
// to the built-in art, with an OverrideError to log, when it cannot be
// used. Art for callers of one language is NAME.TAG.ans (main.de.ans,
// main-xmas.de.ans; TAG as the board's catalogs name the language):
// LoadFor shows it to them in place of NAME.ans and never to anyone
// else. x84's own art comes in every language the board speaks, but a
// sysop's NAME.ans goes before the built-in NAME.TAG.ans, so a board
// that replaces a picture shows its own to every caller.
//
// The gallery is art to look at for its own sake, shown by the board's
// art viewer: the pieces built into x84 and the sysop's in
// DATA/art/gallery, named "gallery/NAME" (Library.Gallery lists them;
// a sysop's file replaces a built-in one of the same name, and has no
// variants). Library.Describe reads just a piece's SAUCE record, for a
// list, and Art.Facts says what the record says, for an info panel.
//
// Concurrency: Split, Join and Parse keep no state. An Art and a Library
// are safe for concurrent use once made, as long as nobody changes an
// Art's fields.
package art

//go:generate go run ./internal/mkart -o ans
