// Package app is x84's wiring: it reads the configuration of a data
// directory, opens the store, builds the services (accounts, community),
// the board (the default one, or the one the program hands over) and the
// servers of every enabled protocol, serves until its context ends, and
// shuts down in order. It, the public package x84 (a thin layer over
// it), cmd/ and examples/ are the only packages that import the default
// board.
//
// Concurrency: Run starts one goroutine per listener, and one that
// samples the metrics for the web admin's charts, and waits for all of
// them before it returns.
package app
