package community

import (
	"sync"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

// Presence is who is online: this node's sessions (LocalPresence), or,
// when several nodes share a board, every node's.
type Presence interface {
	// Online returns the sessions, in node order.
	Online() []session.Snapshot
	// Lookup returns the session on a node.
	Lookup(node int) (session.Snapshot, bool)
	// Disconnect writes line to the session on node and closes it. It
	// reports whether anyone was there.
	Disconnect(node int, line string) bool
	// DisconnectUser does that to every session of the user with the
	// handle, and returns how many there were.
	DisconnectUser(handle, line string) int
}

// LocalPresence is the Presence of one process: its session registry.
type LocalPresence struct {
	registry *session.Registry
}

// NewLocalPresence returns the presence of the sessions in reg.
func NewLocalPresence(reg *session.Registry) *LocalPresence { return &LocalPresence{registry: reg} }

// Online returns the registry's sessions.
func (p *LocalPresence) Online() []session.Snapshot { return p.registry.Snapshots() }

// Lookup returns the session on node.
func (p *LocalPresence) Lookup(node int) (session.Snapshot, bool) {
	s := p.registry.Lookup(node)
	if s == nil {
		return session.Snapshot{}, false
	}
	return s.Snapshot(), true
}

// Disconnect ends the call on node.
func (p *LocalPresence) Disconnect(node int, line string) bool {
	s := p.registry.Lookup(node)
	if s == nil {
		return false
	}
	s.Disconnect(line)
	return true
}

// DisconnectUser ends every call of the user with the handle, at once:
// each session gets its line in its own goroutine, since a caller that
// stopped reading holds its Disconnect for a moment.
func (p *LocalPresence) DisconnectUser(handle, line string) int {
	key := store.HandleKey(handle)
	var wg sync.WaitGroup
	n := 0
	for _, s := range p.registry.Sessions() {
		if u := s.User(); u != "" && store.HandleKey(u) == key {
			n++
			wg.Go(func() { s.Disconnect(line) })
		}
	}
	wg.Wait()
	return n
}
