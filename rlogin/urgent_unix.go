//go:build unix

package rlogin

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// sendUrgent sends b on c as TCP urgent (out-of-band) data. net.TCPConn
// has no call for it, so it goes to the socket through SyscallConn; the
// runtime's poller waits while the send buffer is full and honours c's
// write deadline.
func sendUrgent(c net.Conn, b byte) error {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return ErrUrgentUnsupported
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUrgentUnsupported, err)
	}
	buf := [1]byte{b}
	var serr error
	err = rc.Write(func(fd uintptr) bool {
		for {
			serr = syscall.Sendto(int(fd), buf[:], syscall.MSG_OOB, nil)
			if serr != syscall.EINTR {
				break
			}
		}
		return serr != syscall.EAGAIN
	})
	if err != nil {
		return err
	}
	switch {
	case serr == nil:
		return nil
	case errors.Is(serr, syscall.EOPNOTSUPP):
		return fmt.Errorf("%w: %w", ErrUrgentUnsupported, os.NewSyscallError("sendto", serr))
	}
	return os.NewSyscallError("sendto", serr)
}
