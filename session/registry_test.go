package session

import (
	"fmt"
	"sync"
	"testing"
)

func bareSession() *Session { return &Session{} }

func TestRegistryNodes(t *testing.T) {
	var r Registry
	s := make([]*Session, 6)
	for i := range s {
		s[i] = bareSession()
		if got, _ := r.Add(s[i]); got != i+1 {
			t.Fatalf("Add #%d = node %d; want %d", i, got, i+1)
		}
	}
	r.Remove(s[1]) // node 2
	r.Remove(s[3]) // node 4
	if got, _ := r.Add(bareSession()); got != 2 {
		t.Errorf("Add after freeing 2 and 4 = %d; want 2", got)
	}
	if got, _ := r.Add(bareSession()); got != 4 {
		t.Errorf("next Add = %d; want 4", got)
	}
	if got, _ := r.Add(bareSession()); got != 7 {
		t.Errorf("next Add = %d; want 7", got)
	}
	r.Remove(s[5]) // node 6, not at the tail
	if got := r.Lookup(6); got != nil {
		t.Errorf("Lookup(6) after Remove = %p; want nil", got)
	}
	if got := r.Lookup(1); got != s[0] {
		t.Errorf("Lookup(1) = %p; want %p", got, s[0])
	}
	if got, want := r.Len(), 6; got != want {
		t.Errorf("Len() = %d; want %d", got, want)
	}
	r.Remove(s[5]) // twice: no effect
	if got := r.Len(); got != 6 {
		t.Errorf("Len() after removing twice = %d; want 6", got)
	}
	var nodes []int
	for _, x := range r.Sessions() {
		nodes = append(nodes, x.Node())
	}
	if fmt.Sprint(nodes) != "[1 2 3 4 5 7]" {
		t.Errorf("Sessions() nodes = %v; want [1 2 3 4 5 7]", nodes)
	}
}

// TestRegistryConcurrent adds and removes from many goroutines and checks
// that node numbers are never shared.
func TestRegistryConcurrent(t *testing.T) {
	var r Registry
	var wg sync.WaitGroup
	var mu sync.Mutex
	inUse := map[int]bool{}
	for range 16 {
		wg.Go(func() {
			for range 500 {
				s := bareSession()
				n, _ := r.Add(s)
				mu.Lock()
				if inUse[n] {
					t.Errorf("node %d handed out twice", n)
				}
				inUse[n] = true
				mu.Unlock()
				mu.Lock()
				delete(inUse, n)
				mu.Unlock()
				r.Remove(s)
			}
		})
	}
	wg.Wait()
	if r.Len() != 0 || len(r.nodes) != 0 {
		t.Errorf("after all removed: Len %d, %d slots", r.Len(), len(r.nodes))
	}
}
