// Package config reads x84's configuration from an optional TOML file,
// normally DATA/x84.toml.
//
// x84 must start with no configuration at all, so every key has a default
// (see [Default] and [Example]) and a missing file is not an error. A file
// sets only the keys it wants to change:
//
//	[telnet]
//	address = "::"   # or "[::]"; "" listens on all addresses
//	port = 23
//
//	[server]
//	idle_timeout = "1h"   # durations are strings; "0" disables
//
// Each top-level table is a section, and its fields are plain values:
// strings, integers, booleans, [Duration] strings, or arrays of these.
// Sections may also be written as inline tables (telnet = { port = 23 })
// or dotted keys (telnet.port = 23).
//
// # Errors
//
// Every problem with a file, whether bad syntax, an unknown key such as a
// misspelled "prot", a value of the wrong type, or a value out of range,
// is reported as an [*Error] that names the file, the line and the full
// dotted key. Only the first problem is reported: unknown keys and wrong
// types in file order, then out-of-range values in section order.
//
// BurntSushi/toml does not expose where keys are set, so the line of a key
// is found by a small TOML scanner of x84's own, in package
// internal/tomlpos (which the board's theme files use too).
//
// # Adding a section
//
//  1. Write a struct with a `toml:"…"` tag on every field and add it to
//     [Config] with the section's name as its tag.
//  2. Give every field its default in [Default].
//  3. Write its check method, func (s Section) check() *problem, returning
//     the first bad value (check.go has helpers such as intIn and oneOf);
//     a section with nothing to check still needs one that returns nil.
//  4. Add every key, with its default and a one-line comment, to the text
//     returned by [Example].
//
// A section may hold a table of tables whose names the sysop chooses
// ([access.areas.TAG]): a field of type map[string]*T, T a struct, whose
// check sets problem.sub to the keys between the section and the key at
// fault. Rules across sections (an [access.areas] tag must be one of
// [board] areas) are checked once every section is good.
//
// Decoding and checking find sections by reflection, so nothing else needs
// wiring; the tests fail if a section lacks a check method, uses a field
// type the decoder cannot set, or is missing from the example.
//
// # Dependencies
//
// This package imports nothing of x84's but internal/tomlpos, which
// imports nothing of x84's either, so that any package may import it. A package that wants a section in its own types converts it itself:
// auth.RulesFromConfig, auth.HasherFromConfig and auth.BanConfigFromConfig
// turn [Accounts] and [Ban] into package auth's types.
//
// # Concurrency
//
// A Config is a plain value with no shared state: copy it freely and read it
// from any goroutine. The package keeps no global state.
package config
