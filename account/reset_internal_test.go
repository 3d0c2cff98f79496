package account

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"
)

var codeFormat = regexp.MustCompile(`^[a-z2-7]{4}(-[a-z2-7]{4}){6}$`)

func TestNewResetCode(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		code, hash := newResetCode()
		if !codeFormat.MatchString(code) {
			t.Fatalf("newResetCode() = %q; want 7 groups of 4 base32 letters", code)
		}
		if hash != resetHash(code) || len(hash) != 64 {
			t.Fatalf("newResetCode() hash %q; want resetHash(%q) = %q", hash, code, resetHash(code))
		}
		if seen[code] {
			t.Fatalf("newResetCode() made %q twice", code)
		}
		seen[code] = true
	}
}

// FuzzResetHash: whatever a caller types as a code, it hashes, to the
// same as the code in capitals with spaces or dashes anywhere, and to
// nothing that stands for "no code".
func FuzzResetHash(f *testing.F) {
	code, _ := newResetCode()
	for _, s := range []string{code, strings.ToUpper(code), "", "-", " a b ", "\x00\xff", "é-É", strings.Repeat("abcd-", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		h := resetHash(typed)
		if len(h) != 64 || h == noResetHash {
			t.Fatalf("resetHash(%q) = %q", typed, h)
		}
		loose := strings.ReplaceAll(strings.ReplaceAll(typed, "-", " - "), "a", "A")
		if got := resetHash(loose); got != h {
			t.Errorf("resetHash(%q) = %q; resetHash(%q) = %q; want the same", loose, got, typed, h)
		}
	})
}

// TestWindowCounts: counts per key within a window from the key's first
// request; passed windows are dropped, and a full table evicts the
// oldest window rather than refusing.
func TestWindowCounts(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	key := func(s string) netip.Prefix { return netip.MustParsePrefix(s) }
	a, b, c, d := key("192.0.2.1/32"), key("192.0.2.2/32"), key("192.0.2.3/32"), key("192.0.2.4/32")
	w := newWindowCounts(3, time.Hour)
	steps := []struct {
		key  netip.Prefix
		at   time.Duration
		want int
		keys int
	}{
		{a, 0, 1, 1},
		{b, time.Minute, 1, 2},
		{a, 2 * time.Minute, 2, 2},
		{c, 3 * time.Minute, 1, 3},
		{d, 4 * time.Minute, 1, 3},               // full: a, the oldest window, goes
		{a, 5 * time.Minute, 1, 3},               // a starts again; b goes
		{c, 6 * time.Minute, 2, 3},               // c stayed
		{b, 7 * time.Minute, 1, 3},               // b starts again; c goes
		{c, time.Hour + 5*time.Minute, 1, 2},     // d's and a's windows passed
		{b, time.Hour + 7*time.Minute - 1, 2, 2}, // b's window, a nanosecond before it ends
		{b, time.Hour + 7*time.Minute, 1, 2},     // and at its end
	}
	for i, s := range steps {
		if got := w.add(s.key, t0.Add(s.at)); got != s.want || w.len() != s.keys || w.order.Len() != s.keys {
			t.Fatalf("step %d: add(%v, +%v) = %d with %d keys (%d listed); want %d with %d", i, s.key, s.at, got,
				w.len(), w.order.Len(), s.want, s.keys)
		}
	}
}

func TestPrefixes(t *testing.T) {
	for _, tt := range []struct{ addr, caller, network string }{
		{"192.0.2.7", "192.0.2.7/32", "192.0.2.0/24"},
		{"::ffff:192.0.2.7", "192.0.2.7/32", "192.0.2.0/24"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64", "2001:db8:1::/48"},
		{"fe80::1%eth0", "fe80::/64", "fe80::/48"},
	} {
		a := netip.MustParseAddr(tt.addr)
		if got := callerPrefix(a).String(); got != tt.caller {
			t.Errorf("callerPrefix(%s) = %s; want %s", tt.addr, got, tt.caller)
		}
		if got := networkPrefix(a).String(); got != tt.network {
			t.Errorf("networkPrefix(%s) = %s; want %s", tt.addr, got, tt.network)
		}
	}
	if callerPrefix(netip.Addr{}) != (netip.Prefix{}) || networkPrefix(netip.Addr{}) != (netip.Prefix{}) {
		t.Errorf("a caller not on IP is not counted under the zero prefix")
	}
}

func TestCutHandle(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"alice", "alice"},
		{strings.Repeat("a", 300), strings.Repeat("a", 256)},
		{"x" + strings.Repeat("é", 200), "x" + strings.Repeat("é", 127)},
		{strings.Repeat("é", 200), strings.Repeat("é", 128)},
		{"\xff" + strings.Repeat("a", 300), "\xff" + strings.Repeat("a", 255)},
	} {
		if got := cutHandle(tt.in); got != tt.want {
			t.Errorf("cutHandle(%.20q…) = %.20q… (%d bytes); want %d bytes", tt.in, got, len(got), len(tt.want))
		}
	}
}

func TestSpelledDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		15 * time.Minute: "15 minutes", time.Minute: "1 minute", time.Hour: "1 hour", 24 * time.Hour: "24 hours",
		90 * time.Minute: "1 hour 30 minutes", 61 * time.Second: "1 minute 1 second", 0: "0 seconds",
	} {
		if got := spelledDuration(d); got != want {
			t.Errorf("spelledDuration(%v) = %q; want %q", d, got, want)
		}
	}
}
