package main

import (
	"net"
	"time"

	"github.com/x84bbs/x84/telnet"
)

// idleAtMenu measures what n idle callers cost the server once logged in
// (anonymous) and resting at the main menu, the other place callers
// leave a session; idle measures them at the login screen.
func idleAtMenu(s *server, n, conc int) error {
	return idleMemory(s, "idle telnet sessions at the main menu", n, conc, func() (func(), error) {
		conns, err := gather(n, conc, func() (net.Conn, error) {
			c, err := net.DialTimeout("tcp", s.addr, 10*time.Second)
			if err != nil {
				return nil, err
			}
			c.SetDeadline(time.Now().Add(time.Minute))
			tc := telnet.NewClientConn(c, &xterm)
			if err = readUntil(tc, marker); err == nil {
				tc.Write([]byte("anonymous\r"))
				err = readUntil(tc, []byte("anonymous@")) // the menu's status line
			}
			if err != nil {
				c.Close()
				return nil, err
			}
			c.SetDeadline(time.Time{})
			return c, nil
		})
		return func() { closeAll(conns) }, err
	})
}
