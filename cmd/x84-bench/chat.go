package main

import (
	"bytes"
	"fmt"
	"net"
	"slices"
	"sync/atomic"
	"time"

	"github.com/x84bbs/x84/telnet"
)

// chatFanout measures how long one chat line takes to reach every caller
// in the room: n telnet callers (anonymous) join the lounge, one of them
// says a line, and each records when it arrives. Repeated rounds times.
func chatFanout(s *server, n, conc int) error {
	const rounds = 5
	type caller struct {
		tc   *telnet.ClientConn
		c    net.Conn
		seen chan time.Time // when the current round's line arrived
	}
	// The line of the current round. The readers only load it: a lock
	// taken by 10,000 readers at once would measure the tool, not x84.
	var want atomic.Pointer[[]byte]
	want.Store(new([]byte))
	callers, err := gather(n, conc, func() (*caller, error) {
		c, err := net.DialTimeout("tcp", s.addr, 10*time.Second)
		if err != nil {
			return nil, err
		}
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		tc := telnet.NewClientConn(c, &xterm)
		if err = readUntil(tc, marker); err == nil {
			tc.Write([]byte("anonymous\r"))
			if err = readUntil(tc, []byte("anonymous@")); err == nil {
				tc.Write([]byte("c"))
				err = readUntil(tc, []byte("the lounge"))
			}
		}
		if err != nil {
			c.Close()
			return nil, err
		}
		return &caller{tc: tc, c: c, seen: make(chan time.Time, rounds)}, nil
	})
	defer func() {
		for _, c := range callers {
			c.c.Close()
		}
	}()
	if err != nil {
		return err
	}
	// Every caller reads all the time, so the server never waits on it,
	// and notes when the round's line first shows.
	for _, cl := range callers {
		go func() {
			buf := make([]byte, 8192)
			var tail []byte
			var got *[]byte
			for {
				m, err := cl.tc.Read(buf)
				if err != nil {
					return
				}
				now := time.Now()
				tail = append(tail, buf[:m]...)
				w := want.Load()
				if len(*w) > 0 && w != got && bytes.Contains(tail, *w) {
					got = w
					cl.seen <- now
				}
				if len(tail) > 4096 {
					tail = tail[len(tail)-256:]
				}
			}
		}()
	}
	time.Sleep(2 * time.Second) // let the joins settle
	var lat []time.Duration
	for r := range rounds {
		line := fmt.Sprintf("ping-%d-%d", r, time.Now().UnixNano())
		b := []byte(line)
		want.Store(&b)
		start := time.Now()
		if _, err := callers[0].tc.Write([]byte(line + "\r")); err != nil {
			return err
		}
		deadline := time.After(30 * time.Second)
		for _, cl := range callers {
			select {
			case t := <-cl.seen:
				lat = append(lat, t.Sub(start))
			case <-deadline:
				return fmt.Errorf("round %d: the line did not reach every caller in 30 s", r)
			}
		}
		time.Sleep(1100 * time.Millisecond) // the chat's rate limit
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("chat fan-out: a line to %d callers, %d rounds: p50 %v  p99 %v  max %v\n", n, rounds,
		q(0.5).Round(time.Microsecond), q(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	return nil
}
