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
	stopped    bool   // the script was interrupted; nothing more to watch

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

// pause marks the start of a wait for the caller: the time it takes does
// not count, and nor does what the heap does meanwhile.
func (w *watchdog) pause() {
	w.mu.Lock()
	w.running = false
	w.mu.Unlock()
}

// wait is pause, for the end of the script.
func (w *watchdog) wait() { w.pause() }

// resume marks the end of a wait: the script's time and the heap are
// measured from now.
func (w *watchdog) resume() {
	metrics.Read(w.jsHeap)
	w.mu.Lock()
	w.running, w.start, w.base = true, time.Now(), heapBytes(w.jsHeap)
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
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
		w.start = w.start.Add(time.Since(w.blocked))
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
	base := w.base
	w.mu.Unlock()

	metrics.Read(w.sample)
	if heapBytes(w.sample) <= base+w.memLimit {
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
	if now > w.base+w.memLimit {
		w.interruptLocked(stopMemory)
		return false
	}
	w.base = min(w.base, now)
	return true
}

// interruptLocked stops the script. Taking mu first means that a script
// that has just begun to wait is not interrupted for the time before.
func (w *watchdog) interruptLocked(why stopReason) {
	w.stopped = true
	w.vm.Interrupt(why)
}
