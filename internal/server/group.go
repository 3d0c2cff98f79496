package server

import "sync"

// group starts goroutines and waits for them, and refuses to start any
// once it is closed, so that shutdown cannot race a late connection.
type group struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// Go runs f in a new goroutine unless the group is closed; it reports
// whether f was started.
func (g *group) Go(f func()) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Go(f)
	return true
}

// Close stops the group from starting goroutines.
func (g *group) Close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// Wait waits for every goroutine started by Go.
func (g *group) Wait() { g.wg.Wait() }
