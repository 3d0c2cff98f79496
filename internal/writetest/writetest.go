// Package writetest checks that a connection's Write is safe from several
// goroutines at once, as term.Conn promises: Write has Writers goroutines
// write Messages recognisable messages each through it, and Check splits
// what the client received back into messages and checks that each came
// whole, once, and in its writer's order. The protocols' tests (telnet,
// rlogin, the browser terminal) undo their framing and call Check.
//
// Concurrency: Write starts Writers goroutines and waits for them.
package writetest

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"sync"
	"testing"
	"time"
)

// A test has Writers goroutines write Messages distinct messages each
// through one connection at the same time.
const (
	Writers  = 8
	Messages = 50
)

// cwMessage returns writer g's message m: "<g03-m017:", its label
// repeated to a few hundred bytes with mid in the middle, and ">". Only
// the ends are '<' and '>', so a stream splits back into messages at '>'.
func Message(g, m int, mid string) []byte {
	label := fmt.Sprintf("g%02d-m%03d", g, m)
	size := 200 + (g*37+m*13)%200
	b := make([]byte, 0, size+len(mid)+16)
	b = append(b, '<')
	b = append(b, label...)
	b = append(b, ':')
	for i := 0; len(b) < size; i++ {
		if i == 8 {
			b = append(b, mid...)
		}
		b = append(b, label...)
		b = append(b, '.')
	}
	return append(b, '>')
}

// cwParseLabel reads the writer and message numbers of "<gGG-mMMM:".
func parseLabel(p []byte) (g, m int, ok bool) {
	if len(p) < 10 || p[0] != '<' || p[1] != 'g' || p[4] != '-' || p[5] != 'm' || p[9] != ':' {
		return 0, 0, false
	}
	g, err1 := strconv.Atoi(string(p[2:4]))
	m, err2 := strconv.Atoi(string(p[6:9]))
	if err1 != nil || err2 != nil || g >= Writers || m >= Messages {
		return 0, 0, false
	}
	return g, m, true
}

// cwCheck splits what the client received into messages and checks that
// each is whole (equal to want(g, m) for the label it starts with), that
// every message came exactly once, and each writer's in the order
// written.
func Check(t testing.TB, stream []byte, want func(g, m int) []byte) {
	t.Helper()
	var seen [Writers][Messages]int
	var next [Writers]int
	bad := 0
	for i := 0; len(stream) > 0 && bad < 5; i++ {
		end := bytes.IndexByte(stream, '>')
		if end < 0 {
			t.Errorf("the stream ends with %q, not a whole message", stream)
			bad++
			break
		}
		piece := stream[:end+1]
		stream = stream[end+1:]
		g, m, ok := parseLabel(piece)
		if !ok {
			t.Errorf("message %d = %q; want one starting <gGG-mMMM:", i, piece)
			bad++
			continue
		}
		if w := want(g, m); !bytes.Equal(piece, w) {
			t.Errorf("message %d = %q; want %q (interleaved)", i, piece, w)
			bad++
		}
		seen[g][m]++
		if m != next[g] {
			t.Errorf("message %d is writer %d's m%03d; want m%03d (writes out of order)", i, g, m, next[g])
			bad++
		}
		next[g] = m + 1
	}
	if bad > 0 {
		return
	}
	for g := range seen {
		for m, n := range seen[g] {
			if n != 1 {
				t.Errorf("writer %d's m%03d received %d times; want 1", g, m, n)
			}
		}
	}
}

// cwWrite has Writers goroutines write their messages through w at
// once, and returns when all have finished.
func Write(t testing.TB, w io.Writer, msg func(g, m int) []byte) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range Writers {
		wg.Go(func() {
			<-start
			for m := range Messages {
				p := msg(g, m)
				if n, err := w.Write(p); n != len(p) || err != nil {
					t.Errorf("Write(%.12q…) = %d, %v; want %d, nil", p, n, err, len(p))
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
}

// Collect gathers total bytes from data, the chunks a client read, and
// fails the test if the stream ends short or takes more than 10 s.
func Collect(t testing.TB, data <-chan []byte, total int) []byte {
	t.Helper()
	var got []byte
	timeout := time.After(10 * time.Second)
	for len(got) < total {
		select {
		case b, ok := <-data:
			if !ok {
				t.Fatalf("client's stream ended after %d bytes; want %d", len(got), total)
			}
			got = append(got, b...)
		case <-timeout:
			t.Fatalf("client received %d bytes in 10s; want %d", len(got), total)
		}
	}
	return got
}
