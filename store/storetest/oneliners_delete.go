package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

func testDeleteOneliner(t *testing.T, s *store.Store) {
	ctx := t.Context()
	a := addOneliner(t, s, "Alice", "keep me", base())
	b := addOneliner(t, s, "Bob", "spam", base().Add(time.Minute))
	c := addOneliner(t, s, "Carol", "keep me too", base().Add(2*time.Minute))
	tests := []struct {
		name string
		id   int64
		want error
	}{
		{"a one-liner", b.ID, nil},
		{"deleted already", b.ID, store.ErrNotFound},
		{"never was", c.ID + 100, store.ErrNotFound},
		{"zero", 0, store.ErrNotFound},
	}
	for _, tt := range tests {
		if err := s.Oneliners.DeleteOneliner(ctx, tt.id); !errors.Is(err, tt.want) {
			t.Errorf("%s: DeleteOneliner(%d) = %v; want %v", tt.name, tt.id, err, tt.want)
		}
	}
	want := []store.Oneliner{c, a}
	if got := oneliners(t, s, 10); !slices.EqualFunc(got, want, sameOneliner) {
		t.Errorf("Oneliners(10) after DeleteOneliner = %+v; want %+v", got, want)
	}
	// The author's last post is the one left: a deleted line no longer
	// holds its author back.
	if got, err := s.Oneliners.LastOnelinerBy(ctx, "Bob"); err != nil || !got.IsZero() {
		t.Errorf("LastOnelinerBy(Bob) after DeleteOneliner = %v, %v; want zero, nil", got, err)
	}
}
