package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestPublicWho checks that /api/who answers only when PublicWho is set,
// and otherwise is a page that does not exist.
func TestPublicWho(t *testing.T) {
	t.Parallel()
	tests := []struct {
		public bool
		status int
		body   string
	}{
		{true, 200, "[]\n"},
		{false, 404, `{"error":"no such page"}` + "\n"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		New(Config{PublicWho: tt.public}).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/who", nil))
		if rec.Code != tt.status || rec.Body.String() != tt.body {
			t.Errorf("PublicWho %v: GET /api/who = %d %q; want %d %q", tt.public, rec.Code, rec.Body.String(), tt.status, tt.body)
		}
	}
}

// TestPostBusyPerNetwork checks that the API's logins in progress are
// counted per IPv4 address and per IPv6 /64, as bans are.
func TestPostBusyPerNetwork(t *testing.T) {
	tests := []struct {
		name string
		busy []string // logins in progress
		next string
		want bool
	}{
		{"IPv4, same address", []string{"192.0.2.7", "192.0.2.7"}, "192.0.2.7", false},
		{"IPv4, next address", []string{"192.0.2.7", "192.0.2.7"}, "192.0.2.8", true},
		{"IPv4, one in progress", []string{"192.0.2.7"}, "192.0.2.7", true},
		{"IPv6, same /64", []string{"2001:db8:1:2::1", "2001:db8:1:2:aaaa::2"}, "2001:db8:1:2:ffff:ffff:ffff:ffff", false},
		{"IPv6, next /64", []string{"2001:db8:1:2::1", "2001:db8:1:2::2"}, "2001:db8:1:3::1", true},
		{"IPv6, one in progress", []string{"2001:db8:1:2::1"}, "2001:db8:1:2::99", true},
	}
	for _, tt := range tests {
		s := New(Config{})
		for _, a := range tt.busy {
			if !s.beginPost(netip.MustParseAddr(a)) {
				t.Fatalf("%s: beginPost(%s) refused while setting up", tt.name, a)
			}
		}
		if got := s.beginPost(netip.MustParseAddr(tt.next)); got != tt.want {
			t.Errorf("%s: with %v in progress, beginPost(%s) = %v; want %v", tt.name, tt.busy, tt.next, got, tt.want)
		}
	}

	// Ending the logins frees the /64.
	s := New(Config{})
	a, b := netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")
	s.beginPost(a)
	s.beginPost(b)
	s.endPost(a)
	if !s.beginPost(netip.MustParseAddr("2001:db8::3")) {
		t.Errorf("beginPost after one login of the /64 ended = false; want true")
	}
	s.endPost(b)
	s.endPost(netip.MustParseAddr("2001:db8::3"))
	if len(s.postBusy) != 0 {
		t.Errorf("postBusy = %v after every login ended; want empty", s.postBusy)
	}
}
