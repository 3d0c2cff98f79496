package session

import (
	"sync"

	"github.com/x84bbs/x84/events"
)

// inboxSize bounds each of an inbox's queues; more is dropped and
// counted, so a session that does not read cannot make anyone else wait.
const inboxSize = 16

// Inbox holds what reaches a session from elsewhere, in two queues:
//
//   - updates say that something changed (someone arrived, a one-liner
//     was posted, a chat line). Screens that watch the topic redraw;
//     ReadKey reports each as a KeyEvent key, whose event Session.Event
//     returns. A screen that does not care ignores them.
//   - notices are for the caller to read (a page, a broadcast, "you have
//     mail"). They wait until a screen takes them at a safe point with
//     TakeNotices, never in the middle of the caller's typing; ReadKey
//     reports their arrival as a KeyNotice key.
//
// Both are bounded. All methods are safe to call from any goroutine.
type Inbox struct {
	mu        sync.Mutex
	updates   []events.Event
	notices   []events.Event
	newNotice bool // a notice came since ReadKey last reported one
	dropped   uint64

	wake chan struct{} // signalled when something arrives
	// poke, if set, also wakes a session that reads on its own goroutine
	// (Session.poke); set before the inbox is shared.
	poke func()
}

func newInbox() *Inbox { return &Inbox{wake: make(chan struct{}, 1)} }

// PostUpdate queues an update. It never blocks: when the queue is full
// the update is dropped and counted, and PostUpdate returns false.
func (in *Inbox) PostUpdate(ev events.Event) bool {
	in.mu.Lock()
	if len(in.updates) >= inboxSize {
		in.dropped++
		in.mu.Unlock()
		return false
	}
	in.updates = append(in.updates, ev)
	in.mu.Unlock()
	in.signal()
	return true
}

// PostNotice queues a notice for the caller. It never blocks: when the
// queue is full the notice is dropped and counted, and PostNotice returns
// false.
func (in *Inbox) PostNotice(ev events.Event) bool {
	in.mu.Lock()
	if len(in.notices) >= inboxSize {
		in.dropped++
		in.mu.Unlock()
		return false
	}
	in.notices = append(in.notices, ev)
	in.newNotice = true
	in.mu.Unlock()
	in.signal()
	return true
}

// TakeNotices returns the notices waiting, oldest first, and empties the
// queue.
func (in *Inbox) TakeNotices() []events.Event {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := in.notices
	in.notices = nil
	in.newNotice = false
	return n
}

// Notices returns how many notices wait.
func (in *Inbox) Notices() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.notices)
}

// Updates returns how many updates wait, so that a screen can redraw
// once for a burst of them.
func (in *Inbox) Updates() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.updates)
}

// Dropped returns how many updates and notices were dropped because their
// queue was full.
func (in *Inbox) Dropped() uint64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.dropped
}

// WatchUpdates queues every event published on the topics as an update
// until the returned stop function is called (at the latest when the
// screen returns: call stop with defer).
func (in *Inbox) WatchUpdates(bus events.Bus, topics ...string) (stop func()) {
	return subscribe(bus, topics, func(ev events.Event) { in.PostUpdate(ev) })
}

// WatchNotices queues every event published on the topics as a notice,
// to be shown at the next safe point. The board watches broadcasts and
// the topic of the caller's handle (pages, mail), so that notices travel
// on the bus like everything else and can cross nodes.
func (in *Inbox) WatchNotices(bus events.Bus, topics ...string) (stop func()) {
	return subscribe(bus, topics, func(ev events.Event) { in.PostNotice(ev) })
}

func subscribe(bus events.Bus, topics []string, deliver func(events.Event)) (stop func()) {
	cancels := make([]func(), len(topics))
	for i, t := range topics {
		cancels[i] = bus.Subscribe(t, deliver)
	}
	return func() {
		for _, c := range cancels {
			c()
		}
	}
}

// signal wakes ReadKey; a wake-up already pending is enough.
func (in *Inbox) signal() {
	select {
	case in.wake <- struct{}{}:
		if in.poke != nil {
			in.poke()
		}
	default:
	}
}

// next returns what ReadKey reports after a wake-up: a notice's arrival
// first, else the oldest update. It keeps ReadKey awake while more wait.
func (in *Inbox) next() (ev events.Event, notice, ok bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.newNotice {
		in.newNotice = false
		if len(in.updates) > 0 {
			in.signal()
		}
		return events.Event{}, true, true
	}
	if len(in.updates) == 0 {
		return events.Event{}, false, false
	}
	ev = in.updates[0]
	in.updates[0] = events.Event{}
	in.updates = in.updates[1:]
	if len(in.updates) == 0 {
		in.updates = nil // release the array: idle sessions stay small
	} else {
		in.signal()
	}
	return ev, false, true
}
