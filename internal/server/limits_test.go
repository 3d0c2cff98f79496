package server

import (
	"net"
	"net/netip"
	"testing"
)

// TestLimiter checks the exported limiter used by the web port: its
// default and set limits, callers counted per IPv4 address and IPv6 /64,
// and release.
func TestLimiter(t *testing.T) {
	type step struct {
		addr    string
		release bool // release addr instead of acquiring
		ok      bool
		reason  RefusalReason
	}
	tests := []struct {
		name       string
		total, per int
		steps      []step
	}{
		{"per address", 10, 2, []step{
			{addr: "192.0.2.1", ok: true},
			{addr: "192.0.2.1", ok: true},
			{addr: "192.0.2.1", reason: RefusedPerAddr},
			{addr: "192.0.2.2", ok: true},
			{addr: "192.0.2.1", release: true},
			{addr: "192.0.2.1", ok: true},
		}},
		{"total", 3, 2, []step{
			{addr: "192.0.2.1", ok: true},
			{addr: "192.0.2.2", ok: true},
			{addr: "2001:db8::1", ok: true},
			{addr: "2001:db8:0:1::1", reason: RefusedFull},
			{addr: "192.0.2.2", release: true},
			{addr: "2001:db8:0:1::1", ok: true},
		}},
		{"IPv6 /64", 10, 2, []step{
			{addr: "2001:db8:1:2::1", ok: true},
			{addr: "2001:db8:1:2:ffff:ffff:ffff:ffff", ok: true},
			{addr: "2001:db8:1:2:abcd::9", reason: RefusedPerAddr},
			{addr: "2001:db8:1:3::1", ok: true},
		}},
		{"defaults", 0, 0, func() []step {
			var s []step
			for range DefaultMaxPerAddress {
				s = append(s, step{addr: "192.0.2.1", ok: true})
			}
			return append(s, step{addr: "192.0.2.1", reason: RefusedPerAddr})
		}()},
	}
	for _, tt := range tests {
		l := Limiter{MaxTotal: tt.total, MaxPerAddress: tt.per}
		for i, s := range tt.steps {
			a := netip.MustParseAddr(s.addr)
			if s.release {
				l.Release(a)
				continue
			}
			reason, ok := l.Acquire(a)
			if ok != s.ok || reason != s.reason {
				t.Errorf("%s: step %d: Acquire(%s) = %q, %v; want %q, %v", tt.name, i, s.addr, reason, ok, s.reason, s.ok)
			}
		}
	}

	var l Limiter
	a := netip.MustParseAddr("2001:db8::1")
	l.Acquire(a)
	l.Acquire(netip.MustParseAddr("2001:db8::2"))
	if total, per := l.Counts(netip.MustParseAddr("2001:db8::ffff")); total != 2 || per != 2 {
		t.Errorf("Counts = %d, %d; want 2, 2 (one /64)", total, per)
	}
}

func TestAddrOf(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 23}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.1"), Port: 23}, "192.0.2.1"},
		{&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 23}, "2001:db8::1"},
		{&net.UnixAddr{Name: "/x", Net: "unix"}, "invalid IP"},
		{nil, "invalid IP"},
	}
	for _, tt := range tests {
		if got := AddrOf(tt.addr).String(); got != tt.want {
			t.Errorf("AddrOf(%v) = %s; want %s", tt.addr, got, tt.want)
		}
	}
	if got := CallerOf(netip.MustParseAddr("2001:db8:1:2:3::4")).String(); got != "2001:db8:1:2::/64" {
		t.Errorf("CallerOf(2001:db8:1:2:3::4) = %s; want 2001:db8:1:2::/64", got)
	}
}
