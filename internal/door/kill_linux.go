package door

import (
	"bytes"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// killSession sends sig to every process of the session that the door's
// program leads (pty.Start makes it a session leader, so its pid is the
// session's id): its process group, and the groups a shell with job
// control made inside the session; and every process that holds tty,
// the door's terminal, open, which finds a child that started a session
// of its own but kept the terminal. A process that left both has left
// the door and is not touched.
func killSession(sid int, tty string, sig syscall.Signal) {
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
		if sessionOf(pid) == sid || tty != "" && holds(pid, tty) {
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

// holds reports whether pid has tty (the door's pty slave) open: a child
// that started a session of its own still holds the door's terminal.
func holds(pid int, tty string) bool {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd/"
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if l, err := os.Readlink(dir + e.Name()); err == nil && l == tty {
			return true
		}
	}
	return false
}

// slaveName returns the path of the pty's slave side (/dev/pts/N), or ""
// if the system does not say: a door's child that left its session is
// still found by the terminal it holds (killSession).
func slaveName(f *os.File) string {
	rc, err := f.SyscallConn()
	if err != nil {
		return ""
	}
	n, ierr := -1, error(nil)
	rc.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN) })
	if ierr != nil || n < 0 {
		return ""
	}
	return "/dev/pts/" + strconv.Itoa(n)
}
