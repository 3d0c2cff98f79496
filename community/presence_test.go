package community_test

import (
	"reflect"
	"testing"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/session"
)

// presenceFixture has erin on nodes 1 and 3, finn on 2 and a caller who
// has not logged in on 4.
func presenceFixture(t *testing.T) (*fixture, community.Presence) {
	f := newFixture(t, community.Config{})
	for _, h := range []string{"erin", "finn", "erin", ""} {
		f.online(h)
	}
	return f, f.svc.Presence
}

func TestPresenceOnline(t *testing.T) {
	f := newFixture(t, community.Config{})
	p := community.NewLocalPresence(f.reg)
	if got := p.Online(); len(got) != 0 {
		t.Errorf("Online() with no sessions = %+v; want none", got)
	}
	_, p2 := presenceFixture(t)
	got := p2.Online()
	want := []struct {
		node int
		user string
	}{{1, "erin"}, {2, "finn"}, {3, "erin"}, {4, ""}}
	if len(got) != len(want) {
		t.Fatalf("Online() = %d sessions; want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Node != w.node || got[i].User != w.user {
			t.Errorf("Online()[%d] = node %d, user %q; want node %d, user %q", i, got[i].Node, got[i].User, w.node, w.user)
		}
	}
}

func TestPresenceLookup(t *testing.T) {
	_, p := presenceFixture(t)
	tests := []struct {
		node   int
		wantOK bool
		user   string
	}{
		{1, true, "erin"},
		{2, true, "finn"},
		{4, true, ""},
		{0, false, ""},
		{5, false, ""},
		{-1, false, ""},
	}
	for _, tt := range tests {
		s, ok := p.Lookup(tt.node)
		if ok != tt.wantOK || s.User != tt.user || (ok && s.Node != tt.node) {
			t.Errorf("Lookup(%d) = node %d, user %q, %v; want node %d, user %q, %v", tt.node, s.Node, s.User, ok, tt.node, tt.user, tt.wantOK)
		}
		if !ok && !reflect.DeepEqual(s, session.Snapshot{}) {
			t.Errorf("Lookup(%d) of no one = %+v; want a zero Snapshot", tt.node, s)
		}
	}
}

func TestPresenceDisconnect(t *testing.T) {
	f := newFixture(t, community.Config{})
	p := f.svc.Presence
	tt := f.online("finn")
	if p.Disconnect(2, "Goodbye.") {
		t.Error("Disconnect(an empty node) = true; want false")
	}
	if !p.Disconnect(1, "Goodbye, finn.") {
		t.Error("Disconnect(finn's node) = false; want true")
	}
	tt.WaitFor("Goodbye, finn.")
	f.waitSessions(0)
	if p.Disconnect(1, "Again.") {
		t.Error("Disconnect(a node whose caller left) = true; want false")
	}
}

func TestPresenceDisconnectUser(t *testing.T) {
	f := newFixture(t, community.Config{})
	p := f.svc.Presence
	erin1, finn, erin2, nobody := f.online("erin"), f.online("finn"), f.online("erin"), f.online("")
	if n := p.DisconnectUser("ghost", "Bye."); n != 0 {
		t.Errorf("DisconnectUser(ghost) = %d; want 0", n)
	}
	if n := p.DisconnectUser("", "Bye."); n != 0 {
		t.Errorf("DisconnectUser(\"\") = %d; want 0 (a caller not logged in is no one's)", n)
	}
	if n := p.DisconnectUser("ERIN", "Your account is locked."); n != 2 {
		t.Errorf("DisconnectUser(ERIN) = %d; want 2 (erin's two sessions)", n)
	}
	erin1.WaitFor("Your account is locked.")
	erin2.WaitFor("Your account is locked.")
	f.waitSessions(2)
	got := p.Online()
	if len(got) != 2 || got[0].User != "finn" || got[1].User != "" {
		t.Errorf("Online() after erin was disconnected = %+v; want finn and the caller not logged in", got)
	}
	for _, tt := range []struct {
		name string
		raw  []byte
	}{{"finn", finn.Raw()}, {"the caller not logged in", nobody.Raw()}} {
		if len(tt.raw) != 0 {
			t.Errorf("%s got %q; want nothing", tt.name, tt.raw)
		}
	}
}
