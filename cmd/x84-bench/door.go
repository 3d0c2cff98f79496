package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/x84bbs/x84/telnet"
)

// doorConfig is the bench server's doors: one that prints a line and
// waits (as a game waits at its title screen), and one that writes
// floodMiB MiB of 80-column lines as fast as it can. They are shell
// commands, as a sysop could write them.
const floodMiB = 256

var doorConfig = fmt.Sprintf(`
[[door]]
name = "wait"
key = "w"
command = "/bin/sh"
args = ["-c", "echo DOOR-READY; read line"]

[[door]]
name = "flood"
key = "f"
command = "/bin/sh"
args = ["-c", "yes 0123456789012345678901234567890123456789012345678901234567890123456789012345678 | head -c %d; echo; echo FLOOD-DONE"]
`, floodMiB<<20)

// toDoors logs one anonymous caller in and opens the Doors menu.
func toDoors(addr string) (*telnet.ClientConn, net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, nil, err
	}
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	tc := telnet.NewClientConn(c, &xterm)
	if err = readUntil(tc, marker); err == nil {
		tc.Write([]byte("anonymous\r"))
		if err = readUntil(tc, []byte("anonymous@")); err == nil {
			tc.Write([]byte("d"))
			err = readUntil(tc, []byte("Doors on"))
		}
	}
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return tc, c, nil
}

// doorBench measures n callers entering a door: the time from the key
// to the door's first output, then what a caller in a door costs x84
// (RSS, heap, stacks and goroutines, against the same callers at the
// Doors menu) and what the door's own processes hold.
func doorBench(s *server, n, conc int) error {
	type caller struct {
		tc *telnet.ClientConn
		c  net.Conn
	}
	callers, err := gather(n, conc, func() (caller, error) {
		tc, c, err := toDoors(s.addr)
		return caller{tc, c}, err
	})
	defer func() {
		for _, c := range callers {
			c.c.Close()
		}
	}()
	if err != nil {
		return err
	}
	settle := time.Second
	if d, err := time.ParseDuration(os.Getenv("X84_BENCH_SETTLE")); err == nil {
		settle = d
	}
	time.Sleep(settle)
	before, err := s.ctl.Stats(context.Background(), true)
	if err != nil {
		return err
	}
	beforeRSS := s.rss()

	var mu sync.Mutex
	var times []time.Duration
	var firstErr error
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for _, cl := range callers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			start := time.Now()
			cl.tc.Write([]byte("w"))
			err := readUntil(cl.tc, []byte("DOOR-READY"))
			d := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = cmpErr(firstErr, err)
				return
			}
			times = append(times, d)
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	time.Sleep(settle)
	after, err := s.ctl.Stats(context.Background(), true)
	if err != nil {
		return err
	}
	afterRSS := s.rss()
	doors, doorRSS := childrenRSS(s.cmd.Process.Pid)
	slices.Sort(times)
	q := func(p float64) time.Duration { return times[min(len(times)-1, int(p*float64(len(times))))] }
	per := func(a, b uint64) float64 { return float64(int64(a)-int64(b)) / float64(n) / 1024 }
	fmt.Printf("door: %d callers (%d at a time) from the Doors menu's key to the door's first output: p50 %v  p99 %v  max %v\n",
		n, conc, q(0.5).Round(time.Microsecond), q(0.99).Round(time.Microsecond), times[len(times)-1].Round(time.Microsecond))
	fmt.Printf("  x84 per caller in a door, against the Doors menu: RSS %+.1f KiB, heap %+.1f KiB, stacks %+.1f KiB, goroutines %+.2f\n",
		per(afterRSS, beforeRSS), per(after.HeapInuse, before.HeapInuse), per(after.StackInuse, before.StackInuse),
		float64(after.Goroutines-before.Goroutines)/float64(n))
	if doors > 0 {
		fmt.Printf("  the doors' own processes: %d, %.1f KiB RSS each (/bin/sh)\n", doors, float64(doorRSS)/float64(doors)/1024)
	}
	return nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// childrenRSS counts the processes whose parent is pid and sums their
// resident memory.
func childrenRSS(pid int) (int, uint64) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, 0
	}
	n, total := 0, uint64(0)
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		var ppid int
		var rss uint64
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PPid:"); ok {
				ppid, _ = strconv.Atoi(strings.TrimSpace(v))
			}
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				rss = kb * 1024
			}
		}
		if ppid == pid {
			n++
			total += rss
		}
	}
	return n, total
}

// doorFlood measures how fast a door's output reaches a telnet caller:
// one caller runs the flood door three times, reading (and decoding)
// everything; the median is reported.
func doorFlood(s *server) error {
	tc, c, err := toDoors(s.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	var rates []float64
	buf := make([]byte, 64<<10)
	done := []byte("FLOOD-DONE")
	for range 3 {
		c.SetDeadline(time.Now().Add(2 * time.Minute))
		start := time.Now()
		tc.Write([]byte("f"))
		var total int64
		var tail []byte
		for {
			n, err := tc.Read(buf)
			total += int64(n)
			tail = append(tail[max(0, len(tail)-16):], buf[:n]...)
			if bytes.Contains(tail, done) {
				break
			}
			if err != nil {
				return fmt.Errorf("flood: %w after %d bytes", err, total)
			}
		}
		d := time.Since(start)
		rates = append(rates, float64(total)/(1<<20)/d.Seconds())
		if err := readUntil(tc, []byte("Doors on")); err != nil {
			return err
		}
	}
	slices.Sort(rates)
	fmt.Printf("door output to a telnet caller: %d MiB of 80-column lines, 3 runs: median %.0f MiB/s (%.0f, %.0f, %.0f)\n",
		floodMiB, rates[1], rates[0], rates[1], rates[2])
	return nil
}
