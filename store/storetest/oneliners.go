package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// addOneliner stores a one-liner or ends the test.
func addOneliner(t *testing.T, s *store.Store, handle, text string, posted time.Time) store.Oneliner {
	t.Helper()
	o := store.Oneliner{Handle: handle, Text: text, Posted: posted}
	if err := s.Oneliners.AddOneliner(t.Context(), &o); err != nil {
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
