// Package board holds x84's default board: its screens, one file each,
// written against the public session and term packages only, so that a
// sysop's own screens can do everything these do.
//
// For now it has one screen, KeyTest, the terminal check that greets
// callers until the board proper exists; it stays as the board's keyboard
// test.
package board
