package community_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
)

func TestPollCreate(t *testing.T) {
	f := newFixture(t, community.Config{})
	root := f.sysop("root")
	answers := func(n int) []string {
		var a []string
		for i := range n {
			a = append(a, fmt.Sprintf("answer %d", i+1))
		}
		return a
	}
	tests := []struct {
		name        string
		by          *store.User
		question    string
		answers     []string
		wantQ       string
		wantAnswers []string
		wantErr     error
	}{
		{"sysop", root, "Best editor?", []string{"vi", "emacs"}, "Best editor?", []string{"vi", "emacs"}, nil},
		{"sanitised", root, "\x1b[1m Best editor? \x1b[0m\x07", []string{" \x1b[31mvi\x1b[0m ", "  ", "\x1b[2J", "", "emacs\x07", "\tnano"},
			"Best editor?", []string{"vi", "emacs", "nano"}, nil},
		{"most answers", root, "Pick", answers(store.MaxPollOptions), "Pick", answers(store.MaxPollOptions), nil},
		{"longest", root, strings.Repeat("é", community.QuestionMax), []string{strings.Repeat("é", community.AnswerMax), "b"},
			strings.Repeat("é", community.QuestionMax), []string{strings.Repeat("é", community.AnswerMax), "b"}, nil},
		{"blanks do not count", root, "Pick", append(answers(store.MaxPollOptions), " ", "\x1b[2J"), "Pick", answers(store.MaxPollOptions), nil},
		{"not a sysop", f.user("erin"), "Best editor?", []string{"vi", "emacs"}, "", nil, community.ErrNotAllowed},
		{"nil user", nil, "Best editor?", []string{"vi", "emacs"}, "", nil, community.ErrNotAllowed},
		{"anonymous in the sysop group", &store.User{Handle: "anonymous", Groups: []string{store.GroupSysop}}, "Best editor?", []string{"vi", "emacs"}, "", nil, community.ErrNotAllowed},
		{"no question", root, "", []string{"vi", "emacs"}, "", nil, community.ErrEmpty},
		{"blank question", root, " \x1b[2J ", []string{"vi", "emacs"}, "", nil, community.ErrEmpty},
		{"one answer", root, "Best editor?", []string{"vi"}, "", nil, community.ErrTooFewAnswers},
		{"one answer left", root, "Best editor?", []string{"vi", " ", "\x1b[0m"}, "", nil, community.ErrTooFewAnswers},
		{"no answers", root, "Best editor?", nil, "", nil, community.ErrTooFewAnswers},
		{"long question", root, strings.Repeat("é", community.QuestionMax+1), []string{"vi", "emacs"}, "", nil, community.ErrTooLong},
		{"long answer", root, "Best editor?", []string{"vi", strings.Repeat("é", community.AnswerMax+1)}, "", nil, community.ErrTooLong},
		{"too many answers", root, "Pick", answers(store.MaxPollOptions + 1), "", nil, community.ErrTooLong},
	}
	for _, tt := range tests {
		p, err := f.svc.Polls.Create(t.Context(), tt.by, tt.question, tt.answers)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) || p != nil {
				t.Errorf("%s: Create(%q, %q) = %v, %v; want nil, %v", tt.name, tt.question, tt.answers, p, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Create(%q, %q) = %v; want no error", tt.name, tt.question, tt.answers, err)
			continue
		}
		stored, err := f.st.Polls.Poll(t.Context(), p.ID)
		if err != nil {
			t.Fatalf("%s: poll %d is not stored: %v", tt.name, p.ID, err)
		}
		for _, got := range []*store.Poll{p, stored} {
			if got.Question != tt.wantQ || !slices.Equal(got.Options, tt.wantAnswers) || got.Author != "root" {
				t.Errorf("%s: Create(%q, %q) = %+v; want %q %q by root", tt.name, tt.question, tt.answers, got, tt.wantQ, tt.wantAnswers)
			}
		}
	}
	// Only the polls created are listed.
	list, err := f.svc.Polls.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 {
		t.Errorf("List() after 5 polls created = %d polls; want 5", len(list))
	}
}

func TestPollVote(t *testing.T) {
	f := newFixture(t, community.Config{})
	root := f.sysop("root")
	ann, bob, cat := f.user("ann"), f.user("bob"), f.user("cat")
	p, err := f.svc.Polls.Create(t.Context(), root, "Best editor?", []string{"vi", "emacs", "nano"})
	if err != nil {
		t.Fatal(err)
	}
	rec := f.record(events.TopicVote)
	refusals := []struct {
		name   string
		u      *store.User
		answer int
		want   error
	}{
		{"nil user", nil, 0, community.ErrAnonymous},
		{"anonymous", anonymous, 0, community.ErrAnonymous},
		{"answer -1", ann, -1, community.ErrNotAllowed},
		{"answer past the last", ann, 3, community.ErrNotAllowed},
	}
	for _, tt := range refusals {
		if err := f.svc.Polls.Vote(t.Context(), tt.u, 1, p.ID, tt.answer); !errors.Is(err, tt.want) {
			t.Errorf("%s: Vote(answer %d) = %v; want %v", tt.name, tt.answer, err, tt.want)
		}
	}
	if got := rec.payloads(); len(got) != 0 {
		t.Errorf("refused votes published %#v; want nothing", got)
	}

	// Each vote, then everyone's view of the results.
	steps := []struct {
		who    *store.User
		node   int
		answer int
		counts []int
		mine   map[*store.User]int
	}{
		{ann, 1, 0, []int{1, 0, 0}, map[*store.User]int{ann: 0, bob: -1, cat: -1}},
		{bob, 2, 0, []int{2, 0, 0}, map[*store.User]int{ann: 0, bob: 0, cat: -1}},
		{ann, 3, 2, []int{1, 0, 1}, map[*store.User]int{ann: 2, bob: 0, cat: -1}},
		{ann, 3, 2, []int{1, 0, 1}, map[*store.User]int{ann: 2, bob: 0, cat: -1}},
		{cat, 4, 1, []int{1, 1, 1}, map[*store.User]int{ann: 2, bob: 0, cat: 1}},
	}
	for i, s := range steps {
		rec.reset()
		if err := f.svc.Polls.Vote(t.Context(), s.who, s.node, p.ID, s.answer); err != nil {
			t.Fatalf("step %d: Vote(%s, %d) = %v; want no error", i, s.who.Handle, s.answer, err)
		}
		if got, want := rec.payloads(), (events.VoteChanged{Poll: p.ID, Node: s.node}); len(got) != 1 || got[0] != want {
			t.Errorf("step %d: events after Vote = %#v; want %#v", i, got, want)
		}
		for u, wantMine := range s.mine {
			counts, mine, err := f.svc.Polls.Results(t.Context(), p.ID, u)
			if err != nil || !slices.Equal(counts, s.counts) || mine != wantMine {
				t.Errorf("step %d (%s votes %d): Results(%s) = %v, %d, %v; want %v, %d", i, s.who.Handle, s.answer, u.Handle, counts, mine, err, s.counts, wantMine)
			}
		}
		for _, u := range []*store.User{nil, anonymous} {
			if counts, mine, err := f.svc.Polls.Results(t.Context(), p.ID, u); err != nil || !slices.Equal(counts, s.counts) || mine != -1 {
				t.Errorf("step %d: Results(%v) = %v, %d, %v; want %v, -1", i, u, counts, mine, err, s.counts)
			}
		}
	}

	// A poll that is gone.
	if err := f.svc.Polls.Delete(t.Context(), root, 1, p.ID); err != nil {
		t.Fatal(err)
	}
	rec.reset()
	if err := f.svc.Polls.Vote(t.Context(), ann, 1, p.ID, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Vote(on a deleted poll) = %v; want store.ErrNotFound", err)
	}
	if err := f.svc.Polls.Vote(t.Context(), ann, 1, 9999, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Vote(on a poll that never was) = %v; want store.ErrNotFound", err)
	}
	if got := rec.payloads(); len(got) != 0 {
		t.Errorf("votes on a deleted poll published %#v; want nothing", got)
	}
}

func TestPollDelete(t *testing.T) {
	f := newFixture(t, community.Config{})
	root := f.sysop("root")
	erin := f.user("erin")
	p, err := f.svc.Polls.Create(t.Context(), root, "Best editor?", []string{"vi", "emacs"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Polls.Vote(t.Context(), erin, 2, p.ID, 1); err != nil {
		t.Fatal(err)
	}
	rec := f.record(events.TopicVote)
	for _, u := range []*store.User{erin, nil, anonymous} {
		if err := f.svc.Polls.Delete(t.Context(), u, 2, p.ID); !errors.Is(err, community.ErrNotAllowed) {
			t.Errorf("Delete(by %v) = %v; want ErrNotAllowed", u, err)
		}
	}
	if got := rec.payloads(); len(got) != 0 {
		t.Errorf("refused deletes published %#v; want nothing", got)
	}
	if counts, _, err := f.svc.Polls.Results(t.Context(), p.ID, erin); err != nil || !slices.Equal(counts, []int{0, 1}) {
		t.Errorf("Results() after refused deletes = %v, %v; want [0 1]", counts, err)
	}

	if err := f.svc.Polls.Delete(t.Context(), root, 7, p.ID); err != nil {
		t.Fatalf("Delete(by root) = %v; want no error", err)
	}
	if got, want := rec.payloads(), (events.VoteChanged{Poll: p.ID, Node: 7}); len(got) != 1 || got[0] != want {
		t.Errorf("events after Delete = %#v; want %#v", got, want)
	}
	if _, _, err := f.svc.Polls.Results(t.Context(), p.ID, erin); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Results(deleted poll) = %v; want store.ErrNotFound", err)
	}
	if list, err := f.svc.Polls.List(t.Context()); err != nil || len(list) != 0 {
		t.Errorf("List() after Delete = %+v, %v; want none", list, err)
	}
	if err := f.svc.Polls.Delete(t.Context(), root, 7, p.ID); err != nil {
		t.Errorf("Delete(deleted poll) = %v; want no error", err)
	}
}

func TestPollListNewestFirst(t *testing.T) {
	f := newFixture(t, community.Config{})
	root := f.sysop("root")
	var want []int64
	for i := range 3 {
		p, err := f.svc.Polls.Create(t.Context(), root, fmt.Sprintf("Q%d", i), []string{"yes", "no"})
		if err != nil {
			t.Fatal(err)
		}
		want = append([]int64{p.ID}, want...)
	}
	list, err := f.svc.Polls.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range list {
		got = append(got, p.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("List() IDs = %v; want %v (newest first)", got, want)
	}
}
