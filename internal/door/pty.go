package door

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/x84bbs/x84/term"
)

// pollable returns the pty's master side as a file that Go's poller
// watches, so that reads and writes honour deadlines and Close ends a
// blocked Read: pty.Start leaves it in blocking mode (it asks for the
// descriptor), where a door that stops reading would hold the caller's
// goroutine. The original is closed.
func pollable(f *os.File) (*os.File, error) {
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var fd int
	var derr error
	// F_DUPFD_CLOEXEC: Dup then CloseOnExec would let a door started
	// meanwhile by another caller inherit this pty master.
	if err := rc.Control(func(u uintptr) { fd, derr = unix.FcntlInt(u, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, derr
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "ptmx"), nil
}

// setSize sets the pty's window size; the kernel sends the door's
// foreground process group SIGWINCH. (pty.Setsize would ask for the
// descriptor, which puts it back into blocking mode.)
func setSize(f *os.File, sz term.Size) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ierr error
	err = rc.Control(func(fd uintptr) {
		ierr = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(sz.Rows), Col: uint16(sz.Cols)})
	})
	if err != nil {
		return err
	}
	return ierr
}
