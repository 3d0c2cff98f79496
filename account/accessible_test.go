package account_test

import (
	"errors"
	"testing"

	"github.com/x84bbs/x84/store"
)

func TestSetAccessible(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	id := f.user("erin", password).ID
	for _, on := range []bool{true, true, false, true} {
		u, err := f.svc.SetAccessible(t.Context(), id, on)
		if err != nil {
			t.Fatalf("SetAccessible(%v) = %v", on, err)
		}
		if u.Accessible != on || f.stored("erin").Accessible != on {
			t.Errorf("SetAccessible(%v): returned %v, stored %v", on, u.Accessible, f.stored("erin").Accessible)
		}
	}
	if _, err := f.svc.SetAccessible(t.Context(), id+100, true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetAccessible(unknown id) = %v; want store.ErrNotFound", err)
	}
}
