package community_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixture is a board's community services on real parts: a SQLite store,
// an encoding event bus (subscribers see only what survives the byte
// encoding) and the presence of a session registry.
type fixture struct {
	t   *testing.T
	st  *store.Store
	bus *events.Encoded
	reg *session.Registry
	svc *community.Services
}

// newFixture builds the services; cfg's Store, Events and Presence are
// filled in.
func newFixture(t *testing.T, cfg community.Config) *fixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, st: st, bus: &events.Encoded{}, reg: &session.Registry{}}
	cfg.Store, cfg.Events, cfg.Presence = st, f.bus, community.NewLocalPresence(f.reg)
	f.svc, err = community.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// user creates an account and returns it as stored.
func (f *fixture) user(handle string, groups ...string) *store.User {
	f.t.Helper()
	u := &store.User{Handle: handle, Password: "x", Groups: groups, Encoding: store.EncodingAuto, Created: time.Now()}
	if err := f.st.Users.CreateUser(f.t.Context(), u); err != nil {
		f.t.Fatalf("CreateUser(%q) = %v", handle, err)
	}
	return u
}

// sysop creates an account in the sysop group.
func (f *fixture) sysop(handle string) *store.User { return f.user(handle, store.GroupSysop) }

// anonymous is a caller without an account, as the board has one.
var anonymous = &store.User{Handle: "anonymous"}

// recorder keeps every event published on some topics, as subscribers
// receive them: decoded.
type recorder struct {
	mu  sync.Mutex
	evs []events.Event
}

// record subscribes a recorder to the topics until the test ends.
func (f *fixture) record(topics ...string) *recorder {
	r := &recorder{}
	for _, topic := range topics {
		cancel := f.bus.Subscribe(topic, func(ev events.Event) {
			r.mu.Lock()
			r.evs = append(r.evs, ev)
			r.mu.Unlock()
		})
		f.t.Cleanup(cancel)
	}
	return r
}

// events returns the events received so far.
func (r *recorder) events() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.evs)
}

// payloads returns the payloads of the events received so far.
func (r *recorder) payloads() []events.Payload {
	var out []events.Payload
	for _, ev := range r.events() {
		out = append(out, ev.Data)
	}
	return out
}

// lines returns the chat lines received so far.
func (r *recorder) lines(t *testing.T) []events.ChatLine {
	t.Helper()
	var out []events.ChatLine
	for _, ev := range r.events() {
		l, ok := ev.Data.(events.ChatLine)
		if !ok {
			t.Fatalf("event on %q is %T; want events.ChatLine", ev.Topic, ev.Data)
		}
		out = append(out, l)
	}
	return out
}

// reset forgets the events received so far.
func (r *recorder) reset() {
	r.mu.Lock()
	r.evs = nil
	r.mu.Unlock()
}

// online starts a session in the registry; with a handle, the caller is
// logged in as that user once online returns. The session ends when its
// connection closes or the test ends.
func (f *fixture) online(handle string) *testterm.Term {
	f.t.Helper()
	ready := make(chan struct{})
	tt := testterm.Start(f.t, testterm.Options{Registry: f.reg}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		if handle != "" {
			s.SetUser(handle)
		}
		close(ready)
		for {
			if _, err := s.ReadKey(ctx); err != nil {
				return nil
			}
		}
	}))
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		f.t.Fatal("the session's handler never started")
	}
	return tt
}

// waitSessions waits until n sessions are registered.
func (f *fixture) waitSessions(n int) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.reg.Len() != n {
		if time.Now().After(deadline) {
			f.t.Fatalf("%d sessions registered; want %d", f.reg.Len(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// sameLine compares chat lines; At goes through the encoding, so it is
// compared as an instant.
func sameLine(a, b events.ChatLine) bool {
	return a.Room == b.Room && a.Handle == b.Handle && a.Text == b.Text && a.Act == b.Act && a.Seq == b.Seq && a.At.Equal(b.At)
}
