package community

import (
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
	// Say numbers a line (ChatLine.Seq), keeps it in the room's history
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

	mu      sync.Mutex
	seq     uint64
	history map[string][]events.ChatLine
	members map[string]map[string]int // room → handle → sessions in it
}

// NewLocalRooms returns rooms whose lines are published on bus.
func NewLocalRooms(bus events.Bus) *LocalRooms {
	return &LocalRooms{bus: bus, history: map[string][]events.ChatLine{}, members: map[string]map[string]int{}}
}

// Say records a line and publishes it. Publishing under the lock keeps
// the events in the order of the history (the bus never blocks; see
// LOCKING.md).
func (r *LocalRooms) Say(l events.ChatLine) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if IsPrivateRoom(l.Room) && len(r.members[l.Room]) == 0 {
		return
	}
	r.seq++
	l.Seq = r.seq
	hist := append(r.history[l.Room], l)
	if len(hist) > ChatHistory {
		hist = slices.Clone(hist[len(hist)-ChatHistory:])
	}
	r.history[l.Room] = hist
	r.bus.Publish(events.Event{Topic: events.ChatTopic(l.Room), Data: l})
}

// Enter counts a session into a room.
func (r *LocalRooms) Enter(room, handle string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.members[room]
	if m == nil {
		m = make(map[string]int)
		r.members[room] = m
	}
	m[handle]++
}

// Leave counts a session out of a room. A private room that empties
// forgets its lines.
func (r *LocalRooms) Leave(room, handle string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.members[room]
	if m == nil {
		return
	}
	if m[handle]--; m[handle] <= 0 {
		delete(m, handle)
	}
	if len(m) == 0 {
		delete(r.members, room)
		if IsPrivateRoom(room) {
			delete(r.history, room) // a private chat leaves nothing behind
		}
	}
}

// Members returns the handles in a room, sorted.
func (r *LocalRooms) Members(room string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.members[room]))
	for n := range r.members[room] {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Recent returns a copy of the room's history.
func (r *LocalRooms) Recent(room string) []events.ChatLine {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.history[room])
}

// privatePrefix starts the names of the private rooms of pages.
const privatePrefix = "page:"

// IsPrivateRoom tells the rooms of pages from public ones.
func IsPrivateRoom(room string) bool { return strings.HasPrefix(room, privatePrefix) }
