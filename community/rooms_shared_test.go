package community

import (
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/x84bbs/x84/events"
)

// fakeCluster delivers every event to every node, in one order, as the
// cluster's bus does.
type fakeCluster struct {
	mu    sync.Mutex
	nodes []*fakeNode
}

type fakeNode struct {
	c      *fakeCluster
	local  events.Local
	arrive func(events.Event) (events.Event, bool)
}

func (c *fakeCluster) node(name string) *fakeNode {
	n := &fakeNode{c: c}
	n.local.Node = name
	c.nodes = append(c.nodes, n)
	return n
}

func (n *fakeNode) Publish(ev events.Event) {
	ev.Node = n.local.Node
	n.c.mu.Lock()
	defer n.c.mu.Unlock()
	for _, m := range n.c.nodes {
		e, ok := ev, true
		if m.arrive != nil {
			e, ok = m.arrive(ev)
		}
		if ok {
			m.local.Deliver(e)
		}
	}
}

func (n *fakeNode) Subscribe(topic string, f func(events.Event)) func() {
	return n.local.Subscribe(topic, f)
}

func (n *fakeNode) SetArrive(f func(events.Event) (events.Event, bool)) { n.arrive = f }

// TestSharedRooms: lines said on two nodes are numbered alike on both, in
// the one order the bus gives, and each node keeps the same history; a
// private room no one on a node is in takes no lines there.
func TestSharedRooms(t *testing.T) {
	var c fakeCluster
	na, nb := c.node("a"), c.node("b")
	ra, rb := NewSharedRooms(na, "a"), NewSharedRooms(nb, "b")
	na.SetArrive(ra.arrive)
	nb.SetArrive(rb.arrive)
	ra.Enter("lounge", "ann")
	rb.Enter("lounge", "ben")
	var got []events.ChatLine
	nb.Subscribe(events.ChatTopic("lounge"), func(ev events.Event) { got = append(got, ev.Data.(events.ChatLine)) })
	var wg sync.WaitGroup
	for _, x := range []struct {
		r    *LocalRooms
		who  string
		said int
	}{{ra, "ann", 50}, {rb, "ben", 50}} {
		wg.Go(func() {
			for range x.said {
				x.r.Say(events.ChatLine{Room: "lounge", Handle: x.who, Text: "hi", Act: events.ChatSay})
			}
		})
	}
	wg.Wait()
	if len(got) != 100 {
		t.Fatalf("ben got %d lines; want 100", len(got))
	}
	for i, l := range got {
		if l.Seq != uint64(i+1) {
			t.Fatalf("line %d has Seq %d", i, l.Seq)
		}
	}
	if !slices.Equal(ra.Recent("lounge"), rb.Recent("lounge")) || len(ra.Recent("lounge")) != ChatHistory {
		t.Errorf("the nodes keep different histories")
	}
	// Members come from the join and leave lines of the other node.
	rb.Say(events.ChatLine{Room: "lounge", Handle: "ben", Act: events.ChatJoin})
	if n, m := ra.Count("lounge"), ra.Members("lounge"); n != 2 || !slices.Equal(m, []string{"ann", "ben"}) {
		t.Errorf("a sees %d in the lounge: %v; want ann and ben", n, m)
	}
	rb.Say(events.ChatLine{Room: "lounge", Handle: "ben", Act: events.ChatLeave})
	if n := ra.Count("lounge"); n != 1 {
		t.Errorf("Count on a after ben left = %d; want 1", n)
	}
	rb.Say(events.ChatLine{Room: "lounge", Handle: "cid", Act: events.ChatJoin, Others: 4})
	if n := ra.Count("lounge"); n != 6 {
		t.Errorf("Count on a after a crowd came = %d; want 6", n)
	}
	// b's own account, as its node stores it, corrects a's counts.
	ra.SetRemote("b", map[string]map[string]int{"lounge": {"ben": 1, "cid": 2}})
	if n, m := ra.Count("lounge"), ra.Members("lounge"); n != 4 || !slices.Equal(m, []string{"ann", "ben", "cid"}) {
		t.Errorf("a after b's account: %d in the lounge, %v; want 4: ann, ben, cid", n, m)
	}
	if got := rb.LocalMembers(); !maps.Equal(got["lounge"], map[string]int{"ben": 1}) {
		t.Errorf("b's own members: %v", got)
	}
	ra.ForgetNode("b")
	if n := ra.Count("lounge"); n != 1 {
		t.Errorf("Count on a after b left the cluster = %d; want 1", n)
	}

	// ann pages from a; ben on b has not entered the private room yet.
	ra.Enter("page:1:2:7", "ann")
	ra.Say(events.ChatLine{Room: "page:1:2:7", Handle: "ann", Text: "anyone?", Act: events.ChatSay})
	if h := rb.Recent("page:1:2:7"); h != nil {
		t.Errorf("b kept %d lines of a private room no one there is in", len(h))
	}
	rb.Enter("page:1:2:7", "ben")
	ra.Say(events.ChatLine{Room: "page:1:2:7", Handle: "ann", Text: "there you are", Act: events.ChatSay})
	if h := rb.Recent("page:1:2:7"); len(h) != 1 || h[0].Text != "there you are" {
		t.Errorf("b's private room holds %+v", h)
	}
}
