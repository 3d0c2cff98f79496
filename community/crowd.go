package community

import (
	"sync"
	"time"

	"github.com/x84bbs/x84/events"
)

// Defaults for crowded rooms (Config.ChatCrowd, Config.ChatCrowdEvery).
const (
	defaultChatCrowd      = 20
	defaultChatCrowdEvery = time.Second
)

// crowds keeps a large room's comings and goings from drowning it: when
// thousands enter the lounge at once, a line each would reach every one
// of them (a storm growing with the square of the room). In a room with
// more than size callers, the first arrival or departure is told at once
// and those in the next every are summed up in one line ("ann and 212
// others join"), and so on while people keep coming.
type crowds struct {
	rooms Rooms
	size  int
	every time.Duration

	mu      sync.Mutex // held while it says lines (see LOCKING.md)
	pending map[string]*crowd
}

// crowd is what a crowded room's next summary will say.
type crowd struct {
	joins, leaves crowdCount
}

type crowdCount struct {
	first string // the first to come (or go) in the window
	n     int
}

func (c *crowdCount) add(handle string) {
	if c.n == 0 {
		c.first = handle
	}
	c.n++
}

// line returns the summary of one kind of move, if any happened.
func (c crowdCount) line(room, act string, at time.Time) (events.ChatLine, bool) {
	return events.ChatLine{Room: room, Handle: c.first, Act: act, At: at, Others: c.n - 1}, c.n > 0
}

// arrive tells the room that handle joined or left (act): at once, or in
// the room's next summary while it is crowded.
func (c *crowds) arrive(room, handle, act string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.pending[room]; p != nil {
		if act == events.ChatJoin {
			p.joins.add(handle)
		} else {
			p.leaves.add(handle)
		}
		return
	}
	// A private room is two callers; its leave line must be said before
	// the room empties and forgets its lines (Member.Leave).
	if !IsPrivateRoom(room) && c.rooms.Count(room) > c.size {
		if c.pending == nil {
			c.pending = make(map[string]*crowd)
		}
		c.pending[room] = &crowd{}
		time.AfterFunc(c.every, func() { c.summarise(room) })
	}
	c.rooms.Say(events.ChatLine{Room: room, Handle: handle, Act: act, At: time.Now()})
}

// summarise says who came and went in a crowded room since the last
// summary, and waits for more; a quiet window ends the crowd's watch, so
// that the next arrival is told at once.
func (c *crowds) summarise(room string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.pending[room]
	if p.joins.n == 0 && p.leaves.n == 0 {
		delete(c.pending, room)
		return
	}
	now := time.Now()
	for _, s := range []struct {
		count crowdCount
		act   string
	}{{p.joins, events.ChatJoin}, {p.leaves, events.ChatLeave}} {
		if l, ok := s.count.line(room, s.act, now); ok {
			c.rooms.Say(l)
		}
	}
	*p = crowd{}
	time.AfterFunc(c.every, func() { c.summarise(room) })
}
