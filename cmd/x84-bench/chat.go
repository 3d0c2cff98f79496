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
//
// With several nodes (servers of one cluster) the callers are spread
// over them round-robin, the speaker is on the first, and every caller
// on every node counts. Each waits only for its own node's lounge to
// show: the room's "N here" is its node's.
func chatFanout(nodes []*server, n, conc int) error {
	const rounds = 5
	type caller struct {
		tc   *telnet.ClientConn
		c    net.Conn
		node int            // index in nodes
		seen chan time.Time // when the current round's line arrived
	}
	// The line of the current round. The readers only load it: a lock
	// taken by 10,000 readers at once would measure the tool, not x84.
	var want atomic.Pointer[[]byte]
	want.Store(new([]byte))
	var next atomic.Int64
	callers, err := gather(n, conc, func() (*caller, error) {
		node := int(next.Add(1)-1) % len(nodes)
		c, err := net.DialTimeout("tcp", nodes[node].addr, 10*time.Second)
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
		return &caller{tc: tc, c: c, node: node, seen: make(chan time.Time, rounds)}, nil
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
	// The speaker: the first caller on the first node (one is there:
	// every call came through, and the first went to the first node).
	speaker := callers[slices.IndexFunc(callers, func(c *caller) bool { return c.node == 0 })]
	time.Sleep(2 * time.Second) // let the joins settle
	var lat []time.Duration
	byNode := make([][]time.Duration, len(nodes))
	byRound := make([][]time.Duration, rounds)
	for r := range rounds {
		line := fmt.Sprintf("ping-%d-%d", r, time.Now().UnixNano())
		b := []byte(line)
		want.Store(&b)
		start := time.Now()
		if _, err := speaker.tc.Write([]byte(line + "\r")); err != nil {
			return err
		}
		deadline := time.After(30 * time.Second)
		for _, cl := range callers {
			select {
			case t := <-cl.seen:
				d := t.Sub(start)
				lat = append(lat, d)
				byNode[cl.node] = append(byNode[cl.node], d)
				byRound[r] = append(byRound[r], d)
			case <-deadline:
				return fmt.Errorf("round %d: the line did not reach every caller in 30 s", r)
			}
		}
		time.Sleep(1100 * time.Millisecond) // the chat's rate limit
	}
	where := ""
	if len(nodes) > 1 {
		where = fmt.Sprintf(" on %d nodes", len(nodes))
	}
	fmt.Printf("chat fan-out: a line to %d callers%s, %d rounds: %s\n", n, where, rounds, quantiles(lat))
	for r, l := range byRound {
		fmt.Printf("  round %d: %s\n", r+1, quantiles(l))
	}
	if len(nodes) > 1 {
		for i, l := range byNode {
			what := ""
			if i == 0 {
				what = ", the speaker's"
			}
			fmt.Printf("  node%d (%d callers%s): %s\n", i+1, len(l)/rounds, what, quantiles(l))
		}
	}
	return nil
}

// quantiles sorts lat, which must not be empty, and says its p50, p99
// and max.
func quantiles(lat []time.Duration) string {
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return fmt.Sprintf("p50 %v  p99 %v  max %v", q(0.5).Round(time.Microsecond), q(0.99).Round(time.Microsecond),
		lat[len(lat)-1].Round(time.Microsecond))
}
