package events

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLocal(t *testing.T) {
	var b Local
	b.Node = "n1"
	var got []Event
	var mu sync.Mutex
	rec := func(ev Event) { mu.Lock(); got = append(got, ev); mu.Unlock() }
	cancelA := b.Subscribe(TopicOneliner, rec)
	cancelA2 := b.Subscribe(TopicOneliner, rec)
	b.Subscribe(TopicMessage, rec)
	b.Publish(Event{Topic: TopicOneliner, Data: OnelinerPosted{ID: 1}})
	b.Publish(Event{Topic: TopicVote, Data: VoteChanged{Poll: 2}})
	cancelA()
	cancelA() // twice is fine
	b.Publish(Event{Topic: TopicOneliner, Data: OnelinerPosted{ID: 3}})
	cancelA2()
	b.Publish(Event{Topic: TopicOneliner, Data: OnelinerPosted{ID: 4}})
	b.Publish(Event{Topic: TopicMessage, Data: MessageChanged{ID: 5}})
	var data []Payload
	for _, ev := range got {
		if ev.Node != "n1" {
			t.Errorf("event %v has node %q; want n1", ev.Data, ev.Node)
		}
		data = append(data, ev.Data)
	}
	want := []Payload{OnelinerPosted{1}, OnelinerPosted{1}, OnelinerPosted{3}, MessageChanged{5}}
	if !reflect.DeepEqual(data, want) {
		t.Fatalf("delivered %v; want %v", data, want)
	}
	if len(b.subs[TopicOneliner]) != 0 || b.subs[TopicOneliner] != nil {
		t.Errorf("cancelled topic still has %d subscribers", len(b.subs[TopicOneliner]))
	}
}

func TestLocalConcurrent(t *testing.T) {
	var b Local
	var n atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				cancel := b.Subscribe(TopicPresence, func(Event) { n.Add(1) })
				b.Publish(Event{Topic: TopicPresence, Data: Presence{}})
				cancel()
			}
		})
	}
	wg.Wait()
	if n.Load() < 1600 {
		t.Errorf("%d deliveries; want at least one per publish (1600)", n.Load())
	}
}

// samples holds one event of every payload kind, on its topic.
func samples() []Event {
	at := time.Date(2026, 12, 2, 10, 11, 12, 345000000, time.UTC)
	return []Event{
		{Topic: TopicPresence, Data: Presence{}},
		{Topic: TopicOneliner, Data: OnelinerPosted{ID: 42}},
		{Topic: TopicBroadcast, Data: Broadcast{Text: "Back in five minutes — ünïcode"}},
		{Topic: UserTopic("erin"), Data: Page{From: "Bob", FromNode: 3, Room: "page:3:4:99", ToNode: 4}},
		{Topic: UserTopic("erin"), Data: Mail{ID: 7, From: "Bob", Subject: "Re: hello"}},
		{Topic: ChatTopic("lounge"), Data: ChatLine{Room: "lounge", Handle: "erin", Text: "hi all", Act: ChatSay, At: at, Seq: 9}},
		{Topic: TopicMessage, Data: MessageChanged{ID: 12}},
		{Topic: TopicVote, Data: VoteChanged{Poll: 5, Node: 2}},
		{Topic: TopicCluster, Data: NodeSessions{}},
		{Topic: TopicCluster, Data: Disconnect{Host: "bbs2:6023", Node: 7, Line: "Bye."}},
		{Topic: TopicCluster, Data: BansChanged{}},
		{Topic: ScriptTopic("blocks"), Data: Script{Name: "top", Data: `{"score":12}`, From: "erin", FromNode: 2, Run: 99}},
	}
}

// Every kind of event reaches a subscriber through the byte encoding
// alone, with the same value.
func TestEveryTopicRoundTrips(t *testing.T) {
	evs := samples()
	covered := map[kind]bool{}
	for _, ev := range evs {
		covered[ev.Data.payload()] = true
	}
	for _, k := range allKinds {
		if !covered[k] {
			t.Errorf("no sample of payload kind %q", k)
		}
	}
	bus := &Encoded{}
	bus.Local.Node = "node-a"
	for _, ev := range evs {
		t.Run(string(ev.Data.payload()), func(t *testing.T) {
			var got []Event
			cancel := bus.Subscribe(ev.Topic, func(e Event) { got = append(got, e) })
			defer cancel()
			bus.Publish(ev)
			want := ev
			want.Node = "node-a"
			if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
				t.Fatalf("Publish(%+v) delivered %+v; want %+v", ev, got, want)
			}
			b, err := Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Unmarshal(b)
			if err != nil || !reflect.DeepEqual(back, want) {
				t.Errorf("Unmarshal(%s) = %+v, %v; want %+v", b, back, err, want)
			}
		})
	}
}

// The encoding is fixed: another node (or a later version) must read it.
func TestEncodingIsStable(t *testing.T) {
	b, err := Marshal(Event{Topic: UserTopic("erin"), Node: "n1", Data: Page{From: "bob", FromNode: 3, Room: "page:3:4:1", ToNode: 4}})
	want := `{"topic":"user:erin","node":"n1","kind":"page","data":{"from":"bob","from_node":3,"room":"page:3:4:1","to_node":4}}`
	if err != nil || string(b) != want {
		t.Errorf("Marshal = %s, %v\nwant      %s", b, err, want)
	}
}

func TestMarshalRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		ev   Event
		want error
	}{
		{"no payload", Event{Topic: TopicPresence}, ErrTopic},
		{"wrong topic", Event{Topic: TopicOneliner, Data: Broadcast{Text: "x"}}, ErrTopic},
		{"unknown topic", Event{Topic: "nonsense", Data: Presence{}}, ErrTopic},
		{"bare user prefix", Event{Topic: "user:", Data: Mail{}}, ErrTopic},
		{"too large", Event{Topic: TopicBroadcast, Data: Broadcast{Text: strings.Repeat("x", MaxEncoded)}}, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Marshal(tc.ev); !errors.Is(err, tc.want) {
				t.Errorf("Marshal(%+v) = %v; want %v", tc.ev, err, tc.want)
			}
		})
	}
}

func TestUnmarshalRefuses(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{``, ErrMalformed},
		{`null`, ErrMalformed},
		{`[]`, ErrMalformed},
		{`{"topic":"presence","kind":"presence","data":{}} {}`, ErrMalformed},
		{`{"topic":"presence","kind":"presence","data":{}}}`, ErrMalformed},
		{`{"topic":"presence","kind":"presence","data":{}} ]`, ErrMalformed},
		{`{"topic":"oneliner","kind":"oneliner","data":{"id":1}]}`, ErrMalformed},
		{`{"topic":"presence","kind":"nonsense","data":{}}`, ErrMalformed},
		{`{"topic":"presence","kind":"presence"}`, ErrMalformed},
		{`{"topic":"oneliner","kind":"oneliner","data":{"id":"seven"}}`, ErrMalformed},
		{`{"topic":"broadcast","kind":"oneliner","data":{"id":1}}`, ErrTopic},
		{`{"topic":"chat:","kind":"chat","data":{}}`, ErrTopic},
		{`{"topic":"broadcast","kind":"broadcast","data":{"text":"` + strings.Repeat("y", MaxEncoded) + `"}}`, ErrTooLarge},
	} {
		if ev, err := Unmarshal([]byte(tc.in)); !errors.Is(err, tc.want) {
			t.Errorf("Unmarshal(%.60q) = %+v, %v; want %v", tc.in, ev, err, tc.want)
		}
	}
	// A newer node may add fields; they are ignored.
	ev, err := Unmarshal([]byte(`{"topic":"oneliner","kind":"oneliner","data":{"id":3,"colour":"red"},"extra":1}`))
	if err != nil || ev.Data != (OnelinerPosted{ID: 3}) {
		t.Errorf("Unmarshal with unknown fields = %+v, %v; want the one-liner", ev, err)
	}
}

func TestEncodedReportsErrors(t *testing.T) {
	var failed []error
	bus := &Encoded{OnError: func(_ Event, err error) { failed = append(failed, err) }}
	delivered := 0
	bus.Subscribe(TopicOneliner, func(Event) { delivered++ })
	bus.Publish(Event{Topic: TopicOneliner, Data: Broadcast{}})
	if delivered != 0 || len(failed) != 1 || !errors.Is(failed[0], ErrTopic) {
		t.Errorf("a misfit event: delivered %d, errors %v; want none delivered and ErrTopic", delivered, failed)
	}
}

// FuzzUnmarshal feeds the decoder bytes as another node might send them:
// it must never panic, and what it accepts must encode back to an equal
// event.
func FuzzUnmarshal(f *testing.F) {
	for _, ev := range samples() {
		b, err := Marshal(ev)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"topic":"user:x","kind":"mail","data":{"id":-1,"from":"\u001b[2J"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := Unmarshal(b)
		if err != nil {
			return
		}
		again, err := Marshal(ev)
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return // escaping can lengthen what was accepted
			}
			t.Fatalf("Marshal(Unmarshal(%q)) failed: %v", b, err)
		}
		back, err := Unmarshal(again)
		if err != nil || !reflect.DeepEqual(back, ev) {
			t.Fatalf("round trip of %q: %+v, %v; want %+v", b, back, err, ev)
		}
	})
}

func BenchmarkPublish1000(b *testing.B) {
	var bus Local
	var n atomic.Int64
	for range 1000 {
		bus.Subscribe(ChatTopic("lounge"), func(Event) { n.Add(1) })
	}
	ev := Event{Topic: ChatTopic("lounge"), Data: ChatLine{Room: "lounge", Handle: "erin", Text: "hello", Act: ChatSay}}
	for b.Loop() {
		bus.Publish(ev)
	}
}
