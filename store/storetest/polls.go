package storetest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// newPoll returns a poll with n options, by author, dated at.
func newPoll(question string, n int, author string, at time.Time) *store.Poll {
	p := &store.Poll{Question: question, Author: author, Created: at}
	for i := range n {
		p.Options = append(p.Options, fmt.Sprintf("answer %d to %s", i, question))
	}
	return p
}

// createPoll stores p or ends the test.
func createPoll(t *testing.T, s *store.Store, p *store.Poll) *store.Poll {
	t.Helper()
	if err := s.Polls.CreatePoll(t.Context(), p); err != nil {
		t.Fatalf("CreatePoll(%q, %d options) = %v; want nil", p.Question, len(p.Options), err)
	}
	return p
}

// polls returns every poll or ends the test.
func polls(t *testing.T, s *store.Store) []store.Poll {
	t.Helper()
	ps, err := s.Polls.Polls(t.Context())
	if err != nil {
		t.Fatalf("Polls() = %v; want nil", err)
	}
	return ps
}

// vote records a vote or ends the test.
func vote(t *testing.T, s *store.Store, pollID int64, handle string, option int) {
	t.Helper()
	if err := s.Polls.Vote(t.Context(), pollID, handle, option); err != nil {
		t.Fatalf("Vote(%d, %q, %d) = %v; want nil", pollID, handle, option, err)
	}
}

// checkResults reports unless the poll's results for the handle are
// counts and mine.
func checkResults(t *testing.T, s *store.Store, pollID int64, handle string, counts []int, mine int) {
	t.Helper()
	got, gotMine, err := s.Polls.Results(t.Context(), pollID, handle)
	if err != nil || !slices.Equal(got, counts) || gotMine != mine {
		t.Errorf("Results(%d, %q) = %v, %d, %v; want %v, %d, nil", pollID, handle, got, gotMine, err, counts, mine)
	}
}

func testCreatePoll(t *testing.T, s *store.Store) {
	ctx := t.Context()
	if got := polls(t, s); len(got) != 0 {
		t.Errorf("Polls() on empty store = %+v; want none", got)
	}
	// A zero Created is set to now. The author needs no account.
	before := time.Now().Truncate(time.Millisecond)
	p := createPoll(t, s, newPoll("two", 2, "NoAccount", time.Time{}))
	after := time.Now()
	if p.ID == 0 {
		t.Errorf("CreatePoll(%q): ID = 0; want non-zero", p.Question)
	}
	if p.Created.Before(before) || p.Created.After(after) {
		t.Errorf("CreatePoll(%q): Created = %v; want between %v and %v", p.Question, p.Created, before, after)
	}

	// A given Created is kept; a given ID is ignored. Options keep their
	// order and text.
	q := &store.Poll{
		Question: "Best terminal?",
		Options:  []string{"SyncTERM", "NetRunner", "mTelnet", "", "qodem ✶", "SyncTERM", "Z", "a", "ÿ", "9"},
		Author:   "Alice",
		Created:  base(),
		ID:       p.ID,
	}
	if len(q.Options) != store.MaxPollOptions {
		t.Fatalf("test poll has %d options; want store.MaxPollOptions = %d", len(q.Options), store.MaxPollOptions)
	}
	createPoll(t, s, q)
	if q.ID == 0 || q.ID == p.ID {
		t.Errorf("CreatePoll(%q): ID = %d; want non-zero and not %d", q.Question, q.ID, p.ID)
	}
	if !q.Created.Equal(base()) {
		t.Errorf("CreatePoll(%q): Created = %v; want %v kept", q.Question, q.Created, base())
	}
	for _, want := range []*store.Poll{p, q} {
		got, err := s.Polls.Poll(ctx, want.ID)
		if err != nil || !samePoll(*got, *want) {
			t.Errorf("Poll(%d) = %+v, %v; want %+v, nil", want.ID, got, err, want)
		}
	}
	// A new poll has no votes.
	checkResults(t, s, q.ID, "Alice", make([]int, store.MaxPollOptions), -1)
}

// testCreatePollRefused checks that a poll with fewer than 2 or more than
// MaxPollOptions options is refused, with an error that is neither
// ErrNotFound nor ErrExists, and stores nothing.
func testCreatePollRefused(t *testing.T, s *store.Store) {
	for _, n := range []int{0, 1, store.MaxPollOptions + 1, 100} {
		p := newPoll(fmt.Sprintf("%d options", n), n, "Alice", base())
		if err := s.Polls.CreatePoll(t.Context(), p); !refused(err) {
			t.Errorf("CreatePoll(%d options) = %v; want an error, neither ErrNotFound nor ErrExists", n, err)
		}
	}
	if got := polls(t, s); len(got) != 0 {
		t.Errorf("Polls() after refusals = %+v; want none", got)
	}
}

func testPolls(t *testing.T, s *store.Store) {
	// Created out of time order: newest first means by Created.
	order := []int{3, 0, 4, 1, 2}
	all := make([]store.Poll, len(order))
	for _, i := range order {
		all[i] = *createPoll(t, s, newPoll(fmt.Sprintf("q%d", i), 2+i, "Alice", base().Add(time.Duration(i)*time.Hour)))
	}
	slices.Reverse(all)
	if got := polls(t, s); !slices.EqualFunc(got, all, samePoll) {
		t.Errorf("Polls() = %+v; want %+v", got, all)
	}
}

func testPollNotFound(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	p := createPoll(t, s, newPoll("q", 3, "Alice", base()))
	if err := s.Polls.DeletePoll(ctx, p.ID); err != nil {
		t.Fatalf("DeletePoll(%d) = %v; want nil", p.ID, err)
	}
	for _, id := range []int64{p.ID, 0, -1, p.ID + 1000} {
		if got, err := s.Polls.Poll(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Poll(%d) = %+v, %v; want ErrNotFound", id, got, err)
		}
		if err := s.Polls.DeletePoll(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeletePoll(%d) = %v; want ErrNotFound", id, err)
		}
		if err := s.Polls.Vote(ctx, id, "Alice", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Vote(%d, Alice, 0) = %v; want ErrNotFound", id, err)
		}
		if got, mine, err := s.Polls.Results(ctx, id, "Alice"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Results(%d, Alice) = %v, %d, %v; want ErrNotFound", id, got, mine, err)
		}
	}
	if got := polls(t, s); len(got) != 0 {
		t.Errorf("Polls() after DeletePoll = %+v; want none", got)
	}
}

func testVote(t *testing.T, s *store.Store) {
	for _, h := range []string{"Alice", "Bob", "Carol", "Dave"} {
		create(t, s, newUser(h))
	}
	p := createPoll(t, s, newPoll("p", 3, "Alice", base()))
	other := createPoll(t, s, newPoll("other", 2, "Bob", base()))

	vote(t, s, p.ID, "alice", 0) // handles regardless of case
	vote(t, s, p.ID, "Bob", 1)
	vote(t, s, p.ID, "CAROL", 1)
	vote(t, s, other.ID, "Alice", 1)
	checkResults(t, s, p.ID, "Alice", []int{1, 2, 0}, 0)
	checkResults(t, s, p.ID, "BOB", []int{1, 2, 0}, 1)
	checkResults(t, s, p.ID, "Dave", []int{1, 2, 0}, -1)
	// A visitor without an account has not voted.
	checkResults(t, s, p.ID, "nobody", []int{1, 2, 0}, -1)
	checkResults(t, s, p.ID, "", []int{1, 2, 0}, -1)
	checkResults(t, s, other.ID, "Alice", []int{0, 1}, 1)

	// A second vote replaces the first.
	vote(t, s, p.ID, "Alice", 2)
	checkResults(t, s, p.ID, "Alice", []int{0, 2, 1}, 2)
	vote(t, s, p.ID, "Alice", 2)
	checkResults(t, s, p.ID, "Alice", []int{0, 2, 1}, 2)
	vote(t, s, p.ID, "Bob", 0)
	checkResults(t, s, p.ID, "Bob", []int{1, 1, 1}, 0)
	// Polls are separate.
	checkResults(t, s, other.ID, "Alice", []int{0, 1}, 1)
}

// testVoteRefused checks that votes by unknown users or for options the
// poll does not have are refused and change nothing.
func testVoteRefused(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	p := createPoll(t, s, newPoll("p", 3, "Alice", base()))
	vote(t, s, p.ID, "Alice", 1)
	for _, h := range []string{"nobody", "Alice ", ""} {
		if err := s.Polls.Vote(ctx, p.ID, h, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Vote(%d, %q, 0) = %v; want ErrNotFound", p.ID, h, err)
		}
	}
	for _, o := range []int{-1, 3, 10, math.MaxInt, math.MinInt} {
		if err := s.Polls.Vote(ctx, p.ID, "Alice", o); !refused(err) {
			t.Errorf("Vote(%d, Alice, %d) = %v; want an error, neither ErrNotFound nor ErrExists", p.ID, o, err)
		}
	}
	checkResults(t, s, p.ID, "Alice", []int{0, 1, 0}, 1)
}

// testVotesRename checks that a vote belongs to the account: it follows
// a rename.
func testVotesRename(t *testing.T, s *store.Store) {
	ctx := t.Context()
	u := create(t, s, newUser("Alice"))
	p := createPoll(t, s, newPoll("p", 2, "Alice", base()))
	vote(t, s, p.ID, "Alice", 1)
	u.Handle = "Alicia"
	if err := s.Users.UpdateUser(ctx, u); err != nil {
		t.Fatalf("UpdateUser(%q) = %v; want nil", u.Handle, err)
	}
	checkResults(t, s, p.ID, "alicia", []int{0, 1}, 1)
	checkResults(t, s, p.ID, "Alice", []int{0, 1}, -1)
	// Voting again under the new handle replaces the vote.
	vote(t, s, p.ID, "Alicia", 0)
	checkResults(t, s, p.ID, "Alicia", []int{1, 0}, 0)
	// The poll keeps the handle it was created under.
	if got, err := s.Polls.Poll(ctx, p.ID); err != nil || got.Author != "Alice" {
		t.Errorf("Poll(%d) after its author's rename = %+v, %v; want Author %q", p.ID, got, err, "Alice")
	}
}

// testVotesDeleteUser checks that DeleteUser takes the user's votes with
// it, and leaves the polls the user created.
func testVotesDeleteUser(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Doomed"))
	create(t, s, newUser("Survivor"))
	p := createPoll(t, s, newPoll("p", 2, "Doomed", base()))
	vote(t, s, p.ID, "Doomed", 0)
	vote(t, s, p.ID, "Survivor", 0)
	checkResults(t, s, p.ID, "Survivor", []int{2, 0}, 0)

	if err := s.Users.DeleteUser(ctx, "doomed"); err != nil {
		t.Fatalf(`DeleteUser("doomed") = %v; want nil`, err)
	}
	checkResults(t, s, p.ID, "Survivor", []int{1, 0}, 0)
	checkResults(t, s, p.ID, "Doomed", []int{1, 0}, -1)
	if got, err := s.Polls.Poll(ctx, p.ID); err != nil || !samePoll(*got, *p) {
		t.Errorf("Poll(%d) after its author's DeleteUser = %+v, %v; want %+v", p.ID, got, err, p)
	}
	// A new account under the handle has not voted.
	create(t, s, newUser("Doomed"))
	checkResults(t, s, p.ID, "Doomed", []int{1, 0}, -1)
}

// testVotesDeletePoll checks that DeletePoll removes the poll's votes
// and no other poll's.
func testVotesDeletePoll(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	create(t, s, newUser("Bob"))
	p := createPoll(t, s, newPoll("doomed", 3, "Alice", base()))
	q := createPoll(t, s, newPoll("kept", 3, "Alice", base().Add(time.Hour)))
	for _, id := range []int64{p.ID, q.ID} {
		vote(t, s, id, "Alice", 2)
		vote(t, s, id, "Bob", 1)
	}
	if err := s.Polls.DeletePoll(ctx, p.ID); err != nil {
		t.Fatalf("DeletePoll(%d) = %v; want nil", p.ID, err)
	}
	if got, mine, err := s.Polls.Results(ctx, p.ID, "Alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Results(%d, Alice) after DeletePoll = %v, %d, %v; want ErrNotFound", p.ID, got, mine, err)
	}
	checkResults(t, s, q.ID, "Alice", []int{0, 1, 1}, 2)
	if got := polls(t, s); !slices.EqualFunc(got, []store.Poll{*q}, samePoll) {
		t.Errorf("Polls() after DeletePoll = %+v; want [%+v]", got, *q)
	}
	// A new poll starts without votes.
	r := createPoll(t, s, newPoll("new", 3, "Alice", base()))
	checkResults(t, s, r.ID, "Alice", []int{0, 0, 0}, -1)
}
