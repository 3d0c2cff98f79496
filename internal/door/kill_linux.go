package door

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// killSession sends sig to every process of the session that the door's
// program leads (pty.Start makes it a session leader, so its pid is the
// session's id): its process group, and the groups a shell with job
// control made inside the session. A process that started a session of
// its own (a daemon) has left the door and is not touched.
func killSession(sid int, sig syscall.Signal) {
	syscall.Kill(-sid, sig)
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == sid {
			continue
		}
		if sessionOf(pid) == sid {
			syscall.Kill(pid, sig)
		}
	}
}

// sessionOf returns the session id of a process, from /proc/PID/stat,
// or -1.
func sessionOf(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	// The command name, in parentheses, may hold spaces and ')': the
	// fields that follow start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := bytes.Fields(b[i+1:])
	// state ppid pgrp session
	if len(f) < 4 {
		return -1
	}
	sid, err := strconv.Atoi(string(f[3]))
	if err != nil {
		return -1
	}
	return sid
}
