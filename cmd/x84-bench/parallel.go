package main

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// gather calls open n times, conc calls at once, and returns what the
// calls that succeeded opened, with the first error.
func gather[T any](n, conc int, open func() (T, error)) ([]T, error) {
	opened := make([]T, 0, n)
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			v, err := open()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			opened = append(opened, v)
		})
	}
	wg.Wait()
	return opened, firstErr
}

// timeRuns runs job n times in all, shared by conc workers numbered from
// 1, and returns how long each run took (sorted), how long they all took,
// and the first error.
func timeRuns(n, conc int, job func(worker int) error) ([]time.Duration, time.Duration, error) {
	var next atomic.Int64
	var mu sync.Mutex
	var times []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for w := 1; w <= conc; w++ {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				err := job(w)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				times = append(times, time.Since(t0))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(times)
	return times, elapsed, firstErr
}
