package community_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
)

func TestBroadcastRules(t *testing.T) {
	f := newFixture(t, community.Config{})
	root := f.sysop("root")
	erin := f.user("erin")
	// A sysop in other groups too.
	both := f.user("both", "friends", store.GroupSysop)
	long := strings.Repeat("é", community.BroadcastMax)
	tests := []struct {
		name    string
		from    *store.User
		text    string
		want    string
		wantErr error
	}{
		{"console", nil, "Going down at noon", "Going down at noon", nil},
		{"sysop", root, "Going down at noon", "Going down at noon", nil},
		{"sysop among other groups", both, "hi", "hi", nil},
		{"sanitised", nil, "\x1b]52;c;ZXZpbA==\x07hi \x1b[2J", "hi", nil},
		{"trimmed", root, "  \x1b[1mBack soon\x1b[0m \r\n", "Back soon", nil},
		{"longest", nil, long, long, nil},
		{"empty", nil, "", "", community.ErrEmpty},
		{"only control sequences", root, " \x1b[2J\x07 ", "", community.ErrEmpty},
		{"too long", nil, long + "é", "", community.ErrTooLong},
		{"not a sysop", erin, "hello all", "", community.ErrNotAllowed},
		{"anonymous", anonymous, "hello all", "", community.ErrNotAllowed},
		{"anonymous in the sysop group", &store.User{Handle: "anonymous", Groups: []string{store.GroupSysop}}, "hello all", "", community.ErrNotAllowed},
	}
	for _, tt := range tests {
		rec := f.record(events.TopicBroadcast)
		n, err := f.svc.Broadcasts.Send(tt.from, tt.text)
		got := rec.payloads()
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) || n != 0 || len(got) != 0 {
				t.Errorf("%s: Send(%q) = %d, %v, publishing %#v; want 0, %v and nothing", tt.name, tt.text, n, err, got, tt.wantErr)
			}
			continue
		}
		if err != nil || len(got) != 1 || got[0] != (events.Broadcast{Text: tt.want}) {
			t.Errorf("%s: Send(%q) = %v, publishing %#v; want Broadcast{%q}", tt.name, tt.text, err, got, tt.want)
		}
	}
}

func TestBroadcastCountsSessions(t *testing.T) {
	f := newFixture(t, community.Config{})
	if n, err := f.svc.Broadcasts.Send(nil, "anyone?"); err != nil || n != 0 {
		t.Errorf("Send() with no one online = %d, %v; want 0", n, err)
	}
	f.online("erin")
	f.online("") // not logged in yet, but online
	f.online("erin")
	if n, err := f.svc.Broadcasts.Send(nil, "hello"); err != nil || n != 3 {
		t.Errorf("Send() with 3 sessions online = %d, %v; want 3", n, err)
	}
}
