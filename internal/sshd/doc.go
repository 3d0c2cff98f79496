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
// An account with two-factor login (account.HasTOTP) is not logged in by
// its password or key alone: that first factor answers with a partial
// success (ssh.PartialSuccessError) whose only next method is
// keyboard-interactive, asking one question, "Verification code: ",
// without echo. The account service checks the code (or a recovery
// code); a wrong one is a failed login there (pause, ban strike) and an
// authentication failure here, counted toward MaxAuthTries. An empty
// answer is no try: the question is asked again. x/crypto/ssh keeps the
// user name from changing after a partial success. The first factor
// proven gives the caller AuthTimeout more, from then, to type the code.
//
// One connection serves one session channel: a shell with a pty (the
// board), the sftp subsystem, or an exec/ptyless shell, which gets a line
// saying an interactive terminal is needed and exit status 1. Other
// channel types are refused.
//
// The sftp subsystem is pkg/sftp's RequestServer on the file area
// (internal/filearea), as the account stands when the transfer starts:
// the board's file areas hide what its level, groups or validation do
// not open (the area's AccessHook). A thin layer of x84's own announces and
// answers OpenSSH's limits@openssh.com extension, so that OpenSSH's
// client reads and writes in 255 KiB chunks instead of 32 KiB, with as
// many in flight as the handles announced: the file area's figure for a
// far client, 4 for a near one (readAhead explains why), and sends each
// data packet's header with its data rather than in a channel packet of
// its own. The exit status (0) reaches the client before the channel
// closes.
//
// Writes to the connection go through joinConn, which sends each
// AES-GCM packet in one system call (x/crypto/ssh's buffered writer makes
// two of any packet over 4 KiB).
//
// Concurrency: Open runs in the connection's goroutine. It starts one
// goroutine per connection, which answers the session channel's requests
// (pty, env, window changes) and refuses global requests and further
// channels, and ends when the connection closes. x/crypto/ssh runs three
// of its own per connection.
package sshd
