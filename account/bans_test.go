package account_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

func TestBan(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	tests := []struct {
		address string
		want    netip.Prefix
		in, out netip.Addr // a caller the ban refuses, and one it does not
	}{
		{"203.0.113.7", netip.MustParsePrefix("203.0.113.7/32"),
			netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("203.0.113.8")},
		{"198.51.100.9/24", netip.MustParsePrefix("198.51.100.0/24"),
			netip.MustParseAddr("198.51.100.200"), netip.MustParseAddr("198.51.101.1")},
		{"2001:db8::/48", netip.MustParsePrefix("2001:db8::/48"),
			netip.MustParseAddr("2001:db8:0:ffff::1"), netip.MustParseAddr("2001:db8:1::1")},
		// An IPv4 address written as IPv6 is named as what it is.
		{"::ffff:192.0.2.9", netip.MustParsePrefix("192.0.2.9/32"),
			netip.MustParseAddr("192.0.2.9"), netip.MustParseAddr("192.0.2.10")},
	}
	for _, tt := range tests {
		p, err := f.svc.Ban(t.Context(), tt.address)
		if err != nil || p != tt.want {
			t.Errorf("Ban(%q) = %v, %v; want %v", tt.address, p, err, tt.want)
			continue
		}
		if _, err := f.svc.Login(t.Context(), "erin", password, tt.in); !errors.Is(err, account.ErrBanned) {
			t.Errorf("after Ban(%q): Login(erin) from %v = %v; want %v", tt.address, tt.in, err, account.ErrBanned)
		}
		if _, err := f.svc.Login(t.Context(), "erin", password, tt.out); err != nil {
			t.Errorf("after Ban(%q): Login(erin) from %v = %v; want nil", tt.address, tt.out, err)
		}
	}
	for _, tt := range tests {
		p, err := f.svc.Unban(t.Context(), tt.address)
		if err != nil || p != tt.want {
			t.Errorf("Unban(%q) = %v, %v; want %v", tt.address, p, err, tt.want)
			continue
		}
		if _, err := f.svc.Login(t.Context(), "erin", password, tt.in); err != nil {
			t.Errorf("after Unban(%q): Login(erin) from %v = %v; want nil", tt.address, tt.in, err)
		}
	}

	for _, address := range []string{"", "junk", "203.0.113.300", "203.0.113.0/33", "fe80::1%eth0"} {
		if _, err := f.svc.Ban(t.Context(), address); !errors.Is(err, account.ErrInvalid) || account.Message(err) == "" {
			t.Errorf("Ban(%q) = %v; want %v with a message", address, err, account.ErrInvalid)
		}
		if _, err := f.svc.Unban(t.Context(), address); !errors.Is(err, account.ErrInvalid) {
			t.Errorf("Unban(%q) = %v; want %v", address, err, account.ErrInvalid)
		}
	}
	for _, address := range []string{"192.0.2.0/24", "203.0.113.7", "2001:db8::1"} {
		if _, err := f.svc.Unban(t.Context(), address); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Unban(%q), not banned = %v; want store.ErrNotFound", address, err)
		}
	}
}

func TestBanWithoutBans(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{noBans: true})
	if _, err := f.svc.Ban(t.Context(), "203.0.113.7"); !errors.Is(err, account.ErrNoBans) {
		t.Errorf("Ban(203.0.113.7) with no Bans = %v; want %v", err, account.ErrNoBans)
	}
	if _, err := f.svc.Unban(t.Context(), "203.0.113.7"); !errors.Is(err, account.ErrNoBans) {
		t.Errorf("Unban(203.0.113.7) with no Bans = %v; want %v", err, account.ErrNoBans)
	}
	// Failures are still failures, and never a ban.
	f.user("erin", password)
	for i := range 4 {
		if _, err := f.svc.Login(t.Context(), "erin", "battery staple", caller); !errors.Is(err, account.ErrLoginFailed) {
			t.Fatalf("try %d: Login(erin, wrong password) with no Bans = %v; want %v", i+1, err, account.ErrLoginFailed)
		}
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); err != nil {
		t.Errorf("Login(erin, right password) with no Bans = %v; want nil", err)
	}
}
