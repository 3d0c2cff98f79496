//go:build !linux

package door

import "syscall"

// killSession sends sig to the door's process group. (On Linux the other
// process groups of its session are found in /proc too.)
func killSession(sid int, sig syscall.Signal) {
	syscall.Kill(-sid, sig)
}
