package metrics

import (
	"sync"
	"time"
)

// Point is one interval of the board's activity, for the web admin's
// charts.
type Point struct {
	// At is the end of the interval.
	At time.Time
	// Sessions is the number of live sessions at At.
	Sessions int
	// LoginsOK and LoginsFailed count the logins decided during the
	// interval.
	LoginsOK, LoginsFailed uint64
}

// History keeps the last points of the board's activity in memory, one
// every interval: a fixed ring, so it never grows. Run takes the samples
// until Close.
//
// Concurrency: every method is safe for concurrent use; Run is called
// once, by the History's owner, who calls Close to end it. Its lock is a
// leaf: the sessions are counted before it is taken.
type History struct {
	m     *Metrics
	every time.Duration

	mu         sync.Mutex
	ring       []Point
	next       int  // where the next point goes
	full       bool // the ring has wrapped
	ok, failed uint64

	stop chan struct{}
	once sync.Once
}

// NewHistory returns a History of m that keeps a point every interval,
// up to keep of them (at least 1).
func (m *Metrics) NewHistory(every time.Duration, keep int) *History {
	return &History{m: m, every: every, ring: make([]Point, max(keep, 1)), stop: make(chan struct{})}
}

// Every returns the interval between points.
func (h *History) Every() time.Duration { return h.every }

// Run takes a point every interval until Close, then returns nil.
func (h *History) Run() error {
	t := time.NewTicker(h.every)
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			h.Sample(now)
		case <-h.stop:
			return nil
		}
	}
}

// Close ends Run; it may be called before Run, and more than once.
func (h *History) Close() error {
	h.once.Do(func() { close(h.stop) })
	return nil
}

// Sample ends an interval at now: it stores a point with the live
// sessions and the logins since the point before.
func (h *History) Sample(now time.Time) {
	sessions := h.sessions()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ring[h.next] = h.currentLocked(now, sessions)
	h.ok, h.failed = h.m.loginsOK.Load(), h.m.loginsNo.Load()
	h.next++
	if h.next == len(h.ring) {
		h.next, h.full = 0, true
	}
}

// Points returns the stored points, oldest first, and the interval in
// progress as a last point at now.
func (h *History) Points(now time.Time) []Point {
	sessions := h.sessions()
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Point
	if h.full {
		out = append(out, h.ring[h.next:]...)
	}
	out = append(out, h.ring[:h.next]...)
	return append(out, h.currentLocked(now, sessions))
}

// sessions counts the live sessions; the registry's lock is taken
// before, never inside, the History's.
func (h *History) sessions() int {
	if h.m.reg == nil {
		return 0
	}
	return h.m.reg.Len()
}

// currentLocked is the interval in progress, ending at now.
func (h *History) currentLocked(now time.Time, sessions int) Point {
	return Point{At: now, Sessions: sessions,
		LoginsOK: h.m.loginsOK.Load() - h.ok, LoginsFailed: h.m.loginsNo.Load() - h.failed}
}
