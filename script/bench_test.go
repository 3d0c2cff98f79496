package script_test

import (
	"context"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/app"
	"github.com/x84bbs/x84/script"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// discardConn is a caller who reads everything at once and types
// nothing until the connection closes.
type discardConn struct {
	once    sync.Once
	closed  chan struct{}
	resized chan term.Size
	written int64
	mu      sync.Mutex
}

func newDiscardConn() *discardConn {
	return &discardConn{closed: make(chan struct{}), resized: make(chan term.Size)}
}

func (d *discardConn) Read([]byte) (int, error) {
	<-d.closed
	return 0, io.EOF
}

func (d *discardConn) Write(p []byte) (int, error) {
	d.mu.Lock()
	d.written += int64(len(p))
	d.mu.Unlock()
	return len(p), nil
}

func (d *discardConn) Close() error {
	d.once.Do(func() { close(d.closed) })
	return nil
}

func (d *discardConn) Info() term.Info {
	return term.Info{Kind: term.KindTelnet, RemoteAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1},
		Term: "xterm-256color", Size: term.Size{Cols: 80, Rows: 24}, Encoding: term.UTF8}
}

func (d *discardConn) Resized() <-chan term.Size { return d.resized }

// discardCall is a call on a discardConn.
func (f *fixture) discardCall() (*script.Call, *discardConn, func()) {
	conn := newDiscardConn()
	s := session.New(conn, session.Config{})
	c := app.ScriptCall(&board.Call{Session: s, Board: f.board, User: &store.User{Handle: "bench"}, Theme: f.board.Theme()})
	return c, conn, func() { s.Close() }
}

// BenchmarkStart is the time to start a small script's screen, its
// program compiled already: a runtime with the API made, and the first
// write.
func BenchmarkStart(b *testing.B) {
	f := newFixture(b, options{})
	f.write("hello", `bbs.clear(); bbs.print("|11Hello, |15" + bbs.user.handle + "|07!");`)
	c, conn, done := f.discardCall()
	defer done()
	ctx := context.Background()
	if err := f.engine.Run(ctx, c, "hello"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := f.engine.Run(ctx, c, "hello"); err != nil {
			b.Fatal(err)
		}
	}
	if conn.written == 0 {
		b.Fatal("nothing written")
	}
}

// BenchmarkWrite is bbs.write's throughput: pipe codes rendered, to a
// caller who takes everything at once.
func BenchmarkWrite(b *testing.B) {
	f := newFixture(b, options{})
	const line = "|12Red |14yellow |10green |07and some plain text to fill the line out.\n"
	c, _, done := f.discardCall()
	defer done()
	ctx := context.Background()
	const perRun = 10000
	f.write("writer", `var line = "`+strings.TrimSuffix(line, "\n")+`\n"; for (var i = 0; i < 10000; i++) bbs.write(line);`)
	b.SetBytes(int64(len(line) * perRun))
	b.ReportAllocs()
	for b.Loop() {
		if err := f.engine.Run(ctx, c, "writer"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryPerScript reports the heap one running script holds
// while it waits for its caller: many callers run a small screen that
// keeps a little state, and the heap is measured with all of them
// waiting.
func BenchmarkMemoryPerScript(b *testing.B) {
	f := newFixture(b, options{})
	f.write("idle", `
var state = {score: 0, board: []};
for (var i = 0; i < 20; i++) state.board.push(new Array(10).fill(0));
bbs.clear(); bbs.print("|14Waiting for you, " + bbs.user.handle);
bbs.key();
`)
	const scripts = 200
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var wg sync.WaitGroup
		var closers []func()
		var conns []*discardConn
		for range scripts {
			c, conn, done := f.discardCall()
			closers = append(closers, done)
			conns = append(conns, conn)
			wg.Go(func() { f.engine.Run(context.Background(), c, "idle") })
		}
		// Every script has drawn its screen and waits for a key.
		for _, conn := range conns {
			for {
				conn.mu.Lock()
				n := conn.written
				conn.mu.Unlock()
				if n > 0 {
					break
				}
				runtime.Gosched()
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/scripts, "heap-B/script")
		for _, done := range closers {
			done()
		}
		wg.Wait()
	}
}
