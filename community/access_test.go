package community_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/store"
)

// An area the caller does not meet is neither listed nor open: every
// method answers as for an area that does not exist.
func TestMessageAreaAccess(t *testing.T) {
	f := newFixture(t, community.Config{Areas: []string{"general", "elite", "staff"},
		AreaNeeds: map[string]access.Need{"elite": {Level: 50}, "staff": {Group: "staff"}}})
	ctx := t.Context()
	sysop := f.svc.Messages.Reading(f.sysop("root"))
	post(t, sysop, community.Draft{Area: "elite", Subject: "Secret", Body: "for the elite"})
	post(t, sysop, community.Draft{Area: "staff", Subject: "Roster", Body: "for staff"})

	level := func(u *store.User, n int) *store.User { u.Level = n; return u }
	erin := level(f.user("erin"), 10)
	tests := []struct {
		name  string
		user  *store.User
		areas []string
	}{
		{"sysop", nil, []string{"general", "elite", "staff"}},
		{"level 10", erin, []string{"general"}},
		{"level 50", level(f.user("fred"), 50), []string{"general", "elite"}},
		{"staff", level(f.user("gina", "staff"), 10), []string{"general", "staff"}},
		{"unvalidated staff at 255", level(f.user("hal", "staff", store.GroupUnvalidated), 255), []string{"general"}},
		{"guest", anonymous, []string{"general"}},
	}
	for _, tt := range tests {
		r := sysop
		if tt.user != nil {
			r = f.svc.Messages.Reading(tt.user)
		}
		if got := r.Areas(); !slices.Equal(got, tt.areas) {
			t.Errorf("%s: Areas() = %v; want %v", tt.name, got, tt.areas)
		}
		for _, a := range []string{"general", "elite", "staff"} {
			want := slices.Contains(tt.areas, a)
			if got := f.svc.Messages.MayRead(tt.user, a); tt.user != nil && got != want {
				t.Errorf("%s: MayRead(%q) = %v; want %v", tt.name, a, got, want)
			}
		}
	}
	if !f.svc.Messages.MayRead(erin, community.MailArea) || f.svc.Messages.MayRead(erin, "nowhere") {
		t.Errorf("MayRead: mail must be open to all, an unknown area to none")
	}

	r := f.svc.Messages.Reading(erin)
	if _, _, err := r.Counts(ctx, "elite"); !errors.Is(err, community.ErrNoArea) {
		t.Errorf("Counts(elite) at level 10 = %v; want ErrNoArea", err)
	}
	if _, _, err := r.List(ctx, "elite"); !errors.Is(err, community.ErrNoArea) {
		t.Errorf("List(elite) at level 10 = %v; want ErrNoArea", err)
	}
	if err := r.MarkRead(ctx, "elite", 1, nil); !errors.Is(err, community.ErrNoArea) {
		t.Errorf("MarkRead(elite) at level 10 = %v; want ErrNoArea", err)
	}
	if _, err := r.Post(ctx, community.Draft{Area: "staff", Subject: "Hi", Body: "let me in"}); !errors.Is(err, community.ErrNoArea) {
		t.Errorf("Post(staff) outside the group = %v; want ErrNoArea", err)
	}
	// The unread counts leave out what the caller cannot read.
	if got := newCounts(t, r); got != "0/0" {
		t.Errorf("NewCounts() at level 10 = %s; want 0/0", got)
	}
	// A new level counts at once: the Reading reads the account it holds.
	erin.Level = 50
	if got := newCounts(t, r); got != "1/0" {
		t.Errorf("NewCounts() at level 50 = %s; want 1/0", got)
	}
	if got := counts(t, r, "elite"); got != "1/1" {
		t.Errorf("Counts(elite) at level 50 = %s; want 1/1", got)
	}
}

// An account awaiting validation reads what level 0 opens, but posts
// neither messages nor letters, whatever screen or script asks; once
// validated, it posts.
func TestUnvalidatedPosts(t *testing.T) {
	f := newFixture(t, community.Config{Areas: []string{"general", "elite"},
		AreaNeeds: map[string]access.Need{"elite": {Level: 50}}})
	ctx := t.Context()
	f.user("fred")
	ivy := f.user("ivy", store.GroupUnvalidated)
	ivy.Level = 10
	r := f.svc.Messages.Reading(ivy)
	post(t, f.svc.Messages.Reading(f.sysop("root")), community.Draft{Area: "general", Subject: "Welcome", Body: "hello all"})
	if msgs, _, err := r.List(ctx, "general"); err != nil || len(msgs) != 1 {
		t.Errorf("List(general) while unvalidated = %d messages, %v; want the one", len(msgs), err)
	}
	for _, d := range []community.Draft{
		{Area: "general", Subject: "Hi", Body: "first post"},
		{Area: community.MailArea, To: "fred", Subject: "Hi", Body: "a letter"},
	} {
		_, err := r.Post(ctx, d)
		if !errors.Is(err, access.ErrUnvalidated) || err.Error() != "Your account awaits a sysop's validation." {
			t.Errorf("Post(%q) while unvalidated = %v; want ErrUnvalidated", d.Area, err)
		}
	}
	if n := f.svc.Messages.Need("elite"); n != (access.Need{Level: 50}) {
		t.Errorf("Need(elite) = %+v; want level 50", n)
	}
	if n := f.svc.Messages.Need("general"); !n.IsZero() {
		t.Errorf("Need(general) = %+v; want nothing", n)
	}
	ivy.Groups = nil // validated
	if _, err := r.Post(ctx, community.Draft{Area: "general", Subject: "Hi", Body: "first post"}); err != nil {
		t.Errorf("Post(general) once validated = %v", err)
	}
}
