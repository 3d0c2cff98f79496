package rlogin

import (
	"net"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var (
	_ net.Conn = (*Conn)(nil)
	_ net.Conn = (*ClientConn)(nil)
)
