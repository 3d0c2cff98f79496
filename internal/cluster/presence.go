package cluster

import (
	"cmp"
	"slices"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

// Presence is who is online in the whole cluster: this node's sessions,
// read live from its registry, and the other nodes' as they last stored
// them (at most a heartbeat old, sooner after a call starts or ends).
type Presence struct {
	n     *Node
	local *community.LocalPresence
}

// Presence returns the cluster's community.Presence.
func (n *Node) Presence() *Presence {
	return &Presence{n: n, local: community.NewLocalPresence(n.reg)}
}

// Online returns every node's sessions, by node number (unique in the
// cluster).
func (p *Presence) Online() []session.Snapshot {
	all := p.local.Online()
	for i := range all {
		all[i].Host = p.n.cfg.Name
	}
	all = append(all, p.n.Remote()...)
	slices.SortFunc(all, func(a, b session.Snapshot) int { return cmp.Compare(a.Node, b.Node) })
	return all
}

// Lookup returns the session on node, on whichever node it is.
func (p *Presence) Lookup(node int) (session.Snapshot, bool) {
	if s, ok := p.local.Lookup(node); ok {
		s.Host = p.n.cfg.Name
		return s, true
	}
	for _, s := range p.n.Remote() {
		if s.Node == node {
			return s, true
		}
	}
	return session.Snapshot{}, false
}

// Disconnect ends the call on node: here at once, on another node by
// asking it over the bus.
func (p *Presence) Disconnect(node int, line string) bool {
	if p.local.Disconnect(node, line) {
		return true
	}
	s, ok := p.Lookup(node)
	if !ok {
		return false
	}
	p.n.bus.Publish(events.Event{Topic: events.TopicCluster, Data: events.Disconnect{Host: s.Host, Node: node, Line: line, Since: s.ConnectedAt}})
	return true
}

// DisconnectUser ends every call of the user on every node, and returns
// how many there were.
func (p *Presence) DisconnectUser(handle, line string) int {
	k := p.local.DisconnectUser(handle, line)
	key := store.HandleKey(handle)
	remote := 0
	for _, s := range p.n.Remote() {
		if s.User != "" && store.HandleKey(s.User) == key {
			remote++
		}
	}
	if remote > 0 {
		p.n.bus.Publish(events.Event{Topic: events.TopicCluster, Data: events.Disconnect{Handle: handle, Line: line}})
	}
	return k + remote
}
