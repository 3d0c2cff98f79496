package web

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/session"
)

// BenchmarkTerminalOutput measures one browser terminal's output: a
// handler writes text in writes of the given size as fast as the
// WebSocket takes it, over TLS on loopback, and the client reads 1 MiB
// per iteration.
//
//	go test -run='^$' -bench=TerminalOutput ./internal/web/
func BenchmarkTerminalOutput(b *testing.B) {
	for _, size := range []int{256, 4 << 10, 64 << 10} {
		b.Run("write="+strconv.Itoa(size), func(b *testing.B) { benchOutput(b, size) })
	}
}

func benchOutput(b *testing.B, size int) {
	line := bytes.Repeat([]byte("x84 \x1b[1;36mbenchmark\x1b[0m output line; "), size/20+1)[:size]
	f := newFixture(b, setup{handler: session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		for ctx.Err() == nil {
			if _, err := s.Write(line); err != nil {
				return err
			}
		}
		return nil
	})})
	c, _, err := f.dial("/ws", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(-1)
	ctx := context.Background()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"cols":80,"rows":24}`)); err != nil {
		b.Fatal(err)
	}
	const perOp = 1 << 20
	b.SetBytes(perOp)
	b.ResetTimer()
	for range b.N {
		for got := 0; got < perOp; {
			_, m, err := c.Read(ctx)
			if err != nil {
				b.Fatal(err)
			}
			got += len(m)
		}
	}
	b.StopTimer()
}
