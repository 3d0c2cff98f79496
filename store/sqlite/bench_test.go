package sqlite

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// openBench opens a fresh database for a benchmark.
func openBench(b *testing.B) *store.Store {
	b.Helper()
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "x84.db"), Config{})
	if err != nil {
		b.Fatalf("Open() = %v; want nil", err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkConcurrentOneliners has 200 goroutines post b.N one-liners in
// all, as a busy wall would, and fails on any error.
func BenchmarkConcurrentOneliners(b *testing.B) {
	const goroutines = 200
	s := openBench(b)
	ctx := b.Context()
	var next, failed atomic.Int64
	var mu sync.Mutex
	var firstErr error
	b.ResetTimer()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			h := fmt.Sprintf("poster%d", g)
			for next.Add(1) <= int64(b.N) {
				o := store.Oneliner{Handle: h, Text: "benchmarking the wall 🙂"}
				if err := s.Oneliners.AddOneliner(ctx, &o, 0); err != nil {
					if failed.Add(1) == 1 {
						mu.Lock()
						firstErr = err
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("AddOneliner failed %d times; first: %v", n, firstErr)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkRecordCall counts calls one after another, each one
// transaction that updates a user and adds a list entry.
func BenchmarkRecordCall(b *testing.B) {
	s := openBench(b)
	ctx := b.Context()
	const users = 100
	for i := range users {
		if err := s.Users.CreateUser(ctx, &store.User{Handle: fmt.Sprintf("caller%d", i)}); err != nil {
			b.Fatalf("CreateUser() = %v; want nil", err)
		}
	}
	at := time.Now()
	i := 0
	for b.Loop() {
		if _, err := s.Calls.RecordCall(ctx, fmt.Sprintf("caller%d", i%users), "telnet", at); err != nil {
			b.Fatalf("RecordCall() = %v; want nil", err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}
