package community_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
)

func TestOnelinerDelete(t *testing.T) {
	f := newFixture(t, community.Config{OnelinerInterval: -1})
	ann, sysop := f.user("ann"), f.sysop("root")
	keep, err := f.svc.Oneliners.Post(t.Context(), ann, "keep")
	if err != nil {
		t.Fatal(err)
	}
	spam, err := f.svc.Oneliners.Post(t.Context(), ann, "spam")
	if err != nil {
		t.Fatal(err)
	}
	// The wall is read (and kept) before the delete: the delete must
	// make it stale.
	if list, _ := f.svc.Oneliners.List(t.Context(), 10); len(list) != 2 {
		t.Fatalf("List = %+v; want 2 one-liners", list)
	}
	rec := f.record(events.TopicOneliner)
	tests := []struct {
		name string
		by   *store.User
		id   int64
		want error
	}{
		{"a caller", ann, spam.ID, community.ErrNotAllowed},
		{"anonymous", anonymous, spam.ID, community.ErrNotAllowed},
		{"nobody", nil, spam.ID, community.ErrNotAllowed},
		{"the sysop", sysop, spam.ID, nil},
		{"gone already", sysop, spam.ID, store.ErrNotFound},
	}
	for _, tt := range tests {
		if err := f.svc.Oneliners.Delete(t.Context(), tt.by, tt.id); !errors.Is(err, tt.want) {
			t.Errorf("%s: Delete(%d) = %v; want %v", tt.name, tt.id, err, tt.want)
		}
	}
	list, err := f.svc.Oneliners.List(t.Context(), 10)
	if err != nil || len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("List after Delete = %+v, %v; want only %q", list, err, keep.Text)
	}
	if got := rec.payloads(); len(got) != 1 || got[0] != (events.OnelinerPosted{ID: spam.ID}) {
		t.Errorf("events after Delete = %#v; want OnelinerPosted{%d}", got, spam.ID)
	}
}

func TestMessagePage(t *testing.T) {
	f := newFixture(t, community.Config{})
	ann, sysop := f.user("ann"), f.sysop("root")
	r := f.svc.Messages.Reading(ann)
	var ids []int64
	for _, s := range []string{"one", "two", "three"} {
		ids = append(ids, post(t, r, community.Draft{Area: "general", Subject: s, Body: s}).ID)
	}
	post(t, r, community.Draft{Area: "x84", Subject: "elsewhere", Body: "x"})
	post(t, r, community.Draft{Area: community.MailArea, To: "root", Subject: "private", Body: "x"})
	tests := []struct {
		name      string
		by        *store.User
		area      string
		after     int64
		limit     int
		want      []int64
		wantTotal int
		err       error
	}{
		{"first page", sysop, "general", 0, 2, ids[:2], 3, nil},
		{"next page", sysop, "general", ids[1], 2, ids[2:], 1, nil},
		{"past the end", sysop, "general", ids[2], 2, nil, 0, nil},
		{"limit 0 is 1", sysop, "general", 0, 0, ids[:1], 3, nil},
		{"letters are not an area", sysop, community.MailArea, 0, 10, nil, 0, community.ErrNoArea},
		{"no such area", sysop, "nope", 0, 10, nil, 0, community.ErrNoArea},
		{"a caller", ann, "general", 0, 10, nil, 0, community.ErrNotAllowed},
	}
	for _, tt := range tests {
		list, total, err := f.svc.Messages.Page(t.Context(), tt.by, tt.area, tt.after, tt.limit)
		var got []int64
		for _, m := range list {
			got = append(got, m.ID)
		}
		if !errors.Is(err, tt.err) || total != tt.wantTotal || !slices.Equal(got, tt.want) {
			t.Errorf("%s: Page(%q, %d, %d) = %v, %d, %v; want %v, %d, %v", tt.name, tt.area, tt.after, tt.limit, got, total, err, tt.want, tt.wantTotal, tt.err)
		}
	}
}

func TestMessageModeratorDelete(t *testing.T) {
	f := newFixture(t, community.Config{})
	ann, sysop := f.user("ann"), f.sysop("root")
	m := post(t, f.svc.Messages.Reading(ann), community.Draft{Area: "general", Subject: "spam", Body: "buy"})
	other := f.user("bob")
	rec := f.record(events.TopicMessage)
	tests := []struct {
		name string
		by   *store.User
		id   int64
		want error
	}{
		{"another caller", other, m.ID, community.ErrNotAllowed},
		{"the sysop", sysop, m.ID, nil},
		{"gone already", sysop, m.ID, store.ErrNotFound},
	}
	for _, tt := range tests {
		if err := f.svc.Messages.Delete(t.Context(), tt.by, tt.id); !errors.Is(err, tt.want) {
			t.Errorf("%s: Delete(%d) = %v; want %v", tt.name, tt.id, err, tt.want)
		}
	}
	if _, err := f.st.Messages.Message(t.Context(), m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Message(%d) after Delete = %v; want ErrNotFound", m.ID, err)
	}
	if got := rec.payloads(); len(got) != 1 || got[0] != (events.MessageChanged{ID: m.ID}) {
		t.Errorf("events after Delete = %#v; want MessageChanged{%d}", got, m.ID)
	}
}
