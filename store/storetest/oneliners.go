package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// addOneliner stores a one-liner or ends the test.
func addOneliner(t *testing.T, s *store.Store, handle, text string, posted time.Time) store.Oneliner {
	t.Helper()
	o := store.Oneliner{Handle: handle, Text: text, Posted: posted}
	if err := s.Oneliners.AddOneliner(t.Context(), &o, 0); err != nil {
		t.Fatalf("AddOneliner(%q, %q) = %v; want nil", handle, text, err)
	}
	return o
}

// oneliners returns up to limit one-liners or ends the test.
func oneliners(t *testing.T, s *store.Store, limit int) []store.Oneliner {
	t.Helper()
	list, err := s.Oneliners.Oneliners(t.Context(), limit)
	if err != nil {
		t.Fatalf("Oneliners(%d) = %v; want nil", limit, err)
	}
	return list
}

func testAddOneliner(t *testing.T, s *store.Store) {
	if got := oneliners(t, s, 10); len(got) != 0 {
		t.Errorf("Oneliners(10) on empty store = %+v; want none", got)
	}
	// One-liners need no account: the wall outlives accounts.
	a := addOneliner(t, s, "Alice", "hello", base())
	b := addOneliner(t, s, "NoAccount", "hi", base().Add(time.Second))
	if a.ID == 0 || b.ID == 0 || a.ID == b.ID {
		t.Errorf("AddOneliner IDs = %d, %d; want distinct and non-zero", a.ID, b.ID)
	}
	want := []store.Oneliner{b, a}
	if got := oneliners(t, s, 10); !slices.EqualFunc(got, want, sameOneliner) {
		t.Errorf("Oneliners(10) = %+v; want %+v", got, want)
	}
}

func testOneliners(t *testing.T, s *store.Store) {
	// Added out of time order: newest first means by Posted.
	order := []int{3, 0, 5, 1, 4, 2}
	all := make([]store.Oneliner, len(order))
	for _, i := range order {
		h := []string{"Alice", "Bob", "Carol"}[i%3]
		all[i] = addOneliner(t, s, h, fmt.Sprintf("line %d", i), base().Add(time.Duration(i)*time.Minute))
	}
	slices.Reverse(all)
	tests := []struct {
		limit int
		want  []store.Oneliner
	}{
		{1, all[:1]},
		{4, all[:4]},
		{6, all},
		{20, all},
	}
	for _, tt := range tests {
		if got := oneliners(t, s, tt.limit); !slices.EqualFunc(got, tt.want, sameOneliner) {
			t.Errorf("Oneliners(%d) = %+v; want %+v", tt.limit, got, tt.want)
		}
	}
}

func testLastOnelinerBy(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Poster"))
	create(t, s, newUser("Quiet"))
	addOneliner(t, s, "Poster", "first", base())
	addOneliner(t, s, "Poster", "latest", base().Add(2*time.Hour))
	addOneliner(t, s, "Poster", "back-dated", base().Add(time.Hour))
	addOneliner(t, s, "Émile", "salut", base().Add(3*time.Hour))

	tests := []struct {
		handle string
		want   time.Time // zero: never posted
	}{
		{"Poster", base().Add(2 * time.Hour)},
		{"POSTER", base().Add(2 * time.Hour)},
		{"poster", base().Add(2 * time.Hour)},
		{"émile", base().Add(3 * time.Hour)},
		{"Quiet", time.Time{}},
		{"nobody", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		got, err := s.Oneliners.LastOnelinerBy(ctx, tt.handle)
		if err != nil || !sameTime(got, tt.want) {
			t.Errorf("LastOnelinerBy(%q) = %v, %v; want %v, nil", tt.handle, got, err, stored(tt.want))
		}
	}
}

func testOnelinerGap(t *testing.T, s *store.Store) {
	ctx := t.Context()
	addOneliner(t, s, "Gappy", "first", base())
	tests := []struct {
		name   string
		handle string
		posted time.Time
		gap    time.Duration
		stored bool
	}{
		{"inside the gap", "Gappy", base().Add(59 * time.Second), time.Minute, false},
		{"inside the gap, other case", "GAPPY", base().Add(30 * time.Second), time.Minute, false},
		{"no gap", "Gappy", base().Add(time.Second), 0, true},
		{"someone else", "Other", base().Add(2 * time.Second), time.Minute, true},
		{"gap over", "gappy", base().Add(time.Minute + time.Second), time.Minute, true},
	}
	for _, tt := range tests {
		o := store.Oneliner{Handle: tt.handle, Text: tt.name, Posted: tt.posted}
		err := s.Oneliners.AddOneliner(ctx, &o, tt.gap)
		var soon *store.TooSoonError
		switch {
		case tt.stored && (err != nil || o.ID == 0):
			t.Errorf("%s: AddOneliner = %v, ID %d; want stored", tt.name, err, o.ID)
		case !tt.stored && !errors.As(err, &soon):
			t.Errorf("%s: AddOneliner = %v; want a *store.TooSoonError", tt.name, err)
		case !tt.stored && !sameTime(soon.Last, base()) && !sameTime(soon.Last, base().Add(time.Second)):
			t.Errorf("%s: TooSoonError.Last = %v; want the earlier post", tt.name, soon.Last)
		}
	}
	got := oneliners(t, s, 10)
	var texts []string
	for _, o := range got {
		texts = append(texts, o.Text)
	}
	want := []string{"gap over", "someone else", "no gap", "first"}
	if !slices.Equal(texts, want) {
		t.Errorf("Oneliners() = %q; want %q", texts, want)
	}
}

// testOnelinerGapConcurrent posts from many goroutines at once as one
// user: exactly one post may land.
func testOnelinerGapConcurrent(t *testing.T, s *store.Store) {
	const posters = 20
	var wg sync.WaitGroup
	var stored, refused atomic.Int32
	for i := range posters {
		wg.Go(func() {
			o := store.Oneliner{Handle: []string{"Racer", "RACER", "racer"}[i%3], Text: fmt.Sprint(i), Posted: base()}
			err := s.Oneliners.AddOneliner(t.Context(), &o, time.Minute)
			var soon *store.TooSoonError
			switch {
			case err == nil:
				stored.Add(1)
			case errors.As(err, &soon):
				refused.Add(1)
			default:
				t.Errorf("AddOneliner = %v; want nil or a *store.TooSoonError", err)
			}
		})
	}
	wg.Wait()
	if stored.Load() != 1 || refused.Load() != posters-1 {
		t.Errorf("%d posts at once: %d stored, %d refused; want 1 and %d", posters, stored.Load(), refused.Load(), posters-1)
	}
}
