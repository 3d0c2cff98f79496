package sshd

import (
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// roundTrip returns the shortest round trip the kernel has seen on a TCP
// connection (its smoothed estimate if the kernel keeps no minimum), 0
// when it has none. The minimum, because delayed acknowledgements make
// the smoothed estimate of a near connection that has carried little
// (an ssh handshake) look tens of milliseconds long.
func roundTrip(c net.Conn) time.Duration {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0
	}
	var info *unix.TCPInfo
	rc.Control(func(fd uintptr) { info, _ = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO) })
	if info == nil {
		return 0
	}
	if info.Min_rtt > 0 {
		return time.Duration(info.Min_rtt) * time.Microsecond
	}
	return time.Duration(info.Rtt) * time.Microsecond
}
