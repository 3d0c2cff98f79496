package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// bans returns every ban or ends the test.
func bans(t *testing.T, s *store.Store) []store.Ban {
	t.Helper()
	bs, err := s.Bans.Bans(t.Context())
	if err != nil {
		t.Fatalf("Bans() = %v; want nil", err)
	}
	return bs
}

// putBan stores b or ends the test.
func putBan(t *testing.T, s *store.Store, b store.Ban) {
	t.Helper()
	if err := s.Bans.PutBan(t.Context(), b); err != nil {
		t.Fatalf("PutBan(%q) = %v; want nil", b.Prefix, err)
	}
}

func testBans(t *testing.T, s *store.Store) {
	ctx := t.Context()
	if got := bans(t, s); len(got) != 0 {
		t.Errorf("Bans() on empty store = %+v; want none", got)
	}
	host := store.Ban{Prefix: "192.0.2.7/32", Until: base().Add(time.Hour), Strikes: 1, Reason: "too many logins", Created: base()}
	// A zero Until is a ban for ever, and must stay zero.
	net6 := store.Ban{Prefix: "2001:db8::/48", Strikes: 3, Reason: "sysop", Created: base().Add(time.Minute)}
	net4 := store.Ban{Prefix: "10.0.0.0/8", Until: base().Add(24 * time.Hour), Strikes: 2, Reason: "scans", Created: base().Add(2 * time.Minute)}
	for _, b := range []store.Ban{host, net6, net4} {
		putBan(t, s, b)
	}
	// Sorted by prefix, byte by byte.
	want := []store.Ban{net4, host, net6}
	if got := bans(t, s); !slices.EqualFunc(got, want, sameBan) {
		t.Errorf("Bans() = %+v; want %+v", got, want)
	}

	// PutBan on a banned prefix replaces the ban.
	again := store.Ban{Prefix: host.Prefix, Until: base().Add(4 * time.Hour), Strikes: 2, Reason: "again", Created: base().Add(3 * time.Hour)}
	putBan(t, s, again)
	forever := net4
	forever.Until = time.Time{}
	putBan(t, s, forever)
	want = []store.Ban{forever, again, net6}
	if got := bans(t, s); !slices.EqualFunc(got, want, sameBan) {
		t.Errorf("Bans() after PutBan on banned prefixes = %+v; want %+v", got, want)
	}

	tests := []struct {
		prefix string
		want   error
	}{
		{net4.Prefix, nil},
		{net4.Prefix, store.ErrNotFound},
		{"198.51.100.0/24", store.ErrNotFound},
		{"2001:DB8::/48", store.ErrNotFound}, // prefixes are compared as given
		{"", store.ErrNotFound},
	}
	for _, tt := range tests {
		if err := s.Bans.DeleteBan(ctx, tt.prefix); !errors.Is(err, tt.want) {
			t.Errorf("DeleteBan(%q) = %v; want %v", tt.prefix, err, tt.want)
		}
	}
	want = []store.Ban{again, net6}
	if got := bans(t, s); !slices.EqualFunc(got, want, sameBan) {
		t.Errorf("Bans() after DeleteBan = %+v; want %+v", got, want)
	}
}
