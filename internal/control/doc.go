// Package control is the running server's local API: HTTP over a unix
// socket in the data directory (mode 0600, inside a 0700 directory), used
// by the x84 binary's subcommands (`x84 who`, `x84 user …`,
// `x84 broadcast`). Only the user who runs the server can reach it.
//
// Endpoints (JSON):
//
//	GET /v1/who     the live sessions, as []Who
//	GET /v1/stats   process figures for benchmarks, as Stats (?gc=1 collects garbage first; ?gc=release also returns freed memory to the system)
//	POST /v1/broadcast {"text"}  a notice to every session → {"sessions": n}
//	/v1/users…, /v1/bans…  account administration (admin.go)
//
// The account endpoints call Local, which is the account service seen as
// Admin; Client is the same interface over the socket, so `x84 user`
// uses either, with the same answers.
//
// Concurrency: Server handlers run on net/http's goroutines; what they
// call (the presence, the account and community services) is safe for
// concurrent use.
package control
