// Package tomlpos finds where things are in a TOML file, for error
// messages that name a line: BurntSushi/toml keeps the positions of keys
// to itself, so errors found after parsing (an unknown key, a value out of
// range) need their line found again.
//
// [LineOf] finds the line that sets a key, with a small scanner of its own
// that runs in time linear in the file's length and never fails;
// [SyntaxLine] gives the line of a toml.ParseError. Both count lines from
// 1 and return 0 for "unknown".
//
// The package keeps no state; its functions may be called from any
// goroutine.
package tomlpos
