package community_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
)

func TestChatJoin(t *testing.T) {
	f := newFixture(t, community.Config{})
	rec := f.record(events.ChatTopic(community.PublicRoom))
	before := time.Now()
	m := f.svc.Chat.Join(community.PublicRoom, "erin")
	defer m.Leave()
	if m.Room() != community.PublicRoom {
		t.Errorf("Join(%q).Room() = %q; want %q", community.PublicRoom, m.Room(), community.PublicRoom)
	}
	got := rec.lines(t)
	if len(got) != 1 || got[0].Room != community.PublicRoom || got[0].Handle != "erin" || got[0].Act != events.ChatJoin ||
		got[0].Text != "" || got[0].Seq == 0 || got[0].At.Before(before.Truncate(time.Millisecond)) {
		t.Errorf("lines published by Join(lounge, erin) = %+v; want one join line by erin, numbered and dated", got)
	}
	if got, want := f.svc.Chat.Members(community.PublicRoom), []string{"erin"}; !slices.Equal(got, want) {
		t.Errorf("Chat.Members(lounge) after Join = %q; want %q", got, want)
	}
	f.svc.Chat.Join(community.PublicRoom, "ann").Leave()
	f.svc.Chat.Join(community.PublicRoom, "zed")
	if got, want := m.Members(), []string{"erin", "zed"}; !slices.Equal(got, want) {
		t.Errorf("Member.Members() = %q; want %q (sorted)", got, want)
	}
	if got := f.svc.Chat.Members("elsewhere"); len(got) != 0 {
		t.Errorf("Chat.Members(an unused room) = %q; want none", got)
	}
}

func TestChatSayRules(t *testing.T) {
	f := newFixture(t, community.Config{})
	tests := []struct {
		text    string
		want    string
		wantErr error
	}{
		{"hello", "hello", nil},
		{"  \x1b[31mhello\x1b[0m  ", "hello", nil},
		{"\x1b]52;c;ZXZpbA==\x07hi \x1b[2J", "hi", nil},
		{"one\r\ntwo", "one  two", nil},
		{"", "", community.ErrEmpty},
		{" \t ", "", community.ErrEmpty},
		{"\x1b[2J\x07", "", community.ErrEmpty},
		{strings.Repeat("é", community.ChatLineMax), strings.Repeat("é", community.ChatLineMax), nil},
		{strings.Repeat("é", community.ChatLineMax+1), "", community.ErrTooLong},
	}
	for _, say := range []struct {
		name string
		act  string
		do   func(*community.Member, string) error
	}{
		{"Say", events.ChatSay, (*community.Member).Say},
		{"Act", events.ChatMe, (*community.Member).Act},
	} {
		for i, tt := range tests {
			room := fmt.Sprintf("%s-%d", say.name, i)
			m := f.svc.Chat.Join(room, "erin")
			rec := f.record(events.ChatTopic(room))
			err := say.do(m, tt.text)
			got := rec.lines(t)
			m.Leave()
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || len(got) != 0 {
					t.Errorf("%s(%q) = %v, publishing %+v; want %v and nothing", say.name, tt.text, err, got, tt.wantErr)
				}
				continue
			}
			if err != nil || len(got) != 1 || got[0].Text != tt.want || got[0].Act != say.act || got[0].Handle != "erin" || got[0].Room != room {
				t.Errorf("%s(%q) = %v, publishing %+v; want a %q line %q by erin", say.name, tt.text, err, got, say.act, tt.want)
			}
		}
	}
}

func TestChatRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, community.Config{})
	m := f.svc.Chat.Join("fast", "erin")
	defer m.Leave()
	// Refused lines cost nothing.
	m.Say("")
	m.Say(strings.Repeat("x", community.ChatLineMax+1))
	for i := range 5 {
		say := m.Say
		if i%2 == 1 {
			say = m.Act // one allowance for both
		}
		if err := say(fmt.Sprintf("line %d", i)); err != nil {
			t.Fatalf("line %d of a burst = %v; want no error", i+1, err)
		}
	}
	if err := m.Say("line 6"); !errors.Is(err, community.ErrTooFast) {
		t.Errorf("Say(6th line at once) = %v; want ErrTooFast", err)
	}
	if err := m.Act("waves"); !errors.Is(err, community.ErrTooFast) {
		t.Errorf("Act(7th line at once) = %v; want ErrTooFast", err)
	}
	// The allowance is the member's: another caller may talk.
	other := f.svc.Chat.Join("fast", "finn")
	defer other.Leave()
	if err := other.Say("hi"); err != nil {
		t.Errorf("Say(by another member) = %v; want no error", err)
	}
	// Then one line a second.
	time.Sleep(1100 * time.Millisecond)
	if err := m.Say("a second later"); err != nil {
		t.Errorf("Say(a second later) = %v; want no error", err)
	}
	if err := m.Say("and again"); !errors.Is(err, community.ErrTooFast) {
		t.Errorf("Say(right after that) = %v; want ErrTooFast", err)
	}
}

func TestChatSeqAndHistory(t *testing.T) {
	f := newFixture(t, community.Config{})
	const room = "history"
	rec := f.record(events.ChatTopic(room))
	// Enough members, each within their allowance, to say more than a
	// room keeps.
	var members []*community.Member
	for i := range 13 {
		members = append(members, f.svc.Chat.Join(room, fmt.Sprintf("u%02d", i)))
	}
	for i, m := range members {
		for j := range 5 {
			if err := m.Say(fmt.Sprintf("u%02d line %d", i, j)); err != nil {
				t.Fatal(err)
			}
		}
	}
	said := rec.lines(t)
	if len(said) != 13+13*5 {
		t.Fatalf("published %d lines; want %d", len(said), 13+13*5)
	}
	for i := 1; i < len(said); i++ {
		if said[i].Seq <= said[i-1].Seq {
			t.Errorf("line %d has Seq %d after %d; want increasing in the order said", i, said[i].Seq, said[i-1].Seq)
		}
	}
	recent := members[0].Recent()
	if len(recent) != community.ChatHistory {
		t.Fatalf("Recent() holds %d lines; want ChatHistory (%d)", len(recent), community.ChatHistory)
	}
	want := said[len(said)-community.ChatHistory:]
	for i := range recent {
		if !sameLine(recent[i], want[i]) {
			t.Errorf("Recent()[%d] = %+v; want %+v (the last %d lines, oldest first)", i, recent[i], want[i], community.ChatHistory)
		}
	}
	// Recent is a copy.
	recent[0].Text = "changed"
	if members[1].Recent()[0].Text == "changed" {
		t.Error("changing Recent()'s result changed the room's history")
	}
	for _, m := range members {
		m.Leave()
	}
}

func TestChatLeave(t *testing.T) {
	f := newFixture(t, community.Config{})
	const room = "leaving"
	stay := f.svc.Chat.Join(room, "ann")
	defer stay.Leave()
	m := f.svc.Chat.Join(room, "erin")
	rec := f.record(events.ChatTopic(room))
	m.Leave()
	got := rec.lines(t)
	if len(got) != 1 || got[0].Act != events.ChatLeave || got[0].Handle != "erin" || got[0].Room != room {
		t.Errorf("lines published by Leave() = %+v; want one leave line by erin", got)
	}
	if got, want := f.svc.Chat.Members(room), []string{"ann"}; !slices.Equal(got, want) {
		t.Errorf("Members() after erin's Leave = %q; want %q", got, want)
	}
	rec.reset()
	m.Leave()
	if got := rec.lines(t); len(got) != 0 {
		t.Errorf("lines published by a second Leave() = %+v; want none", got)
	}
	if got, want := f.svc.Chat.Members(room), []string{"ann"}; !slices.Equal(got, want) {
		t.Errorf("Members() after a second Leave = %q; want %q", got, want)
	}
}

func TestChatOneUserTwoSessions(t *testing.T) {
	f := newFixture(t, community.Config{})
	const room = "twice"
	a := f.svc.Chat.Join(room, "erin")
	b := f.svc.Chat.Join(room, "erin")
	if got, want := f.svc.Chat.Members(room), []string{"erin"}; !slices.Equal(got, want) {
		t.Errorf("Members() with erin in twice = %q; want %q", got, want)
	}
	a.Leave()
	a.Leave() // once is enough: it must not take b out
	if got, want := f.svc.Chat.Members(room), []string{"erin"}; !slices.Equal(got, want) {
		t.Errorf("Members() after one of erin's sessions left = %q; want %q", got, want)
	}
	b.Leave()
	if got := f.svc.Chat.Members(room); len(got) != 0 {
		t.Errorf("Members() after both left = %q; want none", got)
	}
}

func TestChatPrivateRoomForgets(t *testing.T) {
	tests := []struct {
		room    string
		private bool
	}{
		{community.PublicRoom, false},
		{"page:1:2:3", true},
		{"page:", true},
		{"pager", false},
		{"lounge:page:", false},
	}
	for _, tt := range tests {
		if got := community.IsPrivateRoom(tt.room); got != tt.private {
			t.Errorf("IsPrivateRoom(%q) = %v; want %v", tt.room, got, tt.private)
		}
	}

	f := newFixture(t, community.Config{})
	for _, tt := range tests[:2] {
		m := f.svc.Chat.Join(tt.room, "erin")
		if err := m.Say("remember me"); err != nil {
			t.Fatal(err)
		}
		m.Leave()
		again := f.svc.Chat.Join(tt.room, "finn")
		kept := slices.ContainsFunc(again.Recent(), func(l events.ChatLine) bool { return l.Text == "remember me" })
		if kept == tt.private {
			t.Errorf("room %q: a line said before it emptied kept = %v; want %v", tt.room, kept, !tt.private)
		}
		if n := len(again.Recent()); tt.private && n != 1 {
			t.Errorf("private room %q after it emptied and finn joined holds %d lines; want 1 (finn's join)", tt.room, n)
		}
		again.Leave()
	}
	// Not while someone is still there.
	const room = "page:9:8:7"
	ann := f.svc.Chat.Join(room, "ann")
	erin := f.svc.Chat.Join(room, "erin")
	ann.Say("still here?")
	ann.Leave()
	if !slices.ContainsFunc(erin.Recent(), func(l events.ChatLine) bool { return l.Text == "still here?" }) {
		t.Errorf("private room with erin still in it lost its history: %+v", erin.Recent())
	}
	erin.Leave()
}

// TestChatConcurrentOrder: members talking at once, each on their own
// goroutine, and subscribers hear every line once, decoded, in the order
// of Seq, which is the order of the history.
func TestChatConcurrentOrder(t *testing.T) {
	f := newFixture(t, community.Config{})
	const room, talkers, each = "busy", 8, 5
	rec := f.record(events.ChatTopic(room))
	// A second subscriber hears the same.
	rec2 := f.record(events.ChatTopic(room))
	other := f.record(events.ChatTopic("other"))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range talkers {
		m := f.svc.Chat.Join(room, fmt.Sprintf("t%d", i))
		wg.Go(func() {
			defer m.Leave()
			<-start
			for j := range each {
				if err := m.Say(fmt.Sprintf("t%d:%d", i, j)); err != nil {
					t.Errorf("t%d Say(line %d) = %v", i, j, err)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	got := rec.lines(t)
	if want := talkers * (each + 2); len(got) != want { // join, lines, leave
		t.Fatalf("subscriber got %d lines; want %d", len(got), want)
	}
	next := map[string]int{}
	for i, l := range got {
		if i > 0 && l.Seq <= got[i-1].Seq {
			t.Errorf("line %d delivered with Seq %d after Seq %d; want Seq in the order of delivery", i, l.Seq, got[i-1].Seq)
		}
		if l.Act != events.ChatSay {
			continue
		}
		if want := fmt.Sprintf("%s:%d", l.Handle, next[l.Handle]); l.Text != want {
			t.Errorf("line %d = %q; want %q (each member's lines in the order said)", i, l.Text, want)
		}
		next[l.Handle]++
	}
	got2 := rec2.lines(t)
	if len(got2) != len(got) {
		t.Fatalf("second subscriber got %d lines; want %d", len(got2), len(got))
	}
	for i := range got {
		if !sameLine(got[i], got2[i]) {
			t.Errorf("subscribers disagree on line %d: %+v and %+v", i, got[i], got2[i])
		}
	}
	if n := len(other.events()); n != 0 {
		t.Errorf("another room's subscriber got %d lines; want none", n)
	}
	// The history is the last lines in the same order.
	recent := f.svc.Chat.Join(room, "late").Recent()
	tail := got[len(got)-(community.ChatHistory-1):]
	for i, l := range tail {
		if !sameLine(recent[i], l) {
			t.Errorf("Recent()[%d] = %+v; want %+v, as delivered", i, recent[i], l)
		}
	}
}

// In a crowded room, arrivals and departures are summed up: the first at
// once, then one line per window naming the first of the others; a quiet
// window ends that, and a small room hears of everyone at once.
func TestChatCrowd(t *testing.T) {
	const every = 200 * time.Millisecond
	f := newFixture(t, community.Config{ChatCrowd: 3, ChatCrowdEvery: every})
	rec := f.record(events.ChatTopic("hall"))
	describe := func(ls []events.ChatLine) []string {
		var out []string
		for _, l := range ls {
			out = append(out, fmt.Sprintf("%d %s %s+%d", l.Seq, l.Act, l.Handle, l.Others))
		}
		return out
	}
	var members []*community.Member
	for i := range 3 { // not crowded yet
		members = append(members, f.svc.Chat.Join("hall", fmt.Sprintf("u%d", i)))
	}
	want := []string{"1 join u0+0", "2 join u1+0", "3 join u2+0"}
	if got := describe(rec.lines(t)); !slices.Equal(got, want) {
		t.Fatalf("lines for 3 arrivals in a room of 3 = %q; want %q", got, want)
	}
	start := time.Now()
	for i := 3; i < 10; i++ { // u3 makes a crowd: told at once, the others summed
		members = append(members, f.svc.Chat.Join("hall", fmt.Sprintf("u%d", i)))
	}
	members[0].Leave()
	members[1].Leave()
	if got, want := describe(rec.lines(t)), append(want, "4 join u3+0"); !slices.Equal(got, want) || time.Since(start) > every/2 {
		t.Fatalf("lines at once for 8 moves in a crowded room = %q; want %q (then a summary)", got, want)
	}
	want = append(want, "4 join u3+0", "5 join u4+5", "6 leave u0+1")
	waitLines := func(want []string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !slices.Equal(describe(rec.lines(t)), want) {
			if time.Now().After(deadline) {
				t.Fatalf("lines = %q; want %q", describe(rec.lines(t)), want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitLines(want)
	if n := f.svc.Chat.Members("hall"); len(n) != 8 {
		t.Errorf("members after 10 joins and 2 leaves = %q; want 8", n)
	}
	// After a quiet window, the next arrival is told at once again.
	time.Sleep(3 * every)
	members = append(members, f.svc.Chat.Join("hall", "late"))
	want = append(want, "7 join late+0")
	if got := describe(rec.lines(t)); !slices.Equal(got, want) {
		t.Errorf("lines after a quiet while = %q; want %q", got, want)
	}
	for _, m := range members {
		m.Leave()
	}
	time.Sleep(3 * every) // the last summary is said before the test ends
}

// Each room numbers its lines 1, 2, 3…, so that a screen can tell how
// many it missed.
func TestChatSeqPerRoom(t *testing.T) {
	f := newFixture(t, community.Config{})
	a := f.svc.Chat.Join("a", "erin")
	defer a.Leave()
	b := f.svc.Chat.Join("b", "finn")
	defer b.Leave()
	a.Say("one")
	b.Say("one")
	a.Say("two")
	for _, tt := range []struct {
		m    *community.Member
		want []uint64
	}{{a, []uint64{1, 2, 3}}, {b, []uint64{1, 2}}} {
		var got []uint64
		for _, l := range tt.m.Recent() {
			got = append(got, l.Seq)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("room %q numbers its lines %v; want %v", tt.m.Room(), got, tt.want)
		}
		if n := tt.m.Count(); n != 1 {
			t.Errorf("room %q Count() = %d; want 1", tt.m.Room(), n)
		}
	}
}
