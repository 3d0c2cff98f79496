package storetest

import (
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
					})
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

// testKeyTakenConcurrent has many users register one key at once: exactly
// one of them gets it, and every other one ErrExists.
func testKeyTakenConcurrent(t *testing.T, s *store.Store) {
	const n = 20
	for g := range n {
		create(t, s, newUser(fmt.Sprintf("racer%02d", g)))
	}
	errs := make([]error, n)
	// Released together, so that the registrations overlap.
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range n {
		wg.Go(func() {
			<-start
			errs[g] = s.Keys.AddKey(t.Context(), newKey(fmt.Sprintf("racer%02d", g), "contested", base()))
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
			t.Errorf("AddKey(racer%02d) = nil after racer%02d's; want ErrExists", g, winner)
		case !errors.Is(err, store.ErrExists):
			t.Errorf("AddKey(racer%02d) = %v; want nil or ErrExists", g, err)
		}
	}
	if winner < 0 {
		t.Fatalf("AddKey of one key by %d users: none succeeded; want one", n)
	}
	for g := range n {
		h := fmt.Sprintf("racer%02d", g)
		want := 0
		if g == winner {
			want = 1
		}
		if got := keys(t, s, h); len(got) != want {
			t.Errorf("Keys(%q) = %+v; want %d key", h, got, want)
		}
	}
}
