package community_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
)

// pageFixture has ann on node 1, Erin on node 2 and a caller who has not
// logged in on node 3.
func pageFixture(t *testing.T) (f *fixture, ann *store.User) {
	f = newFixture(t, community.Config{})
	ann = f.user("ann")
	f.user("Erin")
	for _, h := range []string{"ann", "Erin", ""} {
		f.online(h)
	}
	return f, ann
}

func TestPageRefusals(t *testing.T) {
	f, ann := pageFixture(t)
	tests := []struct {
		name             string
		from             *store.User
		fromNode, toNode int
		want             error
	}{
		{"nil pager", nil, 1, 2, community.ErrAnonymous},
		{"anonymous pager", anonymous, 1, 2, community.ErrAnonymous},
		{"empty node", ann, 1, 9, community.ErrNobodyThere},
		{"node 0", ann, 1, 0, community.ErrNobodyThere},
		{"own node", ann, 1, 1, community.ErrPageSelf},
		{"not logged in", ann, 1, 3, community.ErrNotLoggedIn},
	}
	rec := f.record(events.UserTopic("erin"), events.UserTopic("ann"), events.UserTopic(""))
	for _, tt := range tests {
		m, err := f.svc.Pages.Page(tt.from, tt.fromNode, tt.toNode)
		if !errors.Is(err, tt.want) || m != nil {
			t.Errorf("%s: Page(%v, %d, %d) = %v, %v; want nil, %v", tt.name, tt.from, tt.fromNode, tt.toNode, m, err, tt.want)
		}
	}
	if got := rec.payloads(); len(got) != 0 {
		t.Errorf("refused pages published %#v; want nothing", got)
	}
	// None of them counts as a page: ann may page now.
	m, err := f.svc.Pages.Page(ann, 1, 2)
	if err != nil {
		t.Fatalf("Page(ann, 1, 2) after refusals = %v; want no error", err)
	}
	m.Leave()
}

func TestPagePublishes(t *testing.T) {
	f, ann := pageFixture(t)
	rec := f.record(events.UserTopic(store.HandleKey("Erin")))
	m, err := f.svc.Pages.Page(ann, 1, 2)
	if err != nil {
		t.Fatalf("Page(ann, 1, 2) = %v; want no error", err)
	}
	defer m.Leave()
	if !community.IsPrivateRoom(m.Room()) {
		t.Errorf("Page(…).Room() = %q; want a private room", m.Room())
	}
	want := events.Page{From: "ann", FromNode: 1, Room: m.Room(), ToNode: 2}
	got := rec.payloads()
	if len(got) != 1 || got[0] != want {
		t.Fatalf("events on Erin's topic = %#v; want %#v", got, want)
	}
	// The pager waits in the room before the page goes out.
	if members := m.Members(); !slices.Equal(members, []string{"ann"}) {
		t.Errorf("Members() of the page's room = %q; want [ann]", members)
	}
	if !f.svc.Pages.Waiting(want) {
		t.Error("Waiting(page) = false with ann in the room; want true")
	}
	// Each page has a room of its own.
	rooms := map[string]bool{m.Room(): true}
	bob := f.user("bob")
	m2, err := f.svc.Pages.Page(bob, 3, 2)
	if err != nil {
		t.Fatalf("Page(bob, 3, 2) = %v; want no error (another pager)", err)
	}
	defer m2.Leave()
	if rooms[m2.Room()] {
		t.Errorf("two pages share the room %q", m2.Room())
	}
}

func TestPageEvery(t *testing.T) {
	f, ann := pageFixture(t)
	m, err := f.svc.Pages.Page(ann, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	m.Leave()
	shouting := *ann
	shouting.Handle = "ANN"
	tests := []struct {
		name             string
		from             *store.User
		fromNode, toNode int
	}{
		{"again", ann, 1, 2},
		{"from another node", ann, 3, 2},
		{"to another node", ann, 2, 1},
		{"under another case", &shouting, 1, 2},
	}
	for _, tt := range tests {
		m, err := f.svc.Pages.Page(tt.from, tt.fromNode, tt.toNode)
		var wait *community.WaitError
		if !errors.As(err, &wait) || m != nil {
			t.Errorf("%s: Page(%s, %d, %d) within PageEvery = %v, %v; want a *WaitError", tt.name, tt.from.Handle, tt.fromNode, tt.toNode, m, err)
			continue
		}
		if wait.Wait <= 0 || wait.Wait > community.PageEvery {
			t.Errorf("%s: Page(…).Wait = %v; want in (0, %v]", tt.name, wait.Wait, community.PageEvery)
		}
	}
	// The wait is the pager's.
	m, err = f.svc.Pages.Page(f.user("bob"), 3, 2)
	if err != nil {
		t.Errorf("Page(bob, 3, 2) right after ann's page = %v; want no error", err)
	} else {
		m.Leave()
	}
}

func TestPageDecline(t *testing.T) {
	f, ann := pageFixture(t)
	rec := f.record(events.UserTopic("erin"))
	m, err := f.svc.Pages.Page(ann, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Leave()
	pg := rec.payloads()[0].(events.Page)
	room := f.record(events.ChatTopic(pg.Room))
	f.svc.Pages.Decline(pg, "Erin")
	got := room.lines(t)
	want := events.ChatLine{Room: pg.Room, Handle: "Erin", Act: events.ChatDecline, Text: "Erin cannot chat now."}
	if len(got) != 1 || got[0].Room != want.Room || got[0].Handle != want.Handle || got[0].Act != want.Act || got[0].Text != want.Text {
		t.Fatalf("lines after Decline(page, Erin) = %+v; want %+v", got, want)
	}
	recent := m.Recent()
	if len(recent) == 0 || !sameLine(recent[len(recent)-1], got[0]) {
		t.Errorf("pager's Recent() after Decline = %+v; want it to end with %+v", recent, got[0])
	}
	if members := m.Members(); !slices.Equal(members, []string{"ann"}) {
		t.Errorf("Members() after Decline = %q; want [ann]", members)
	}
}

// A refusal that comes after the pager gave up is told no one, and
// leaves nothing behind in the private room.
func TestPageDeclineAfterPagerLeft(t *testing.T) {
	f, ann := pageFixture(t)
	rec := f.record(events.UserTopic("erin"))
	m, err := f.svc.Pages.Page(ann, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	pg := rec.payloads()[0].(events.Page)
	m.Leave()
	room := f.record(events.ChatTopic(pg.Room))
	f.svc.Pages.Decline(pg, "Erin")
	if got := room.payloads(); len(got) != 0 {
		t.Errorf("Decline after the pager left said %+v; want nothing", got)
	}
	later := f.svc.Pages.Answer(pg, "Erin")
	defer later.Leave()
	for _, l := range later.Recent() {
		if l.Act == events.ChatSystem {
			t.Errorf("the empty room kept %+v", l)
		}
	}
}

func TestPageAnswer(t *testing.T) {
	f, ann := pageFixture(t)
	rec := f.record(events.UserTopic("erin"))
	pager, err := f.svc.Pages.Page(ann, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	pg := rec.payloads()[0].(events.Page)
	room := f.record(events.ChatTopic(pg.Room))
	callee := f.svc.Pages.Answer(pg, "Erin")
	if callee.Room() != pg.Room {
		t.Errorf("Answer(page).Room() = %q; want %q", callee.Room(), pg.Room)
	}
	if got := room.lines(t); len(got) != 1 || got[0].Act != events.ChatJoin || got[0].Handle != "Erin" {
		t.Errorf("lines after Answer = %+v; want Erin's join line", got)
	}
	if members := pager.Members(); !slices.Equal(members, []string{"Erin", "ann"}) {
		t.Errorf("Members() after Answer = %q; want [Erin ann]", members)
	}
	if err := callee.Say("hi ann"); err != nil {
		t.Fatal(err)
	}
	if r := pager.Recent(); len(r) == 0 || r[len(r)-1].Text != "hi ann" {
		t.Errorf("pager's Recent() = %+v; want Erin's line last", r)
	}
	pager.Leave()
	if !f.svc.Pages.Waiting(pg) {
		t.Error("Waiting(page) = false with Erin still in the room; want true")
	}
	callee.Leave()
	if f.svc.Pages.Waiting(pg) {
		t.Error("Waiting(page) = true with the room empty; want false")
	}
	if r := pager.Recent(); len(r) != 0 {
		t.Errorf("the page's room after both left holds %+v; want nothing", r)
	}
}

func TestPagePagerGivesUp(t *testing.T) {
	f, ann := pageFixture(t)
	rec := f.record(events.UserTopic("erin"))
	m, err := f.svc.Pages.Page(ann, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	pg := rec.payloads()[0].(events.Page)
	if !f.svc.Pages.Waiting(pg) {
		t.Error("Waiting(page) = false before the pager left; want true")
	}
	m.Leave()
	if f.svc.Pages.Waiting(pg) {
		t.Error("Waiting(page) = true after the pager left; want false")
	}
	if members := f.svc.Chat.Members(pg.Room); len(members) != 0 {
		t.Errorf("Members() of the page's room after the pager left = %q; want none", members)
	}
}

func TestForNode(t *testing.T) {
	tests := []struct {
		toNode, node int
		want         bool
	}{
		{0, 1, true},
		{0, 7, true},
		{2, 2, true},
		{2, 3, false},
		{3, 2, false},
		{2, 0, false},
	}
	for _, tt := range tests {
		pg := events.Page{From: "ann", FromNode: 1, Room: "page:1:2:3", ToNode: tt.toNode}
		if got := community.ForNode(pg, tt.node); got != tt.want {
			t.Errorf("ForNode(Page{ToNode: %d}, %d) = %v; want %v", tt.toNode, tt.node, got, tt.want)
		}
	}
}
