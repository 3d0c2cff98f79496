package cluster

import (
	"context"
	"errors"
	"hash/fnv"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/events/pgbus"
	"github.com/x84bbs/x84/internal/pgtest"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store/postgres"
	"github.com/x84bbs/x84/term"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fastConfig beats quickly, so that the tests of death are short.
func fastConfig(name string) Config {
	return Config{Name: name, Heartbeat: 200 * time.Millisecond, NodeTimeout: 800 * time.Millisecond}
}

// schema migrates a fresh schema and returns its URL.
func schema(t *testing.T) string {
	t.Helper()
	url := pgtest.URL(t)
	st, err := postgres.Open(t.Context(), url, postgres.Config{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return url
}

type testNode struct {
	*Node
	reg *session.Registry
	bus *pgbus.Bus
}

// join starts a node with a bus of its own; left at the end of the test
// unless the test leaves it first.
func join(t *testing.T, url string, cfg Config) *testNode {
	t.Helper()
	tn := joinRaw(t, url, cfg)
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { tn.leave(t) }) })
	return tn
}

// joinRaw starts a node the test must stop itself.
func joinRaw(t *testing.T, url string, cfg Config) *testNode {
	t.Helper()
	bus, err := pgbus.Open(t.Context(), url, pgbus.Config{Node: cfg.Name})
	if err != nil {
		t.Fatal(err)
	}
	reg := &session.Registry{}
	n, err := Join(t.Context(), url, cfg, reg, bus)
	if err != nil {
		bus.Close()
		t.Fatal(err)
	}
	return &testNode{Node: n, reg: reg, bus: bus}
}

func (tn *testNode) leave(t *testing.T) {
	if err := tn.Leave(); err != nil {
		t.Errorf("Leave: %v", err)
	}
	tn.bus.Close()
}

// pipeConn is a session's terminal on a net.Pipe.
type pipeConn struct {
	net.Conn
	info term.Info
}

func (c *pipeConn) Info() term.Info           { return c.info }
func (c *pipeConn) Resized() <-chan term.Size { return nil }

// caller is a session on a node and what its terminal got.
type caller struct {
	*session.Session
	mu   sync.Mutex
	seen []byte
	gone chan struct{} // closed when the board closed the connection
}

func (c *caller) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.seen)
}

// call adds a session for user to the node, as the server does.
func (tn *testNode) call(t *testing.T, user string) *caller {
	t.Helper()
	server, client := net.Pipe()
	s := session.New(&pipeConn{Conn: server, info: term.Info{Kind: "telnet", Term: "xterm"}}, session.Config{})
	c := &caller{Session: s, gone: make(chan struct{})}
	go func() {
		defer close(c.gone)
		buf := make([]byte, 512)
		for {
			n, err := client.Read(buf)
			c.mu.Lock()
			c.seen = append(c.seen, buf[:n]...)
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { client.Close(); s.Close(); <-c.gone })
	if _, err := tn.reg.Add(s); err != nil {
		t.Fatal(err)
	}
	s.SetUser(user)
	tn.bus.Publish(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
	return c
}

// waitOnline waits until p's who's online satisfies cond.
func waitOnline(t *testing.T, p *Presence, what string, cond func([]session.Snapshot) bool) []session.Snapshot {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list := p.Online()
		if cond(list) {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("who's online never showed %s: %+v", what, list)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func users(list []session.Snapshot) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.Host+"/"+s.User)
	}
	slices.Sort(out)
	return out
}

// TestNumbersUnique: sessions arriving at two nodes at once get numbers
// no other session holds, near the lowest free ones; alone, a session
// gets the lowest; freed numbers are handed out again.
func TestNumbersUnique(t *testing.T) {
	url := schema(t)
	a, b := join(t, url, fastConfig("a")), join(t, url, fastConfig("b"))
	const each = 40
	type taken struct {
		num int
		by  *testNode
	}
	nums := make(chan taken, 2*each)
	var wg sync.WaitGroup
	for _, n := range []*testNode{a, b} {
		for range each {
			wg.Go(func() {
				k, err := n.Take()
				if err != nil {
					t.Error(err)
					return
				}
				nums <- taken{k, n}
			})
		}
	}
	wg.Wait()
	close(nums)
	var got []int
	owner := map[int]*testNode{}
	for k := range nums {
		got = append(got, k.num)
		owner[k.num] = k.by
	}
	slices.Sort(got)
	if len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatalf("a number was handed out twice: %v", got)
	}
	// In a burst the losers of a race skip a few free numbers; alone, a
	// caller gets the lowest free one.
	if got[len(got)-1] > 2*each+100 {
		t.Fatalf("numbers %v spread too far", got)
	}
	lowest := 1
	for slices.Contains(got, lowest) {
		lowest++
	}
	if k, err := a.Take(); err != nil || k != lowest {
		t.Fatalf("Take() after the burst = %d, %v; want %d, the lowest free", k, err, lowest)
	}
	owner[3].Free(3)
	if k, err := b.Take(); err != nil || k != 3 {
		t.Fatalf("after freeing 3, Take() = %d, %v; want 3", k, err)
	}
}

// TestPresence: each node sees the other's callers, with their host, and
// a caller who leaves leaves both lists.
func TestPresence(t *testing.T) {
	url := schema(t)
	a, b := join(t, url, fastConfig("a")), join(t, url, fastConfig("b"))
	pa, pb := a.Presence(), b.Presence()
	ann := a.call(t, "ann")
	b.call(t, "ben")
	want := []string{"a/ann", "b/ben"}
	waitOnline(t, pb, "ann and ben", func(l []session.Snapshot) bool { return slices.Equal(users(l), want) })
	waitOnline(t, pa, "ann and ben", func(l []session.Snapshot) bool { return slices.Equal(users(l), want) })
	if s, ok := pb.Lookup(ann.Node()); !ok || s.Host != "a" || s.User != "ann" {
		t.Fatalf("b's Lookup(%d) = %+v, %v", ann.Node(), s, ok)
	}
	a.reg.Remove(ann.Session)
	a.bus.Publish(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
	waitOnline(t, pb, "ben alone", func(l []session.Snapshot) bool { return slices.Equal(users(l), []string{"b/ben"}) })
}

// TestDisconnectAcross: a disconnect on one node ends a call on another,
// by node number or by user.
func TestDisconnectAcross(t *testing.T) {
	url := schema(t)
	a, b := join(t, url, fastConfig("a")), join(t, url, fastConfig("b"))
	pb := b.Presence()
	ann := a.call(t, "ann")
	ann2 := a.call(t, "ann")
	cid := a.call(t, "cid")
	waitOnline(t, pb, "three callers on a", func(l []session.Snapshot) bool { return len(l) == 3 })
	if !pb.Disconnect(cid.Node(), "Bye, cid.") {
		t.Fatal("Disconnect of a node on a: nobody there")
	}
	if n := pb.DisconnectUser("ANN", "Bye, ann."); n != 2 {
		t.Fatalf("DisconnectUser = %d; want 2", n)
	}
	for _, c := range []*caller{ann, ann2, cid} {
		select {
		case <-c.gone:
		case <-time.After(10 * time.Second):
			t.Fatalf("session %d not ended", c.Node())
		}
	}
	if !strings.Contains(cid.text(), "Bye, cid.") || !strings.Contains(ann2.text(), "Bye, ann.") {
		t.Errorf("the callers did not get their lines: %q, %q", cid.text(), ann2.text())
	}
	if pb.Disconnect(99, "nobody") {
		t.Error("Disconnect of an empty node reported someone")
	}
}

// TestDeath: a node that stops beating without leaving loses its callers
// from the others' lists within NodeTimeout, and its numbers are freed; a
// node that comes back writes itself in again.
func TestDeath(t *testing.T) {
	url := schema(t)
	a, b := join(t, url, fastConfig("a")), join(t, url, fastConfig("b"))
	pb := b.Presence()
	a.call(t, "ann")
	waitOnline(t, pb, "ann", func(l []session.Snapshot) bool { return len(l) == 1 })
	// a freezes: its heartbeat stops, its row stays.
	a.cancel()
	a.wg.Wait()
	stopped := time.Now()
	waitOnline(t, pb, "nobody", func(l []session.Snapshot) bool { return len(l) == 0 })
	// Within NodeTimeout by design; the bound here leaves room for a
	// loaded machine (the end-to-end test checks the default 15 s).
	if d := time.Since(stopped); d > 5*fastConfig("").NodeTimeout {
		t.Errorf("a's callers left b's list %v after a stopped; want within about %v", d, fastConfig("").NodeTimeout)
	}
	// b reaps a's row; a's number 1 is free for b.
	deadline := time.Now().Add(5 * time.Second)
	for {
		k, err := b.Take()
		if err != nil {
			t.Fatal(err)
		}
		if k == 1 {
			break
		}
		b.Free(k)
		if time.Now().After(deadline) {
			t.Fatal("a's number was never freed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Free(1)
	// a wakes: its next write finds no row and writes itself in again,
	// its number with it; b sees ann again.
	if err := a.write(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.bus.Publish(events.Event{Topic: events.TopicCluster, Data: events.NodeSessions{}})
	waitOnline(t, pb, "ann again", func(l []session.Snapshot) bool { return len(l) == 1 })
}

// TestRestart: a node killed without leaving (its row and numbers left
// behind) starts again under its name at once, not after node_timeout.
func TestRestart(t *testing.T) {
	url := schema(t)
	a := joinRaw(t, url, fastConfig("a"))
	a.call(t, "ann")
	// Die: stop beating and drop the connections, leaving the row.
	a.cancel()
	a.wg.Wait()
	a.nameConn.Close()
	a.db.Close()
	a.bus.Close()
	again := join(t, url, Config{Name: "a", Heartbeat: time.Minute, NodeTimeout: 10 * time.Minute})
	if k, err := again.Take(); err != nil || k != 1 {
		t.Fatalf("Take() on the restarted node = %d, %v; want 1 (the dead run's number freed)", k, err)
	}
}

// TestNameTaken: a second live node of the same name is refused.
func TestNameTaken(t *testing.T) {
	url := schema(t)
	join(t, url, fastConfig("same"))
	bus, err := pgbus.Open(t.Context(), url, pgbus.Config{Node: "same"})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	_, err = Join(t.Context(), url, fastConfig("same"), &session.Registry{}, bus)
	if !errors.Is(err, ErrNameTaken) {
		t.Fatalf("Join = %v; want ErrNameTaken", err)
	}
}

// TestNameOtherSchema: a board in another schema of the same database
// may have a node of the same name.
func TestNameOtherSchema(t *testing.T) {
	join(t, schema(t), fastConfig("same"))
	join(t, schema(t), fastConfig("same"))
}

// TestNameLockRegained: a node whose name's lock went with its
// connection (a database restart) takes it again at its next heartbeat,
// and a newcomer of the same name is refused after that.
func TestNameLockRegained(t *testing.T) {
	url := schema(t)
	a := join(t, url, fastConfig("same"))
	// The server ends the connection that holds the lock.
	var pid int
	if err := a.nameConn.QueryRowContext(t.Context(), `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	admin := joinRaw(t, url, fastConfig("admin"))
	defer admin.leave(t)
	if _, err := admin.db.ExecContext(t.Context(), `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	// pg_terminate_backend only signals: until the backend has gone it
	// still holds the lock, which the loop below would take for a's.
	for gone := false; !gone; {
		if err := admin.db.QueryRowContext(t.Context(),
			`SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)`, pid).Scan(&gone); err != nil {
			t.Fatal(err)
		}
		if !gone {
			time.Sleep(10 * time.Millisecond)
		}
	}
	// Until a's next heartbeat the lock is free: wait until someone (a)
	// holds it again, testing it from another connection.
	var schema string
	if err := admin.db.QueryRowContext(t.Context(), `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	h := fnv.New32a()
	h.Write([]byte(schema + "/same"))
	conn, err := admin.db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var free bool
		if err := conn.QueryRowContext(t.Context(), `SELECT pg_try_advisory_lock($1, $2)`, nameLock, int32(h.Sum32())).Scan(&free); err != nil {
			t.Fatal(err)
		}
		if !free {
			break
		}
		conn.ExecContext(t.Context(), `SELECT pg_advisory_unlock($1, $2)`, nameLock, int32(h.Sum32()))
		if time.Now().After(deadline) {
			t.Fatal("a never took its name's lock again")
		}
		time.Sleep(20 * time.Millisecond)
	}
	bus, err := pgbus.Open(t.Context(), url, pgbus.Config{Node: "same"})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	if _, err = Join(t.Context(), url, fastConfig("same"), &session.Registry{}, bus); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("a newcomer's Join = %v; want ErrNameTaken", err)
	}
}

// fakeRooms is a node's chat rooms: its own members, and what it was
// told of the others'.
type fakeRooms struct {
	own    map[string]map[string]int
	mu     sync.Mutex
	remote map[string]map[string]map[string]int
}

func (f *fakeRooms) LocalMembers() map[string]map[string]int { return f.own }

func (f *fakeRooms) SetRemote(node string, m map[string]map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.remote == nil {
		f.remote = map[string]map[string]map[string]int{}
	}
	f.remote[node] = m
}

// TestRoomsShared: each node stores its rooms' members with its
// sessions, and the others are given them as they read.
func TestRoomsShared(t *testing.T) {
	url := schema(t)
	a, b := join(t, url, fastConfig("a")), join(t, url, fastConfig("b"))
	a.ShareRooms(&fakeRooms{own: map[string]map[string]int{"lounge": {"ann": 1}, "page:1:2:3": {"ann": 1}}})
	rb := &fakeRooms{}
	b.ShareRooms(rb)
	deadline := time.Now().Add(10 * time.Second)
	for {
		rb.mu.Lock()
		got := rb.remote["a"]
		rb.mu.Unlock()
		if got["lounge"]["ann"] == 1 && got["page:1:2:3"]["ann"] == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("b was told of a's rooms: %v", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestFileAreaLock: the file area's lock is held by one node at a time.
func TestFileAreaLock(t *testing.T) {
	url := schema(t)
	a, b := join(t, url, fastConfig("a")), join(t, url, fastConfig("b"))
	release, err := a.FileAreaLock()(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := b.FileAreaLock()(ctx); err == nil {
		t.Fatal("b took the lock a holds")
	}
	release()
	again, err := b.FileAreaLock()(t.Context())
	if err != nil {
		t.Fatalf("b after a released: %v", err)
	}
	again()
}
