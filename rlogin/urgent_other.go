//go:build !unix

package rlogin

import "net"

// sendUrgent reports that this platform cannot send urgent data.
func sendUrgent(net.Conn, byte) error { return ErrUrgentUnsupported }
