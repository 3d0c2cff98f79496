// Package door runs external programs ("doors") for callers: games and
// utilities that read and draw a terminal themselves, as every BBS has
// run them since the dial-up days.
//
// Run starts a Door's program on a pty of its own, in a session of its
// own (it is the session leader, so the pty is its controlling terminal),
// with an environment made for it and nothing of the server's: TERM,
// LINES, COLUMNS, HOME (its working directory), LANG (C.UTF-8, or C for a
// CP437 door), PATH, X84_NODE, X84_HANDLE, and the door's own Env. Its
// arguments are used as they are, with placeholders replaced (Expand):
// no shell reads them, so a handle with spaces or quotes stays one
// argument.
//
// Before the program starts a dropfile may be written (Render, Format):
// DOOR.SYS, door32.sys, DORINFOx.DEF, CALLINFO.BBS or CHAIN.TXT, with the
// caller's real values where the format has a field for them and x/84's
// fixed values elsewhere; dropfile.go documents each layout.
//
// While the door runs, three goroutines share the work:
//
//   - the caller's handler goroutine reads the caller (Terminal.ReadRaw,
//     undecoded bytes), transcodes them to the door's encoding and writes
//     them to the pty. A door that does not read gets inputWait to take
//     them, then its input is dropped (and counted) until it reads again,
//     so that the handler always comes back to notice a hang-up. A window
//     resize becomes a pty resize, and the kernel sends SIGWINCH.
//   - one goroutine copies the door's output to the caller, 4 KiB at a
//     time, transcoded: while the caller's connection is slow the writes
//     wait, the pty fills and the door waits on its own writes. Nothing
//     grows; a flood of output delays nobody else.
//   - one waits for the program to exit.
//
// The run ends when the program exits (its last output is still copied),
// when the caller hangs up or is disconnected, when the door's time limit
// passes (the caller is warned a minute before), or when ctx ends. Then
// every process of the door's session gets SIGHUP, and SIGKILL after a
// grace: its process group and, on Linux, the other groups of its session
// (a shell's jobs) and any process that still holds the door's terminal,
// found in /proc. The program is reaped, the pty closed. A process that
// started a session of its own and closed the terminal has left the
// door's reach. The pty's master is opened close-on-exec, so no other
// caller's door inherits it.
//
// A dropfile is written to the node's own directory unless the sysop
// names a folder: most formats have one name for every node, and a
// shared working directory would let one caller's door read another's.
//
// The pty's master is made non-blocking and handed to Go's poller
// (pollable): pty.Start leaves it blocking, where deadlines do nothing
// and a Read cannot be ended by Close.
package door
