package session

import (
	"fmt"
	"sync"
)

// NodeNumbers hands out node numbers unique beyond one process: those of
// a cluster of nodes sharing a board.
type NodeNumbers interface {
	// Take returns the lowest free number, now taken.
	Take() (int, error)
	// Free gives a number back.
	Free(n int)
}

// Registry lists live sessions by node number. Node numbers start at 1
// and a new session takes the lowest free one, as BBS callers expect.
// The zero value is an empty registry ready for use.
type Registry struct {
	// Numbers, if set before the first Add, hands out the node numbers
	// instead of the registry.
	Numbers NodeNumbers

	mu    sync.Mutex
	nodes []*Session // index node-1; nil is free
	free  int        // no free index below this
	count int
}

// Add registers s and gives it a node number, which it returns. It fails
// only when Numbers does.
func (r *Registry) Add(s *Session) (int, error) {
	if r.Numbers != nil {
		n, err := r.Numbers.Take()
		if err != nil {
			return 0, err
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		for len(r.nodes) < n {
			r.nodes = append(r.nodes, nil)
		}
		if r.nodes[n-1] != nil {
			return 0, fmt.Errorf("session: node number %d was handed out twice", n)
		}
		r.place(s, n-1)
		return n, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	i := r.free
	for i < len(r.nodes) && r.nodes[i] != nil {
		i++
	}
	if i == len(r.nodes) {
		r.nodes = append(r.nodes, nil)
	}
	r.place(s, i)
	r.free = i + 1
	return i + 1, nil
}

// place puts s at index i. The caller holds r.mu.
func (r *Registry) place(s *Session, i int) {
	r.nodes[i] = s
	r.count++
	s.mu.Lock()
	s.node = i + 1
	s.mu.Unlock()
}

// Remove takes s out of the registry and frees its node number.
func (r *Registry) Remove(s *Session) {
	node := s.Node()
	if !r.remove(s, node) {
		return
	}
	if r.Numbers != nil {
		r.Numbers.Free(node)
	}
}

// remove takes s off index node-1, and reports whether it was there.
func (r *Registry) remove(s *Session, node int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := node - 1
	if i < 0 || i >= len(r.nodes) || r.nodes[i] != s {
		return false
	}
	r.nodes[i] = nil
	r.count--
	r.free = min(r.free, i)
	// Shrink the tail so a burst of callers does not pin memory.
	for len(r.nodes) > 0 && r.nodes[len(r.nodes)-1] == nil {
		r.nodes = r.nodes[:len(r.nodes)-1]
	}
	r.free = min(r.free, len(r.nodes))
	return true
}

// Lookup returns the session on a node, or nil.
func (r *Registry) Lookup(node int) *Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	if node < 1 || node > len(r.nodes) {
		return nil
	}
	return r.nodes[node-1]
}

// Len returns the number of live sessions.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

// Sessions returns the live sessions in node order.
func (r *Registry) Sessions() []*Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Session, 0, r.count)
	for _, s := range r.nodes {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Snapshots returns the public facts of every live session in node order.
func (r *Registry) Snapshots() []Snapshot {
	list := r.Sessions()
	out := make([]Snapshot, len(list))
	for i, s := range list {
		out[i] = s.Snapshot()
	}
	return out
}
