package community_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

func TestOnelinerPostRules(t *testing.T) {
	// No interval, so that each case stands alone.
	f := newFixture(t, community.Config{OnelinerInterval: -1})
	u := f.user("erin")
	tests := []struct {
		name    string
		user    *store.User
		text    string
		want    string // stored text
		wantErr error
	}{
		{"nil user", nil, "hello", "", community.ErrAnonymous},
		{"anonymous", anonymous, "hello", "", community.ErrAnonymous},
		{"plain", u, "hello", "hello", nil},
		{"sanitised", u, "\x1b]52;c;ZXZpbA==\x07hi \x1b[2J", "hi", nil},
		{"trimmed", u, "  \t spaced out  ", "spaced out", nil},
		{"empty", u, "", "", community.ErrEmpty},
		{"spaces", u, "   ", "", community.ErrEmpty},
		{"only control sequences", u, "\x1b[2J\x1b[31m \x07", "", community.ErrEmpty},
		{"60 runes", u, strings.Repeat("é", 60), strings.Repeat("é", 60), nil},
		{"61 runes", u, strings.Repeat("é", 61), "", community.ErrTooLong},
		{"60 runes once sanitised", u, "\x1b[1m" + strings.Repeat("a", 60) + "\x1b[0m", strings.Repeat("a", 60), nil},
	}
	for _, tt := range tests {
		ol, err := f.svc.Oneliners.Post(t.Context(), tt.user, tt.text)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) || ol != nil {
				t.Errorf("%s: Post(%q) = %v, %v; want nil, %v", tt.name, tt.text, ol, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Post(%q) = %v; want no error", tt.name, tt.text, err)
			continue
		}
		if ol.Text != tt.want || ol.Handle != "erin" || ol.ID == 0 {
			t.Errorf("%s: Post(%q) = %+v; want text %q by erin, with an ID", tt.name, tt.text, ol, tt.want)
		}
		list, err := f.svc.Oneliners.List(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != ol.ID || list[0].Text != tt.want {
			t.Errorf("%s: List(1) after Post(%q) = %+v; want the one-liner %q", tt.name, tt.text, list, tt.want)
		}
	}
}

func TestOnelinerWait(t *testing.T) {
	f := newFixture(t, community.Config{}) // a minute
	u := f.user("erin")
	if err := f.svc.Oneliners.Wait(t.Context(), u); err != nil {
		t.Errorf("Wait(before any post) = %v; want nil", err)
	}
	for _, anon := range []*store.User{nil, anonymous} {
		if err := f.svc.Oneliners.Wait(t.Context(), anon); !errors.Is(err, community.ErrAnonymous) {
			t.Errorf("Wait(%v) = %v; want ErrAnonymous", anon, err)
		}
	}
	// A refused post does not start the interval.
	if _, err := f.svc.Oneliners.Post(t.Context(), u, "  "); !errors.Is(err, community.ErrEmpty) {
		t.Fatalf("Post(blank) = %v; want ErrEmpty", err)
	}
	if _, err := f.svc.Oneliners.Post(t.Context(), u, strings.Repeat("x", 61)); !errors.Is(err, community.ErrTooLong) {
		t.Fatalf("Post(61 characters) = %v; want ErrTooLong", err)
	}
	if _, err := f.svc.Oneliners.Post(t.Context(), u, "first"); err != nil {
		t.Fatalf("Post(first) = %v; want no error", err)
	}

	var posted, asked *community.WaitError
	ol, err := f.svc.Oneliners.Post(t.Context(), u, "second")
	if !errors.As(err, &posted) || ol != nil {
		t.Fatalf("Post(second, right after) = %v, %v; want a *WaitError", ol, err)
	}
	if posted.Wait <= 0 || posted.Wait > time.Minute {
		t.Errorf("Post(second).Wait = %v; want in (0, 1m]", posted.Wait)
	}
	if err := f.svc.Oneliners.Wait(t.Context(), u); !errors.As(err, &asked) {
		t.Fatalf("Wait(right after a post) = %v; want a *WaitError", err)
	}
	if asked.Wait <= 0 || asked.Wait > posted.Wait || posted.Wait-asked.Wait > time.Second {
		t.Errorf("Wait() = %v after Post said %v; want the same, a little less", asked.Wait, posted.Wait)
	}
	// The wait is the user's: another may post.
	if _, err := f.svc.Oneliners.Post(t.Context(), f.user("finn"), "mine"); err != nil {
		t.Errorf("Post(by another user) = %v; want no error", err)
	}
	// The same user under another case of the handle waits too.
	other := *u
	other.Handle = "ERIN"
	if _, err := f.svc.Oneliners.Post(t.Context(), &other, "shouting"); !errors.As(err, new(*community.WaitError)) {
		t.Errorf("Post(as ERIN, right after erin) = %v; want a *WaitError", err)
	}
}

func TestOnelinerNoInterval(t *testing.T) {
	f := newFixture(t, community.Config{OnelinerInterval: -time.Second})
	u := f.user("erin")
	for i := range 3 {
		if _, err := f.svc.Oneliners.Post(t.Context(), u, fmt.Sprintf("line %d", i)); err != nil {
			t.Errorf("Post(line %d) with no interval = %v; want no error", i, err)
		}
		if err := f.svc.Oneliners.Wait(t.Context(), u); err != nil {
			t.Errorf("Wait() with no interval = %v; want nil", err)
		}
	}
}

func TestOnelinerPublishes(t *testing.T) {
	f := newFixture(t, community.Config{})
	rec := f.record(events.TopicOneliner)
	ol, err := f.svc.Oneliners.Post(t.Context(), f.user("erin"), "hello")
	if err != nil {
		t.Fatal(err)
	}
	got := rec.payloads()
	if len(got) != 1 || got[0] != (events.OnelinerPosted{ID: ol.ID}) {
		t.Errorf("events after Post = %#v; want one OnelinerPosted{ID: %d}", got, ol.ID)
	}
	// Refused posts publish nothing.
	rec.reset()
	f.svc.Oneliners.Post(t.Context(), nil, "hello")
	f.svc.Oneliners.Post(t.Context(), f.user("finn"), "")
	if got := rec.payloads(); len(got) != 0 {
		t.Errorf("events after refused posts = %#v; want none", got)
	}
}

func TestOnelinerListNewestFirst(t *testing.T) {
	f := newFixture(t, community.Config{OnelinerInterval: -1})
	u := f.user("erin")
	var want []int64
	for i := range 5 {
		ol, err := f.svc.Oneliners.Post(t.Context(), u, fmt.Sprintf("line %d", i))
		if err != nil {
			t.Fatal(err)
		}
		want = append([]int64{ol.ID}, want...)
	}
	list, err := f.svc.Oneliners.List(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, ol := range list {
		got = append(got, ol.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("List(10) IDs = %v; want %v (newest first)", got, want)
	}
	if list, _ := f.svc.Oneliners.List(t.Context(), 2); len(list) != 2 || list[0].ID != want[0] {
		t.Errorf("List(2) = %+v; want the newest two", list)
	}
}

// TestOnelinerBurst posts as one user from many goroutines at once, as
// a burst of web API calls would: one post lands, the rest are told to
// wait.
func TestOnelinerBurst(t *testing.T) {
	f := newFixture(t, community.Config{})
	u := f.user("burst")
	const posts = 20
	var wg sync.WaitGroup
	var posted, waited atomic.Int32
	for i := range posts {
		wg.Go(func() {
			_, err := f.svc.Oneliners.Post(t.Context(), u, fmt.Sprintf("post %d", i))
			var wait *community.WaitError
			switch {
			case err == nil:
				posted.Add(1)
			case errors.As(err, &wait) && wait.Wait > 0:
				waited.Add(1)
			default:
				t.Errorf("Post = %v; want nil or a *community.WaitError", err)
			}
		})
	}
	wg.Wait()
	if posted.Load() != 1 || waited.Load() != posts-1 {
		t.Errorf("%d posts at once: %d posted, %d told to wait; want 1 and %d", posts, posted.Load(), waited.Load(), posts-1)
	}
	if list, _ := f.svc.Oneliners.List(t.Context(), posts); len(list) != 1 {
		t.Errorf("List after the burst holds %d one-liners; want 1", len(list))
	}
}

// countingOneliners counts the reads of the wall.
type countingOneliners struct {
	wall  store.Oneliners
	reads atomic.Int32
}

func (c *countingOneliners) AddOneliner(ctx context.Context, o *store.Oneliner, gap time.Duration) error {
	return c.wall.AddOneliner(ctx, o, gap)
}

func (c *countingOneliners) LastOnelinerBy(ctx context.Context, handle string) (time.Time, error) {
	return c.wall.LastOnelinerBy(ctx, handle)
}

func (c *countingOneliners) DeleteOneliner(ctx context.Context, id int64) error {
	return c.wall.DeleteOneliner(ctx, id)
}

func (c *countingOneliners) Oneliners(ctx context.Context, n int) ([]store.Oneliner, error) {
	c.reads.Add(1)
	time.Sleep(20 * time.Millisecond) // a database across a network
	return c.wall.Oneliners(ctx, n)
}

// arrivalBus is a cluster's bus in one process: every event passes the
// arrival hook before the subscribers.
type arrivalBus struct {
	events.Local
	arrive func(events.Event) (events.Event, bool)
}

func (b *arrivalBus) SetArrive(f func(events.Event) (events.Event, bool)) { b.arrive = f }

func (b *arrivalBus) Publish(ev events.Event) {
	if b.arrive != nil {
		var ok bool
		if ev, ok = b.arrive(ev); !ok {
			return
		}
	}
	b.Local.Deliver(ev)
}

// TestOnelinerWallShared: callers reloading the wall at once share one
// read of the store; a post, here or announced by another node, makes
// the next List read again, and the poster sees the line.
func TestOnelinerWallShared(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counting := &countingOneliners{wall: st.Oneliners}
	wrapped := *st
	wrapped.Oneliners = counting
	bus := &arrivalBus{}
	svc, err := community.New(community.Config{Store: &wrapped, Events: bus, Presence: community.NewLocalPresence(&session.Registry{}), OnelinerInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	u := &store.User{Handle: "ann", Password: "x", Encoding: store.EncodingAuto}
	if err := st.Users.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	readAll := func() {
		var wg sync.WaitGroup
		for range 100 {
			wg.Go(func() {
				if _, err := svc.Oneliners.List(t.Context(), 20); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	readAll()
	if n := counting.reads.Load(); n != 1 {
		t.Fatalf("100 callers at once read the store %d times; want 1", n)
	}
	if _, err := svc.Oneliners.Post(t.Context(), u, "hello wall"); err != nil {
		t.Fatal(err)
	}
	list, err := svc.Oneliners.List(t.Context(), 20)
	if err != nil || len(list) != 1 || list[0].Text != "hello wall" {
		t.Fatalf("after the post List = %+v, %v", list, err)
	}
	readAll()
	if n := counting.reads.Load(); n != 2 {
		t.Fatalf("reads after a post: %d; want 2", n)
	}
	// Another node's post: only its event tells.
	bus.Publish(events.Event{Topic: events.TopicOneliner, Data: events.OnelinerPosted{ID: 99}})
	readAll()
	if n := counting.reads.Load(); n != 3 {
		t.Fatalf("reads after another node's post: %d; want 3", n)
	}
}
