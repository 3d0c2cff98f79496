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

// record counts a call or ends the test.
func record(t *testing.T, s *store.Store, handle, kind string, at time.Time) store.Call {
	t.Helper()
	c, err := s.Calls.RecordCall(t.Context(), handle, kind, at)
	if err != nil {
		t.Fatalf("RecordCall(%q, %q, %v) = %v; want nil", handle, kind, at, err)
	}
	return c
}

// lastCalls returns up to limit calls or ends the test.
func lastCalls(t *testing.T, s *store.Store, limit int) []store.Call {
	t.Helper()
	cs, err := s.Calls.LastCalls(t.Context(), limit)
	if err != nil {
		t.Fatalf("LastCalls(%d) = %v; want nil", limit, err)
	}
	return cs
}

func testRecordCall(t *testing.T, s *store.Store) {
	u := newUser("Caller")
	u.Location = "Paris"
	create(t, s, u)
	veteran := newUser("Veteran")
	veteran.Calls = 41
	create(t, s, veteran)

	tests := []struct {
		handle, kind string
		at           time.Time
		want         store.Call
	}{
		// The handle is matched regardless of case; the entry carries
		// the handle as created and the user's location.
		{"CALLER", "telnet", base(), store.Call{Handle: "Caller", Location: "Paris", At: base(), Calls: 1, Kind: "telnet"}},
		{"caller", "ssh", base().Add(time.Minute), store.Call{Handle: "Caller", Location: "Paris", At: base().Add(time.Minute), Calls: 2, Kind: "ssh"}},
		{"Veteran", "rlogin", base().Add(2 * time.Minute), store.Call{Handle: "Veteran", Location: veteran.Location, At: base().Add(2 * time.Minute), Calls: 42, Kind: "rlogin"}},
	}
	var done []store.Call
	for _, tt := range tests {
		got := record(t, s, tt.handle, tt.kind, tt.at)
		if !sameCall(got, tt.want) {
			t.Errorf("RecordCall(%q, %q, %v) = %+v; want %+v", tt.handle, tt.kind, tt.at, got, tt.want)
		}
		u := get(t, s, tt.handle)
		if u.Calls != tt.want.Calls || !sameTime(u.LastCall, tt.at) {
			t.Errorf("after RecordCall(%q): Calls, LastCall = %d, %v; want %d, %v",
				tt.handle, u.Calls, u.LastCall, tt.want.Calls, stored(tt.at))
		}
		done = append(done, tt.want)
	}
	slices.Reverse(done)
	got := lastCalls(t, s, 10)
	if !slices.EqualFunc(got, done, sameCall) {
		t.Errorf("LastCalls(10) = %+v; want %+v", got, done)
	}
}

func testRecordCallUnknown(t *testing.T, s *store.Store) {
	create(t, s, newUser("Known"))
	for _, h := range []string{"Unknown", "Known2", ""} {
		if c, err := s.Calls.RecordCall(t.Context(), h, "telnet", base()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RecordCall(%q) = %+v, %v; want ErrNotFound", h, c, err)
		}
	}
	if got := lastCalls(t, s, 10); len(got) != 0 {
		t.Errorf("LastCalls(10) after failed calls = %+v; want none", got)
	}
	if u := get(t, s, "Known"); u.Calls != 0 {
		t.Errorf(`User("Known").Calls = %d; want 0`, u.Calls)
	}
}

// testRecordCallAtomic checks that concurrent calls by one user each get
// their own number: the count and the entry change together.
func testRecordCallAtomic(t *testing.T, s *store.Store) {
	const n = 40
	create(t, s, newUser("Popular"))
	nums := make([]int, n)
	// Released together, so that the calls overlap.
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			c, err := s.Calls.RecordCall(t.Context(), "popular", "telnet", base().Add(time.Duration(i)*time.Second))
			if err != nil {
				t.Errorf("RecordCall(%q) #%d = %v; want nil", "popular", i, err)
				return
			}
			nums[i] = c.Calls
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	slices.Sort(nums)
	if !slices.Equal(nums, want) {
		t.Errorf("RecordCall Calls numbers = %v; want %v", nums, want)
	}
	if got := get(t, s, "Popular").Calls; got != n {
		t.Errorf(`User("Popular").Calls = %d; want %d`, got, n)
	}
	var listed []int
	for _, c := range lastCalls(t, s, 2*n) {
		listed = append(listed, c.Calls)
	}
	slices.Sort(listed)
	if !slices.Equal(listed, want) {
		t.Errorf("LastCalls(%d) Calls numbers = %v; want %v", 2*n, listed, want)
	}
}

func testLastCalls(t *testing.T, s *store.Store) {
	if got := lastCalls(t, s, 10); len(got) != 0 {
		t.Errorf("LastCalls(10) on empty store = %+v; want none", got)
	}
	create(t, s, newUser("One"))
	create(t, s, newUser("Two"))
	// Recorded out of time order: newest first means by At.
	order := []int{2, 0, 4, 1, 3}
	all := make([]store.Call, len(order))
	for _, i := range order {
		h := []string{"One", "Two"}[i%2]
		all[i] = record(t, s, h, fmt.Sprintf("kind%d", i), base().Add(time.Duration(i)*time.Minute))
	}
	slices.Reverse(all)
	tests := []struct {
		limit int
		want  []store.Call
	}{
		{1, all[:1]},
		{3, all[:3]},
		{5, all},
		{100, all},
	}
	for _, tt := range tests {
		if got := lastCalls(t, s, tt.limit); !slices.EqualFunc(got, tt.want, sameCall) {
			t.Errorf("LastCalls(%d) = %+v; want %+v", tt.limit, got, tt.want)
		}
	}
}

// testHistory checks that calls and one-liners outlive the account, and
// that a new account with the same handle starts afresh.
func testHistory(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Ghost"))
	record(t, s, "Ghost", "telnet", base())
	record(t, s, "Ghost", "telnet", base().Add(time.Minute))
	o := addOneliner(t, s, "Ghost", "boo", base().Add(2*time.Minute))
	if err := s.Users.DeleteUser(ctx, "Ghost"); err != nil {
		t.Fatalf(`DeleteUser("Ghost") = %v; want nil`, err)
	}

	if got := lastCalls(t, s, 10); len(got) != 2 || got[0].Handle != "Ghost" || got[0].Calls != 2 {
		t.Errorf("LastCalls(10) after delete = %+v; want Ghost's 2 calls", got)
	}
	if got := oneliners(t, s, 10); len(got) != 1 || !sameOneliner(got[0], o) {
		t.Errorf("Oneliners(10) after delete = %+v; want [%+v]", got, o)
	}
	if got, err := s.Oneliners.LastOnelinerBy(ctx, "ghost"); err != nil || !sameTime(got, o.Posted) {
		t.Errorf(`LastOnelinerBy("ghost") after delete = %v, %v; want %v, nil`, got, err, stored(o.Posted))
	}

	again := newUser("ghost")
	create(t, s, again)
	u := get(t, s, "ghost")
	if u.Calls != 0 || !u.LastCall.IsZero() {
		t.Errorf(`User("ghost") recreated: Calls, LastCall = %d, %v; want 0, zero time`, u.Calls, u.LastCall)
	}
	if c := record(t, s, "ghost", "ssh", base().Add(time.Hour)); c.Calls != 1 || c.Handle != "ghost" {
		t.Errorf(`RecordCall("ghost") recreated = %+v; want Handle "ghost", Calls 1`, c)
	}
	if got := lastCalls(t, s, 10); len(got) != 3 {
		t.Errorf("LastCalls(10) = %d calls; want 3", len(got))
	}
}
