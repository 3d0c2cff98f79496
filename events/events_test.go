package events

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestLocal(t *testing.T) {
	var b Local
	b.Node = "n1"
	var got []Event
	var mu sync.Mutex
	rec := func(ev Event) { mu.Lock(); got = append(got, ev); mu.Unlock() }
	cancelA := b.Subscribe("a", rec)
	cancelA2 := b.Subscribe("a", rec)
	b.Subscribe("b", rec)
	b.Publish(Event{Topic: "a", Data: 1})
	b.Publish(Event{Topic: "c", Data: 2})
	cancelA()
	cancelA() // twice is fine
	b.Publish(Event{Topic: "a", Data: 3})
	cancelA2()
	b.Publish(Event{Topic: "a", Data: 4})
	b.Publish(Event{Topic: "b", Data: 5})
	var data []any
	for _, ev := range got {
		if ev.Node != "n1" {
			t.Errorf("event %v has node %q; want n1", ev.Data, ev.Node)
		}
		data = append(data, ev.Data)
	}
	want := []any{1, 1, 3, 5}
	if len(data) != len(want) {
		t.Fatalf("delivered %v; want %v", data, want)
	}
	for i := range want {
		if data[i] != want[i] {
			t.Fatalf("delivered %v; want %v", data, want)
		}
	}
	if len(b.subs["a"]) != 0 || b.subs["a"] != nil {
		t.Errorf("cancelled topic still has %d subscribers", len(b.subs["a"]))
	}
}

func TestLocalConcurrent(t *testing.T) {
	var b Local
	var n atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				cancel := b.Subscribe("t", func(Event) { n.Add(1) })
				b.Publish(Event{Topic: "t"})
				cancel()
			}
		})
	}
	wg.Wait()
	if n.Load() < 1600 {
		t.Errorf("%d deliveries; want at least one per publish (1600)", n.Load())
	}
}

func BenchmarkPublish1000(b *testing.B) {
	var bus Local
	var n atomic.Int64
	for range 1000 {
		bus.Subscribe("chat", func(Event) { n.Add(1) })
	}
	for b.Loop() {
		bus.Publish(Event{Topic: "chat", Data: "hello"})
	}
}
