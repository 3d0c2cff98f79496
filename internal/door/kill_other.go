//go:build !linux

package door

import (
	"os"
	"syscall"
)

// killSession sends sig to the door's process group. (On Linux the other
// process groups of its session are found in /proc too.)
func killSession(sid int, tty string, sig syscall.Signal) {
	syscall.Kill(-sid, sig)
}

// slaveName is only known on Linux.
func slaveName(*os.File) string { return "" }
