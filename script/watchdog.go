package script

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// sampleEvery is how often the watchdog looks at a running script's time
// and at the heap.
const sampleEvery = 5 * time.Millisecond

// heapMetric is the heap's live and not yet swept objects, in bytes: it
// grows with every allocation and falls after a collection.
const heapMetric = "/memory/classes/heap/objects:bytes"

// watchdog stops a script that runs too long or grows the heap too much
// between two waits for the caller, and one whose call ends while it
// runs. Its goroutine sleeps while the script waits, so an idle script
// costs nothing; it ends with stop.
//
// The script's goroutine calls pause and resume around every wait,
// block and unblock around writes; the watchdog's goroutine reads what
// they set under mu, a leaf lock.
type watchdog struct {
	vm       *goja.Runtime
	limit    time.Duration
	memLimit uint64

	mu      sync.Mutex
	running bool      // the script's JavaScript runs (not in a wait)
	start   time.Time // when it started to, moved on by the time writes block
	blocked time.Time // when the write under way started; zero if none
	// blockDepth counts the blocks under way.
	blockDepth int
	base       uint64 // the heap when it started to, lowered by collections
	// runBase is the heap when the run began, lowered by collections:
	// what the script keeps across its waits is bounded by runFactor ×
	// memLimit above it.
	runBase  uint64
	begun    bool      // runBase is set
	pausedAt time.Time // when the wait under way began
	stopped  bool      // the script was interrupted; nothing more to watch

	kick   chan struct{} // a slice of running began
	done   chan struct{} // closed by stop
	exited chan struct{} // closed when the goroutine ends
	sample []metrics.Sample
	jsHeap []metrics.Sample // the script goroutine's own, for resume
}

func startWatchdog(ctx context.Context, vm *goja.Runtime, l Limits) *watchdog {
	w := &watchdog{vm: vm, limit: l.Time, memLimit: uint64(l.MemoryMiB) << 20,
		kick: make(chan struct{}, 1), done: make(chan struct{}), exited: make(chan struct{}),
		sample: []metrics.Sample{{Name: heapMetric}}, jsHeap: []metrics.Sample{{Name: heapMetric}}}
	go w.loop(ctx)
	return w
}

// stop ends the watchdog and waits for its goroutine.
func (w *watchdog) stop() {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
	<-w.exited
}

// runFactor × memLimit is how much the heap may grow over a whole run,
// across its waits.
const runFactor = 4

// pause marks the start of a wait for the caller: the time it takes does
// not count, and nor does what the heap does meanwhile. No JavaScript
// may run until resume.
func (w *watchdog) pause() {
	w.mu.Lock()
	w.running, w.pausedAt = false, time.Now()
	w.mu.Unlock()
}

// wait is pause, for the end of the script.
func (w *watchdog) wait() { w.pause() }

// begin starts a new span of the script's time and heap, from now: the
// run's start, or a description of how it ended.
func (w *watchdog) begin() { w.restart(true) }

// resume marks the end of a wait. A wait of minWait or more starts a
// new span, measured from now; a shorter one (a key already typed, a
// call that failed at once) only leaves its own time out, so that a loop
// of waits that do not wait is still stopped.
func (w *watchdog) resume() { w.restart(false) }

func (w *watchdog) restart(fresh bool) {
	metrics.Read(w.jsHeap)
	heap := heapBytes(w.jsHeap)
	w.mu.Lock()
	waited := time.Since(w.pausedAt)
	if !w.begun {
		w.runBase, w.begun = heap, true
	}
	if fresh || waited >= minWait {
		w.start, w.base = time.Now(), heap
	} else {
		w.start = w.start.Add(waited)
	}
	w.running = true
	over := !w.stopped && heap > w.runBase+runFactor*w.memLimit
	w.mu.Unlock()
	// What the script keeps across waits: the spans between them may be
	// too short for the watchdog's samples, so it is looked at here.
	if over {
		w.checkRun()
	}
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// checkRun stops the script if, once the garbage is collected, the heap
// is still over the run's bound; else it lowers the run's base.
func (w *watchdog) checkRun() {
	runtime.GC()
	metrics.Read(w.jsHeap)
	now := heapBytes(w.jsHeap)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	if now > w.runBase+runFactor*w.memLimit {
		w.interruptLocked(stopMemory)
		return
	}
	w.runBase, w.base = min(w.runBase, now), min(w.base, now)
}

// block and unblock bracket a write, whose wait for a slow connection
// does not count as the script's time. (The board's services and store
// count: a loop of them is a runaway loop too.) They nest.
func (w *watchdog) block() {
	w.mu.Lock()
	if w.blockDepth == 0 {
		w.blocked = time.Now()
	}
	w.blockDepth++
	w.mu.Unlock()
}

func (w *watchdog) unblock() {
	w.mu.Lock()
	if w.blockDepth--; w.blockDepth == 0 {
		if w.running {
			w.start = w.start.Add(time.Since(w.blocked))
		}
		w.blocked = time.Time{}
	}
	w.mu.Unlock()
}

func heapBytes(s []metrics.Sample) uint64 {
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func (w *watchdog) loop(ctx context.Context) {
	defer close(w.exited)
	t := time.NewTimer(sampleEvery)
	t.Stop()
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-ctx.Done():
			w.vm.Interrupt(callOver{ctx.Err()})
			return
		case <-w.kick:
		}
		// The script runs: look at it until it waits again.
		for running := true; running; {
			t.Reset(sampleEvery)
			select {
			case <-w.done:
				return
			case <-ctx.Done():
				w.vm.Interrupt(callOver{ctx.Err()})
				return
			case <-t.C:
			}
			running = w.check()
		}
	}
}

// check looks at a running script, interrupting it when it is over a
// limit. It reports whether the script still runs.
func (w *watchdog) check() bool {
	w.mu.Lock()
	if !w.running || w.stopped {
		w.mu.Unlock()
		return false
	}
	if w.blocked.IsZero() && time.Since(w.start) > w.limit {
		w.interruptLocked(stopTime)
		w.mu.Unlock()
		return false
	}
	base, runBase := w.base, w.runBase
	w.mu.Unlock()

	metrics.Read(w.sample)
	if h := heapBytes(w.sample); h <= base+w.memLimit && h <= runBase+runFactor*w.memLimit {
		return true
	}
	// The heap holds garbage too, the script's and everyone else's:
	// collect it before judging. This happens at most once for every
	// memLimit the heap grows by, since the base then moves down to
	// what is left.
	runtime.GC()
	metrics.Read(w.sample)
	now := heapBytes(w.sample)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.running || w.stopped {
		return false
	}
	if now > w.base+w.memLimit || now > w.runBase+runFactor*w.memLimit {
		w.interruptLocked(stopMemory)
		return false
	}
	w.base, w.runBase = min(w.base, now), min(w.runBase, now)
	return true
}

// interruptLocked stops the script. Taking mu first means that a script
// that has just begun to wait is not interrupted for the time before.
func (w *watchdog) interruptLocked(why stopReason) {
	w.stopped = true
	w.vm.Interrupt(why)
}
