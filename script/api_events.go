package script

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
)

// Bounds of bbs.events.
const (
	// eventQueueSize is the most events a run keeps for bbs.events.poll;
	// older ones are dropped.
	eventQueueSize = 100
	// maxEventName is the longest event name, in bytes; maxListened the
	// most names a run listens to.
	maxEventName = 64
	maxListened  = 32
	// publishRate is how many events a second a run may publish.
	publishRate = 20
)

// eventQueue holds the events a run listens to until the script polls
// them. deliver runs on the publisher's goroutine, under the bus's lock:
// it only appends, under mu (a leaf lock).
type eventQueue struct {
	run    uint64 // this run's id: its own events are not delivered to it
	cancel func()

	mu      sync.Mutex
	names   map[string]bool
	queue   []events.Script
	dropped int
}

func (q *eventQueue) deliver(ev events.Event) {
	d, ok := ev.Data.(events.Script)
	if !ok || d.Run == q.run || len(d.Data) > events.MaxScriptData {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.names[d.Name] {
		return
	}
	if len(q.queue) == eventQueueSize {
		copy(q.queue, q.queue[1:])
		q.queue = q.queue[:eventQueueSize-1]
		q.dropped++
	}
	q.queue = append(q.queue, d)
}

func (q *eventQueue) take() []events.Script {
	q.mu.Lock()
	defer q.mu.Unlock()
	list := q.queue
	q.queue = nil
	return list
}

func (q *eventQueue) close() {
	if q.cancel != nil {
		q.cancel()
	}
}

// eventsObject is bbs.events.
func (r *run) eventsObject() *goja.Object {
	o := r.vm.NewObject()
	o.Set("publish", r.fn(r.publish))
	o.Set("listen", r.fn(r.listen))
	o.Set("poll", r.fn(r.poll))
	return o
}

// eventName is an event name argument: 1 to maxEventName bytes of
// printable text.
func (r *run) eventName(v goja.Value) string {
	name := text(v)
	if name == "" || len(name) > maxEventName || !utf8.ValidString(name) || term.Sanitize(name) != name {
		r.throw("an event's name is 1 to " + strconv.Itoa(maxEventName) + " bytes of printable text")
	}
	return name
}

// bbs.events.publish(name, data)
func (r *run) publish(call goja.FunctionCall) goja.Value {
	name := r.eventName(call.Argument(0))
	data := call.Argument(1)
	js, err := r.jsStringify(goja.Undefined(), data)
	if err != nil {
		panic(err) // the script's own error (a cycle, a BigInt): it may catch it
	}
	encoded := "null"
	if !goja.IsUndefined(js) {
		encoded = js.String()
	}
	if len(encoded) > events.MaxScriptData {
		r.throw("an event's data is at most " + strconv.Itoa(events.MaxScriptData) + " bytes as JSON")
	}
	if !r.pubLimit.Allow() {
		r.throw("too many events: at most " + strconv.Itoa(publishRate) + " a second")
	}
	r.c.Events.Publish(events.Event{Topic: events.ScriptTopic(r.name), Data: events.Script{
		Name: name, Data: encoded, From: r.c.User.Handle, FromNode: r.c.Node(), Run: r.runID(),
	}})
	return goja.Undefined()
}

// runID returns the id of this run, made on first use.
func (r *run) runID() uint64 {
	if r.id == 0 {
		r.id = rand.Uint64() | 1
	}
	return r.id
}

// bbs.events.listen(name)
func (r *run) listen(call goja.FunctionCall) goja.Value {
	name := r.eventName(call.Argument(0))
	if r.events == nil {
		r.events = &eventQueue{run: r.runID(), names: map[string]bool{}}
		r.events.cancel = r.c.Events.Subscribe(events.ScriptTopic(r.name), r.events.deliver)
	}
	q := r.events
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.names[name] && len(q.names) >= maxListened {
		r.throw("a script listens to at most " + strconv.Itoa(maxListened) + " event names")
	}
	q.names[name] = true
	return goja.Undefined()
}

// bbs.events.poll() → [{name, data, from}], oldest first
func (r *run) poll(goja.FunctionCall) goja.Value {
	if r.events == nil {
		return r.vm.NewArray()
	}
	list := r.events.take()
	items := make([]any, 0, len(list))
	for _, d := range list {
		data, err := r.jsParse(goja.Undefined(), r.vm.ToValue(d.Data))
		if err != nil {
			continue // not JSON: not from a script
		}
		o := r.vm.NewObject()
		o.Set("name", d.Name)
		o.Set("data", data)
		o.Set("from", d.From)
		items = append(items, o)
	}
	return r.vm.NewArray(items...)
}
