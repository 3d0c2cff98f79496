// Package sshd serves x84 over ssh (golang.org/x/crypto/ssh): it
// authenticates callers against the user database (password,
// keyboard-interactive, and the public keys users register), turns an
// interactive shell into a term.Conn for the board, and serves the file
// area over the sftp subsystem.
//
// Public keys are checked twice, against CVE-2024-45337's pitfall: the
// public-key callback only notes which registered key was offered, and
// the verified-key callback (called once the client has proved it holds
// that key) is what logs the caller in, after checking that the key it
// proved is the one noted.
//
// One connection serves one session channel: a shell with a pty (the
// board), the sftp subsystem, or an exec/ptyless shell, which gets a line
// saying an interactive terminal is needed and exit status 1. Other
// channel types are refused.
//
// Concurrency: Open runs in the connection's goroutine. It starts two
// goroutines per connection — one answering the session channel's
// requests (pty, env, window changes), one refusing further channels —
// which end when the connection closes.
package sshd
