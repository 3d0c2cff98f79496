package storetest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// testConcurrent runs writers the way a busy board does: each goroutine
// posts one-liners, calls in as its neighbour and edits its own account,
// so RecordCall and UpdateUser race on every account. Every write must
// succeed and be visible afterwards, and no update may undo a call.
func testConcurrent(t *testing.T, s *store.Store) {
	const (
		workers = 50
		writes  = 20
	)
	ctx := t.Context()
	users := make([]*store.User, workers)
	for g := range workers {
		users[g] = create(t, s, newUser(fmt.Sprintf("worker%02d", g)))
	}

	// Released together, so that the writes overlap.
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			<-start
			u := *users[g]
			neighbour := users[(g+1)%workers].Handle
			for j := range writes {
				var err error
				var call string
				switch j % 3 {
				case 0:
					call = fmt.Sprintf("AddOneliner(%q)", u.Handle)
					err = s.Oneliners.AddOneliner(ctx, &store.Oneliner{
						Handle: u.Handle,
						Text:   fmt.Sprintf("%d/%d", g, j),
						Posted: base().Add(time.Duration(g*writes+j) * time.Second),
					}, time.Second) // each worker posts 3 s apart: all land
				case 1:
					call = fmt.Sprintf("RecordCall(%q)", neighbour)
					_, err = s.Calls.RecordCall(ctx, neighbour, "telnet", base().Add(time.Duration(g*writes+j)*time.Second))
				case 2:
					call = fmt.Sprintf("UpdateUser(%q)", u.Handle)
					u.Location = fmt.Sprintf("loc %d/%d", g, j)
					err = s.Users.UpdateUser(ctx, &u)
				}
				if err != nil {
					t.Errorf("worker %d write %d: %s = %v; want nil", g, j, call, err)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}

	// What each worker wrote.
	var posts, calls, lastUpdate int
	for j := range writes {
		switch j % 3 {
		case 0:
			posts++
		case 1:
			calls++
		case 2:
			lastUpdate = j
		}
	}

	got := oneliners(t, s, 10*workers*writes)
	var texts, want []string
	for _, o := range got {
		texts = append(texts, o.Text)
	}
	for g := range workers {
		for j := 0; j < writes; j += 3 {
			want = append(want, fmt.Sprintf("%d/%d", g, j))
		}
	}
	slices.Sort(texts)
	slices.Sort(want)
	if !slices.Equal(texts, want) {
		t.Errorf("Oneliners() = %d one-liners; want %d (%d workers × %d)", len(texts), len(want), workers, posts)
	}
	if got := lastCalls(t, s, 10*workers*writes); len(got) != workers*calls {
		t.Errorf("LastCalls() = %d calls; want %d (%d workers × %d)", len(got), workers*calls, workers, calls)
	}
	for g, u := range users {
		got := get(t, s, u.Handle)
		if got.Calls != calls {
			t.Errorf("User(%q).Calls = %d; want %d", u.Handle, got.Calls, calls)
		}
		if want := fmt.Sprintf("loc %d/%d", g, lastUpdate); got.Location != want {
			t.Errorf("User(%q).Location = %q; want %q", u.Handle, got.Location, want)
		}
	}
}

// testKeySharedConcurrent has many users register one key at once: every
// one of them gets it, each with an ID of its own.
func testKeySharedConcurrent(t *testing.T, s *store.Store) {
	const n = 20
	for g := range n {
		create(t, s, newUser(fmt.Sprintf("racer%02d", g)))
	}
	ks := make([]*store.PublicKey, n)
	errs := make([]error, n)
	// Released together, so that the registrations overlap.
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range n {
		ks[g] = newKey(fmt.Sprintf("racer%02d", g), "contested", base())
		wg.Go(func() {
			<-start
			errs[g] = s.Keys.AddKey(t.Context(), ks[g])
		})
	}
	close(start)
	wg.Wait()
	ids := make(map[int64]bool)
	for g, err := range errs {
		h := ks[g].Handle
		if err != nil {
			t.Errorf("AddKey(%q) of a key %d users register at once = %v; want nil", h, n, err)
			continue
		}
		if ids[ks[g].ID] {
			t.Errorf("AddKey(%q): ID %d handed out twice", h, ks[g].ID)
		}
		ids[ks[g].ID] = true
		if got, want := keys(t, s, h), owned(h, ks[g]); !slices.EqualFunc(got, want, sameKey) {
			t.Errorf("Keys(%q) = %+v; want %+v", h, got, want)
		}
	}
}

// testKeyTwiceConcurrent has one user register one key from many
// goroutines at once: exactly one registration succeeds, and every other
// one is ErrExists.
func testKeyTwiceConcurrent(t *testing.T, s *store.Store) {
	const n = 20
	create(t, s, newUser("Eager"))
	ks := make([]*store.PublicKey, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range n {
		ks[g] = newKey("Eager", "contested", base())
		ks[g].Comment = fmt.Sprintf("try %02d", g) // to tell which one won
		wg.Go(func() {
			<-start
			errs[g] = s.Keys.AddKey(t.Context(), ks[g])
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for g, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = g
		case err == nil:
			t.Errorf("AddKey(try %02d) = nil after try %02d's; want ErrExists", g, winner)
		case !errors.Is(err, store.ErrExists):
			t.Errorf("AddKey(try %02d) = %v; want nil or ErrExists", g, err)
		}
	}
	if winner < 0 {
		t.Fatalf("AddKey of one key by one user %d times at once: none succeeded; want one", n)
	}
	if got, want := keys(t, s, "Eager"), owned("Eager", ks[winner]); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Eager") = %+v; want %+v`, got, want)
	}
}

// testCommunityConcurrent has many users use the message areas, mail and
// a poll at once, as a busy board does: each goroutine posts, writes to
// its neighbour, votes (changing its mind), moves its read pointer and
// reads counts and results. Every call must succeed, and the totals must
// add up afterwards.
func testCommunityConcurrent(t *testing.T, s *store.Store) {
	const (
		workers = 50
		rounds  = 10
	)
	ctx := t.Context()
	users := make([]string, workers)
	for g := range workers {
		users[g] = create(t, s, newUser(fmt.Sprintf("member%02d", g))).Handle
	}
	p := &store.Poll{Question: "busy?", Author: users[0], Created: base()}
	for i := range store.MaxPollOptions {
		p.Options = append(p.Options, fmt.Sprint(i))
	}
	if err := s.Polls.CreatePoll(ctx, p); err != nil {
		t.Fatalf("CreatePoll() = %v; want nil", err)
	}

	// lastPost is each worker's newest post, read after wg.Wait.
	lastPost := make([]int64, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			<-start
			me, neighbour := users[g], users[(g+1)%workers]
			fail := func(call string, err error) {
				t.Errorf("worker %d: %s = %v; want nil", g, call, err)
			}
			var parent int64
			for j := range rounds {
				m := store.Message{Area: "general", From: me, Subject: fmt.Sprintf("%d/%d", g, j), Parent: parent}
				if err := s.Messages.PostMessage(ctx, &m); err != nil {
					fail("PostMessage(general)", err)
					continue
				}
				parent = m.ID
				lastPost[g] = m.ID
				mail := store.Message{To: neighbour, From: me, Subject: fmt.Sprintf("%d/%d", g, j)}
				if err := s.Messages.PostMessage(ctx, &mail); err != nil {
					fail(fmt.Sprintf("PostMessage(to %q)", neighbour), err)
				}
				if err := s.Polls.Vote(ctx, p.ID, me, (g+j)%store.MaxPollOptions); err != nil {
					fail("Vote", err)
				}
				if err := s.Messages.SetLastRead(ctx, me, "general", m.ID); err != nil {
					fail("SetLastRead", err)
				}
				if _, err := s.Messages.CountAfter(ctx, store.MessageQuery{Area: "general", AfterID: m.ID}); err != nil {
					fail("CountAfter", err)
				}
				if _, err := s.Messages.ListMessages(ctx, store.MessageQuery{To: me, Limit: 5}); err != nil {
					fail("ListMessages(mailbox)", err)
				}
				if _, _, err := s.Polls.Results(ctx, p.ID, me); err != nil {
					fail("Results", err)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}

	if n := countAfter(t, s, store.MessageQuery{Area: "general"}); n != workers*rounds {
		t.Errorf("CountAfter(general) = %d; want %d (%d workers × %d)", n, workers*rounds, workers, rounds)
	}
	all := listMessages(t, s, store.MessageQuery{Area: "general"})
	if !slices.IsSortedFunc(all, func(a, b store.Message) int { return cmp.Compare(a.ID, b.ID) }) {
		t.Errorf("ListMessages(general) IDs = %v; want ascending", ids(all))
	}
	counts := make([]int, store.MaxPollOptions)
	for g, h := range users {
		if got := listMessages(t, s, store.MessageQuery{To: h}); len(got) != rounds {
			t.Errorf("ListMessages(to %q) = %d messages; want %d", h, len(got), rounds)
		}
		if got := lastRead(t, s, h, "general"); got != lastPost[g] {
			t.Errorf("LastRead(%q, general) = %d; want %d", h, got, lastPost[g])
		}
		counts[(g+rounds-1)%store.MaxPollOptions]++
	}
	for g, h := range users {
		checkResults(t, s, p.ID, h, counts, (g+rounds-1)%store.MaxPollOptions)
	}
}
