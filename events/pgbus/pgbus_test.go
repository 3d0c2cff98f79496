package pgbus

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/pgtest"
	"github.com/x84bbs/x84/store/postgres"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// cluster migrates a fresh schema and returns its URL.
func cluster(t *testing.T) string {
	t.Helper()
	url := pgtest.URL(t)
	st, err := postgres.Open(t.Context(), url, postgres.Config{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return url
}

func open(t *testing.T, url, node string, cfg Config) *Bus {
	t.Helper()
	cfg.Node = node
	b, err := Open(t.Context(), url, cfg)
	if err != nil {
		t.Fatalf("Open(%s) = %v", node, err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// recorder keeps what a subscriber got.
type recorder struct {
	mu  sync.Mutex
	got []events.Event
	ch  chan struct{}
}

func listen(b *Bus, topic string) *recorder {
	r := &recorder{ch: make(chan struct{}, 1<<16)}
	b.Subscribe(topic, func(ev events.Event) {
		r.mu.Lock()
		r.got = append(r.got, ev)
		r.mu.Unlock()
		r.ch <- struct{}{}
	})
	return r
}

// wait returns the first n events, failing after 10s.
func (r *recorder) wait(t *testing.T, n int) []events.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		if len(r.got) >= n {
			out := slices.Clone(r.got[:n])
			r.mu.Unlock()
			return out
		}
		r.mu.Unlock()
		select {
		case <-r.ch:
		case <-deadline:
			t.Fatalf("got %d events, want %d", len(r.got), n)
		}
	}
}

func say(text string) events.Event {
	return events.Event{Topic: events.ChatTopic("lounge"), Data: events.ChatLine{Room: "lounge", Handle: "erin", Text: text, Act: events.ChatSay}}
}

func texts(evs []events.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Node+":"+ev.Data.(events.ChatLine).Text)
	}
	return out
}

// TestOneOrder: events published on two nodes at once reach both nodes,
// each with its publisher's name, in the same order on both.
func TestOneOrder(t *testing.T) {
	url := cluster(t)
	a, b := open(t, url, "a", Config{}), open(t, url, "b", Config{})
	ra, rb := listen(a, events.ChatTopic("lounge")), listen(b, events.ChatTopic("lounge"))
	const each = 300
	var wg sync.WaitGroup
	for _, bus := range []*Bus{a, b} {
		wg.Go(func() {
			for i := range each {
				bus.Publish(say(fmt.Sprint(i)))
			}
		})
	}
	wg.Wait()
	ga, gb := texts(ra.wait(t, 2*each)), texts(rb.wait(t, 2*each))
	if !slices.Equal(ga, gb) {
		t.Fatalf("nodes saw different orders:\na: %v\nb: %v", ga[:20], gb[:20])
	}
	// Each node's own events keep their order.
	next := map[string]int{}
	for _, s := range ga {
		node, n, _ := strings.Cut(s, ":")
		if want := fmt.Sprint(next[node]); n != want {
			t.Fatalf("from %s got %s, want %s", node, n, want)
		}
		next[node]++
	}
	if a.Dropped()+b.Dropped() != 0 {
		t.Errorf("dropped %d, %d", a.Dropped(), b.Dropped())
	}
}

// TestLargeEvent: an event over NOTIFY's limit arrives whole.
func TestLargeEvent(t *testing.T) {
	url := cluster(t)
	a, b := open(t, url, "a", Config{}), open(t, url, "b", Config{})
	rb := listen(b, events.TopicBroadcast)
	text := strings.Repeat("é long broadcast ", 3000) // ~54 KB encoded
	a.Publish(events.Event{Topic: events.TopicBroadcast, Data: events.Broadcast{Text: "short"}})
	a.Publish(events.Event{Topic: events.TopicBroadcast, Data: events.Broadcast{Text: text}})
	got := rb.wait(t, 2)
	if got[0].Data.(events.Broadcast).Text != "short" || got[1].Data.(events.Broadcast).Text != text {
		t.Fatalf("got %q… and %d bytes", got[0].Data.(events.Broadcast).Text, len(got[1].Data.(events.Broadcast).Text))
	}
}

// TestArrive: the arrival hook numbers and filters events on each node.
func TestArrive(t *testing.T) {
	url := cluster(t)
	a := open(t, url, "a", Config{})
	var n uint64
	a.SetArrive(func(ev events.Event) (events.Event, bool) {
		l := ev.Data.(events.ChatLine)
		if l.Text == "drop" {
			return ev, false
		}
		n++
		l.Seq = n
		ev.Data = l
		return ev, true
	})
	r := listen(a, events.ChatTopic("lounge"))
	for _, s := range []string{"one", "drop", "two"} {
		a.Publish(say(s))
	}
	got := r.wait(t, 2)
	if l := got[1].Data.(events.ChatLine); l.Text != "two" || l.Seq != 2 {
		t.Fatalf("second line %+v", l)
	}
}

// TestCutOff: when the server ends the listener's connection, the node's
// own events still reach its subscribers, the bus links again, and OnGap
// says for how long it was cut off; events after that cross again.
func TestCutOff(t *testing.T) {
	url := cluster(t)
	gaps := make(chan time.Duration, 4)
	// A name no other test's bus has: the test finds a's connections by it.
	nameA := "cut-" + strings.ToLower(rand.Text()[:10])
	a := open(t, url, nameA, Config{OnGap: func(d time.Duration) { gaps <- d }})
	b := open(t, url, "b", Config{})
	ra, rb := listen(a, events.ChatTopic("lounge")), listen(b, events.ChatTopic("lounge"))
	a.Publish(say("before"))
	ra.wait(t, 1)
	rb.wait(t, 1)

	// Kill a's connections (its listener is the oldest).
	admin, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var n int
	if err := admin.QueryRow(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1`, "x84 bus "+nameA).Scan(&n); err != nil || n == 0 {
		t.Fatalf("killed %d of a's connections: %v", n, err)
	}
	select {
	case d := <-gaps:
		if d <= 0 {
			t.Errorf("gap %v", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no OnGap after the listener's connection was killed")
	}
	a.Publish(say("after"))
	b.Publish(say("from b"))
	if got := texts(ra.wait(t, 3)); !slices.Contains(got, nameA+":after") || !slices.Contains(got, "b:from b") {
		t.Fatalf("a got %v", got)
	}
	rb.wait(t, 3)
}

// TestQuiet: a listener that hears nothing for a while checks its
// connection and goes on hearing.
func TestQuiet(t *testing.T) {
	old := pingEvery
	pingEvery = 50 * time.Millisecond
	t.Cleanup(func() { pingEvery = old }) // after the buses close
	url := cluster(t)
	var gaps atomic.Int32
	a := open(t, url, "a", Config{})
	b := open(t, url, "b", Config{OnGap: func(time.Duration) { gaps.Add(1) }})
	rb := listen(b, events.TopicBroadcast)
	time.Sleep(300 * time.Millisecond) // several timeouts and pings
	a.Publish(events.Event{Topic: events.TopicBroadcast, Data: events.Broadcast{Text: "still there?"}})
	if got := rb.wait(t, 1); got[0].Data.(events.Broadcast).Text != "still there?" {
		t.Fatalf("got %+v", got)
	}
	if !b.Linked() || gaps.Load() != 0 {
		t.Errorf("after a quiet spell b is linked: %v, and linked again %d times; want true, 0", b.Linked(), gaps.Load())
	}
}

// TestHeardOnce: a node's event heard again (a batch resent after a lost
// reply), or older than one heard, is dropped, but a new run of the node
// starts afresh; another program's noise on the channel is counted and
// dropped.
func TestHeardOnce(t *testing.T) {
	url := cluster(t)
	b := open(t, url, "b", Config{})
	rb := listen(b, events.TopicBroadcast)
	admin, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var schema string
	if err := admin.QueryRow(t.Context(), `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	send := func(payload string) {
		t.Helper()
		if _, err := admin.Exec(t.Context(), `SELECT pg_notify($1, $2)`, channelName(schema), payload); err != nil {
			t.Fatal(err)
		}
	}
	say := func(text string) string {
		body, err := events.Marshal(events.Event{Topic: events.TopicBroadcast, Node: "zz", Data: events.Broadcast{Text: text}})
		if err != nil {
			t.Fatal(err)
		}
		return string(body)
	}
	send("r1:100 " + say("first"))
	send("r1:100 " + say("first"))          // resent
	send("r1:99 " + say("older"))           // behind what was heard
	send("not an event at all")             // noise
	send("r1:101 {\"topic\":\"broadcast\"") // broken
	send("r1:101 " + say("second"))
	send("r2:1 " + say("after a restart")) // a new run starts afresh
	got := rb.wait(t, 3)
	if a, b2, c := got[0].Data.(events.Broadcast).Text, got[1].Data.(events.Broadcast).Text, got[2].Data.(events.Broadcast).Text; a != "first" || b2 != "second" || c != "after a restart" {
		t.Fatalf("got %q, %q, %q; want first, second, after a restart", a, b2, c)
	}
	time.Sleep(100 * time.Millisecond)
	rb.mu.Lock()
	n := len(rb.got)
	rb.mu.Unlock()
	if n != 3 || b.Dropped() != 2 {
		t.Errorf("delivered %d events and dropped %d; want 3 and 2", n, b.Dropped())
	}
}
