package session

import "sync"

// Registry lists live sessions by node number. Node numbers start at 1
// and a new session takes the lowest free one, as BBS callers expect.
// The zero value is an empty registry ready for use.
type Registry struct {
	mu    sync.Mutex
	nodes []*Session // index node-1; nil is free
	free  int        // no free index below this
	count int
}

// Add registers s and gives it a node number, which it returns.
func (r *Registry) Add(s *Session) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := r.free
	for i < len(r.nodes) && r.nodes[i] != nil {
		i++
	}
	if i == len(r.nodes) {
		r.nodes = append(r.nodes, nil)
	}
	r.nodes[i] = s
	r.free = i + 1
	r.count++
	s.mu.Lock()
	s.node = i + 1
	s.mu.Unlock()
	return i + 1
}

// Remove takes s out of the registry and frees its node number.
func (r *Registry) Remove(s *Session) {
	node := s.Node()
	r.mu.Lock()
	defer r.mu.Unlock()
	i := node - 1
	if i < 0 || i >= len(r.nodes) || r.nodes[i] != s {
		return
	}
	r.nodes[i] = nil
	r.count--
	r.free = min(r.free, i)
	// Shrink the tail so a burst of callers does not pin memory.
	for len(r.nodes) > 0 && r.nodes[len(r.nodes)-1] == nil {
		r.nodes = r.nodes[:len(r.nodes)-1]
	}
	r.free = min(r.free, len(r.nodes))
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
