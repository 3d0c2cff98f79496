package community

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/x84bbs/x84/events"
)

// Rooms keeps the chat rooms: who is in each and its recent lines.
type Rooms interface {
	// Enter and Leave keep a room's members; a session counts once per
	// Enter, so one user on two nodes stays a member until both leave.
	Enter(room, handle string)
	Leave(room, handle string)
	// Members returns the handles in a room, sorted.
	Members(room string) []string
	// Count returns how many sessions are in a room (a user on two nodes
	// counts twice).
	Count(room string) int
	// Say numbers a line (ChatLine.Seq: 1, 2, 3… in each room), keeps it in the room's history
	// and publishes it on the room's topic, so that every member sees
	// the room's lines in one order. A private room with no one in it
	// takes no lines: it would keep them for no one.
	Say(l events.ChatLine)
	// Recent returns the room's last lines, oldest first.
	Recent(room string) []events.ChatLine
}

// ChatHistory is how many lines a room keeps for newcomers.
const ChatHistory = 50

// LocalRooms are the chat rooms of one process.
type LocalRooms struct {
	bus events.Bus
	// shared: lines are numbered and kept when they come back from the
	// bus (arrive), not when said; node is this node's name.
	shared bool
	node   string

	mu    sync.Mutex
	rooms map[string]*localRoom
	// remote counts other nodes' members, by room, node and handle, from
	// their join and leave lines (shared rooms only). Handle "" counts
	// those a crowded room's summary line did not name.
	remote map[string]map[string]map[string]int
}

type localRoom struct {
	seq      uint64 // the last line's number
	history  []events.ChatLine
	members  map[string]int // handle → sessions in the room
	sessions int
}

// NewLocalRooms returns rooms whose lines are published on bus.
func NewLocalRooms(bus events.Bus) *LocalRooms {
	return &LocalRooms{bus: bus, rooms: map[string]*localRoom{}}
}

// room returns a room, made if it is new. The caller holds r.mu.
func (r *LocalRooms) room(name string) *localRoom {
	rm := r.rooms[name]
	if rm == nil {
		rm = &localRoom{members: map[string]int{}}
		r.rooms[name] = rm
	}
	return rm
}

// Say records a line and publishes it. Publishing under the lock keeps
// the events in the order of the history (the bus never blocks; see
// LOCKING.md).
func (r *LocalRooms) Say(l events.ChatLine) {
	r.mu.Lock()
	if IsPrivateRoom(l.Room) && r.rooms[l.Room] == nil {
		r.mu.Unlock()
		return
	}
	if r.shared {
		// Not under the lock: a bus cut off from the cluster delivers
		// at once, through arrive.
		r.mu.Unlock()
		r.bus.Publish(events.Event{Topic: events.ChatTopic(l.Room), Data: l})
		return
	}
	defer r.mu.Unlock()
	l = r.recordLocked(l)
	r.bus.Publish(events.Event{Topic: events.ChatTopic(l.Room), Data: l})
}

// recordLocked numbers a line and keeps it in its room's history. The
// caller holds r.mu.
func (r *LocalRooms) recordLocked(l events.ChatLine) events.ChatLine {
	rm := r.room(l.Room)
	rm.seq++
	l.Seq = rm.seq
	rm.history = append(rm.history, l)
	if len(rm.history) > ChatHistory {
		rm.history = slices.Clone(rm.history[len(rm.history)-ChatHistory:])
	}
	return l
}

// ArrivalBus is a bus between the nodes of a cluster that shows each
// event to one hook as it arrives, in the order every node sees
// (*pgbus.Bus).
type ArrivalBus interface {
	events.Bus
	SetArrive(f func(events.Event) (events.Event, bool))
}

// NewSharedRooms returns the chat rooms of a node of a cluster: lines
// said on any node go round the bus, and each node numbers and keeps
// them as they arrive, so callers on every node see a room's lines in
// one order; other nodes' members are counted from their join and leave
// lines. New (given them as Config.Rooms) hooks them to the bus's
// arrivals.
func NewSharedRooms(bus ArrivalBus, node string) *LocalRooms {
	return &LocalRooms{bus: bus, shared: true, node: node, rooms: map[string]*localRoom{},
		remote: map[string]map[string]map[string]int{}}
}

// countRemote adds delta to the sessions of handle on node in room. The
// caller holds r.mu.
func (r *LocalRooms) countRemote(room, node, handle string, delta int) {
	byNode := r.remote[room]
	if byNode == nil {
		if delta < 0 {
			return
		}
		byNode = map[string]map[string]int{}
		r.remote[room] = byNode
	}
	hs := byNode[node]
	if hs == nil {
		if delta < 0 {
			return
		}
		hs = map[string]int{}
		byNode[node] = hs
	}
	if hs[handle] += delta; hs[handle] <= 0 {
		delete(hs, handle)
	}
	if len(hs) == 0 {
		delete(byNode, node)
	}
	if len(byNode) == 0 {
		delete(r.remote, room)
	}
}

// LocalMembers returns this node's members: sessions by handle by room,
// for the other nodes of a cluster.
func (r *LocalRooms) LocalMembers() map[string]map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]map[string]int, len(r.rooms))
	for name, rm := range r.rooms {
		if len(rm.members) > 0 {
			out[name] = maps.Clone(rm.members)
		}
	}
	return out
}

// SetRemote replaces what this node knows of another node's members with
// that node's own account of them (LocalMembers, as it last stored it),
// correcting what its join and leave lines left wrong.
func (r *LocalRooms) SetRemote(node string, members map[string]map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forgetLocked(node)
	for room, hs := range members {
		for h, n := range hs {
			if n > 0 && h != "" {
				r.countRemote(room, node, h, n)
			}
		}
	}
}

// ForgetNode drops the members a node that left the cluster had in every
// room.
func (r *LocalRooms) ForgetNode(node string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forgetLocked(node)
}

// forgetLocked is ForgetNode with r.mu held.
func (r *LocalRooms) forgetLocked(node string) {
	for room, byNode := range r.remote {
		delete(byNode, node)
		if len(byNode) == 0 {
			delete(r.remote, room)
		}
	}
}

// arrive numbers and keeps a chat line that came from the bus. A line of
// a private room no one here is in is dropped: there is no one to show
// it to.
func (r *LocalRooms) arrive(ev events.Event) (events.Event, bool) {
	l, ok := ev.Data.(events.ChatLine)
	if !ok {
		return ev, true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev.Node != r.node {
		switch l.Act {
		case events.ChatJoin, events.ChatLeave:
			delta := 1
			if l.Act == events.ChatLeave {
				delta = -1
			}
			r.countRemote(l.Room, ev.Node, l.Handle, delta)
			if l.Others > 0 {
				r.countRemote(l.Room, ev.Node, "", delta*l.Others)
			}
		}
	}
	if IsPrivateRoom(l.Room) && r.rooms[l.Room] == nil {
		return ev, false
	}
	ev.Data = r.recordLocked(l)
	return ev, true
}

// Enter counts a session into a room.
func (r *LocalRooms) Enter(room, handle string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rm := r.room(room)
	rm.members[handle]++
	rm.sessions++
}

// Leave counts a session out of a room. A private room that empties
// forgets its lines.
func (r *LocalRooms) Leave(room, handle string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rm := r.rooms[room]
	if rm == nil || rm.members[handle] == 0 {
		return
	}
	rm.sessions--
	if rm.members[handle]--; rm.members[handle] == 0 {
		delete(rm.members, handle)
	}
	if rm.sessions == 0 && IsPrivateRoom(room) {
		delete(r.rooms, room) // a private chat leaves nothing behind
	}
}

// Members returns the handles in a room, sorted.
func (r *LocalRooms) Members(room string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	if rm := r.rooms[room]; rm != nil {
		names = make([]string, 0, len(rm.members))
		for n := range rm.members {
			names = append(names, n)
		}
	}
	for _, hs := range r.remote[room] {
		for h := range hs {
			if h != "" {
				names = append(names, h)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Count returns how many sessions are in a room.
func (r *LocalRooms) Count(room string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	if rm := r.rooms[room]; rm != nil {
		n = rm.sessions
	}
	for _, hs := range r.remote[room] {
		for _, k := range hs {
			n += k
		}
	}
	return n
}

// Recent returns a copy of the room's history.
func (r *LocalRooms) Recent(room string) []events.ChatLine {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rm := r.rooms[room]; rm != nil {
		return slices.Clone(rm.history)
	}
	return nil
}

// privatePrefix starts the names of the private rooms of pages.
const privatePrefix = "page:"

// IsPrivateRoom tells the rooms of pages from public ones.
func IsPrivateRoom(room string) bool { return strings.HasPrefix(room, privatePrefix) }
