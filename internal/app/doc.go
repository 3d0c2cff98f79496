// Package app is x84's wiring: it reads the configuration of a data
// directory, opens the store, builds the services (accounts, community),
// the board (the default one, or the one the program hands over) and the
// servers of every enabled protocol, serves until its context ends, and
// shuts down in order. It is the only package besides cmd/ and examples/
// that imports the default board; the public package x84 is a thin layer
// over it.
//
// Concurrency: Run starts one goroutine per listener and waits for all of
// them before it returns.
package app
