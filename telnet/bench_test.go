package telnet

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"
)

// BenchmarkNegotiation measures NewServerConn against a responsive
// in-process client on loopback TCP (Debian telnet's answers, which
// refuse CHARSET), and reports the 50th and 99th percentiles.
func BenchmarkNegotiation(b *testing.B) {
	benchNegotiation(b, ClientConfig{TermTypes: []string{"XTERM-256COLOR"}, Cols: 100, Rows: 30, Binary: true,
		Env: map[string]string{"DISPLAY": "localhost:9"}})
}

// BenchmarkNegotiationMUD is a MUD client that cycles three terminal
// types to "MTTS 271" and accepts UTF-8 through CHARSET: the two round
// trips more that it takes.
func BenchmarkNegotiationMUD(b *testing.B) {
	benchNegotiation(b, ClientConfig{TermTypes: []string{"TINTIN++", "xterm-256color", "MTTS 271"}, Cols: 100, Rows: 30,
		Charsets: []string{"UTF-8"}})
}

func benchNegotiation(b *testing.B, client ClientConfig) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	var times []time.Duration
	for b.Loop() {
		b.StopTimer()
		done := make(chan struct{})
		go func() {
			defer close(done)
			c, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				return
			}
			cc := NewClientConn(c, &client)
			buf := make([]byte, 256)
			for {
				if _, err := cc.Read(buf); err != nil {
					c.Close()
					return
				}
			}
		}()
		sc, err := l.Accept()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		conn, err := NewServerConn(context.Background(), sc, nil)
		d := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if !conn.Negotiation().Complete {
			b.Fatalf("negotiation incomplete: %+v", conn.Negotiation())
		}
		times = append(times, d)
		conn.Close()
		<-done
		b.StartTimer()
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
}
