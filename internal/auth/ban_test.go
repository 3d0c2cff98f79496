package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/store"
)

// memBans is an in-memory store.Bans.
type memBans struct {
	mu   sync.Mutex
	m    map[string]store.Ban
	fail error // returned by every call when set
}

func newMemBans() *memBans { return &memBans{m: make(map[string]store.Ban)} }

func (s *memBans) PutBan(_ context.Context, b store.Ban) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.m[b.Prefix] = b
	return nil
}

func (s *memBans) DeleteBan(_ context.Context, prefix string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	if _, ok := s.m[prefix]; !ok {
		return store.ErrNotFound
	}
	delete(s.m, prefix)
	return nil
}

func (s *memBans) Bans(context.Context) ([]store.Ban, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, s.fail
	}
	var list []store.Ban
	for _, b := range s.m {
		list = append(list, b)
	}
	slices.SortFunc(list, func(a, b store.Ban) int { return strings.Compare(a.Prefix, b.Prefix) })
	return list, nil
}

func (s *memBans) get(prefix string) (store.Ban, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[prefix]
	return b, ok
}

func (s *memBans) setFail(err error) {
	s.mu.Lock()
	s.fail = err
	s.mu.Unlock()
}

// clock is a settable time source for BanConfig.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

var epoch = time.Date(2026, 1, 2, 14, 0, 0, 0, time.UTC)

func newClock() *clock { return &clock{t: epoch} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(d time.Duration) {
	c.mu.Lock()
	c.t = epoch.Add(d)
	c.mu.Unlock()
}

func newBanner(t *testing.T, cfg BanConfig, bans store.Bans) *Banner {
	t.Helper()
	b, err := NewBanner(t.Context(), cfg, bans, nil)
	if err != nil {
		t.Fatalf("NewBanner() error = %v", err)
	}
	return b
}

// checkResult describes Check's answer: "ok", "permanent", or the ban's
// end as an offset from epoch ("until 6m29s").
func checkResult(err error) string {
	var be *BannedError
	switch {
	case err == nil:
		return "ok"
	case !errors.As(err, &be):
		return "error " + err.Error()
	case be.Permanent:
		return "permanent"
	}
	return "until " + be.Until.Sub(epoch).String()
}

func TestBannerSequences(t *testing.T) {
	type step struct {
		at   time.Duration // since epoch
		op   string        // fail, ok (a successful login) or check
		addr string
		want string // fail: "banned" or ""; check: as checkResult
	}
	const a, b6 = "192.0.2.1", "2001:db8::1"
	tests := []struct {
		name  string
		cfg   BanConfig
		steps []step
	}{
		{"three failures within 30s ban for 6m", BanConfig{}, []step{
			{0, "fail", a, ""},
			{10 * time.Second, "fail", a, ""},
			{10 * time.Second, "check", a, "ok"},
			{29 * time.Second, "fail", a, "banned"},
			{29 * time.Second, "check", a, "until 6m29s"},
			{6*time.Minute + 28*time.Second, "check", a, "until 6m29s"},
			{6*time.Minute + 29*time.Second, "check", a, "ok"},
		}},
		{"failures spread wider than the window", BanConfig{}, []step{
			{0, "fail", a, ""},
			{20 * time.Second, "fail", a, ""},
			{30 * time.Second, "fail", a, ""}, // opens a new window
			{40 * time.Second, "fail", a, ""},
			{40 * time.Second, "check", a, "ok"},
			{59 * time.Second, "fail", a, "banned"},
			{59 * time.Second, "check", a, "until 6m59s"},
		}},
		{"a failure while banned changes nothing", BanConfig{}, []step{
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "fail", a, "banned"},
			{time.Minute, "fail", a, "banned"},
			{time.Minute, "check", a, "until 6m0s"},
		}},
		{"after a ban, a new window", BanConfig{}, []step{
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "fail", a, "banned"},
			{6 * time.Minute, "fail", a, ""},
			{6 * time.Minute, "check", a, "ok"},
		}},
		{"repeat bans grow", BanConfig{}, []step{
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "fail", a, "banned"},
			{0, "check", a, "until 6m0s"},
			{10 * time.Minute, "fail", a, ""},
			{10 * time.Minute, "fail", a, ""},
			{10 * time.Minute, "fail", a, "banned"},
			{10 * time.Minute, "check", a, "until 22m0s"},
			{time.Hour, "fail", a, ""},
			{time.Hour, "fail", a, ""},
			{time.Hour, "fail", a, "banned"},
			{time.Hour, "check", a, "until 1h18m0s"},
		}},
		{"repeat bans capped", BanConfig{MaxBanTime: 10 * time.Minute}, []step{
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "fail", a, "banned"},
			{10 * time.Minute, "fail", a, ""},
			{10 * time.Minute, "fail", a, ""},
			{10 * time.Minute, "fail", a, "banned"},
			{10 * time.Minute, "check", a, "until 20m0s"},
		}},
		{"no increment", BanConfig{Increment: -1}, []step{
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "fail", a, "banned"},
			{10 * time.Minute, "fail", a, ""},
			{10 * time.Minute, "fail", a, ""},
			{10 * time.Minute, "fail", a, "banned"},
			{10 * time.Minute, "check", a, "until 16m0s"},
		}},
		{"custom limits", BanConfig{MaxFailures: 1, BanTime: time.Hour}, []step{
			{0, "fail", a, "banned"},
			{0, "check", a, "until 1h0m0s"},
		}},
		{"addresses are counted apart", BanConfig{}, []step{
			{0, "fail", "192.0.2.1", ""},
			{0, "fail", "192.0.2.2", ""},
			{0, "fail", "192.0.2.1", ""},
			{0, "fail", "192.0.2.2", ""},
			{0, "check", "192.0.2.1", "ok"},
			{0, "fail", "192.0.2.2", "banned"},
			{0, "check", "192.0.2.1", "ok"},
			{0, "check", "192.0.2.2", "until 6m0s"},
		}},
		{"IPv4-mapped IPv6 is IPv4", BanConfig{}, []step{
			{0, "fail", "::ffff:" + a, ""},
			{0, "fail", a, ""},
			{0, "fail", "::ffff:" + a, "banned"},
			{0, "check", a, "until 6m0s"},
			{0, "check", "::ffff:" + a, "until 6m0s"},
		}},
		{"IPv6", BanConfig{}, []step{
			{0, "fail", b6, ""},
			{0, "fail", "2001:db8::1%eth0", ""},
			{0, "fail", b6, "banned"},
			{0, "check", b6, "until 6m0s"},
			{0, "check", "2001:db8::2", "until 6m0s"},
			{0, "check", "2001:db8:0:1::1", "ok"},
		}},
		{"IPv6 failures add up per /64", BanConfig{}, []step{
			{0, "fail", "2001:db8:1:2::1", ""},
			{1 * time.Second, "fail", "2001:db8:1:2:aaaa::2", ""},
			{1 * time.Second, "check", "2001:db8:1:2::1", "ok"},
			{2 * time.Second, "fail", "2001:db8:1:2:ffff:ffff:ffff:ffff", "banned"},
			{2 * time.Second, "check", "2001:db8:1:2::1", "until 6m2s"},
			{2 * time.Second, "check", "2001:db8:1:2:1234::5", "until 6m2s"}, // a fourth address
			{2 * time.Second, "check", "2001:db8:1:2::", "until 6m2s"},
			{2 * time.Second, "check", "2001:db8:1:3::1", "ok"}, // the next /64
			{2 * time.Second, "check", "2001:db8:1:1:ffff:ffff:ffff:ffff", "ok"},
			{2 * time.Second, "fail", "2001:db8:1:2::9", "banned"},
			{6*time.Minute + 2*time.Second, "check", "2001:db8:1:2::1", "ok"},
		}},
		{"IPv6 /64s are counted apart", BanConfig{}, []step{
			{0, "fail", "2001:db8:0:1::1", ""},
			{0, "fail", "2001:db8:0:2::1", ""},
			{0, "fail", "2001:db8:0:1::2", ""},
			{0, "fail", "2001:db8:0:2::2", ""},
			{0, "check", "2001:db8:0:1::1", "ok"},
			{0, "fail", "2001:db8:0:2::3", "banned"},
			{0, "check", "2001:db8:0:1::1", "ok"},
			{0, "check", "2001:db8:0:2::1", "until 6m0s"},
		}},
		{"IPv6 repeat bans grow per /64", BanConfig{}, []step{
			{0, "fail", "2001:db8::1", ""},
			{0, "fail", "2001:db8::2", ""},
			{0, "fail", "2001:db8::3", "banned"},
			{0, "check", "2001:db8::4", "until 6m0s"},
			{10 * time.Minute, "fail", "2001:db8::5", ""},
			{10 * time.Minute, "fail", "2001:db8::6", ""},
			{10 * time.Minute, "fail", "2001:db8::7", "banned"},
			{10 * time.Minute, "check", "2001:db8::8", "until 22m0s"},
			{time.Hour, "fail", "2001:db8::a:1", ""},
			{time.Hour, "fail", "2001:db8::b:1", ""},
			{time.Hour, "fail", "2001:db8::c:1", "banned"},
			{time.Hour, "check", "2001:db8::d:1", "until 1h18m0s"},
			// Another /64 of the same /48 starts from no strikes.
			{time.Hour, "fail", "2001:db8:0:1::1", ""},
			{time.Hour, "fail", "2001:db8:0:1::2", ""},
			{time.Hour, "fail", "2001:db8:0:1::3", "banned"},
			{time.Hour, "check", "2001:db8:0:1::4", "until 1h6m0s"},
		}},
		{"IPv4 addresses of one /24 are counted apart", BanConfig{}, []step{
			{0, "fail", "192.0.2.1", ""},
			{0, "fail", "192.0.2.2", ""},
			{0, "fail", "192.0.2.3", ""},
			{0, "check", "192.0.2.1", "ok"},
			{0, "check", "192.0.2.4", "ok"},
		}},
		{"allow list inside a banned /64", BanConfig{Allow: []netip.Prefix{netip.MustParsePrefix("2001:db8::1/128")}}, []step{
			{0, "fail", "2001:db8::1", ""},
			{0, "fail", "2001:db8::1", ""},
			{0, "fail", "2001:db8::1", ""},
			{0, "check", "2001:db8::1", "ok"},
			{0, "fail", "2001:db8::2", ""},
			{0, "fail", "2001:db8::3", ""},
			{0, "fail", "2001:db8::4", "banned"},
			{0, "check", "2001:db8::5", "until 6m0s"},
			{0, "check", "2001:db8::1", "ok"},
		}},
		{"allow list is never banned", BanConfig{Allow: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}, []step{
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "check", a, "ok"},
			{0, "fail", "198.51.100.1", ""},
			{0, "fail", "198.51.100.1", ""},
			{0, "fail", "198.51.100.1", "banned"},
		}},
		{"allow list covers IPv4-mapped", BanConfig{Allow: []netip.Prefix{netip.MustParsePrefix("::ffff:192.0.2.0/120")}}, []step{
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "check", a, "ok"},
		}},
		{"deny list is always banned", BanConfig{Deny: []netip.Prefix{netip.MustParsePrefix("198.51.100.7/32")}}, []step{
			{0, "check", "198.51.100.7", "permanent"},
			{0, "check", "::ffff:198.51.100.7", "permanent"},
			{0, "check", "198.51.100.8", "ok"},
			{0, "fail", "198.51.100.7", "banned"},
			{48 * time.Hour, "check", "198.51.100.7", "permanent"},
		}},
		{"deny wins over allow", BanConfig{
			Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
			Deny:  []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")},
		}, []step{
			{0, "check", "10.1.2.3", "permanent"},
			{0, "check", "10.2.2.3", "ok"},
		}},
		{"no address, no ban", BanConfig{MaxFailures: 1}, []step{
			{0, "fail", "", ""},
			{0, "check", "", "ok"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			tt.cfg.Now = clk.Now
			bn := newBanner(t, tt.cfg, newMemBans())
			for i, s := range tt.steps {
				clk.set(s.at)
				var addr netip.Addr
				if s.addr != "" {
					addr = netip.MustParseAddr(s.addr)
				}
				switch s.op {
				case "fail":
					banned, err := bn.Failed(t.Context(), addr)
					got := ""
					if banned {
						got = "banned"
					}
					if got != s.want || err != nil {
						t.Errorf("step %d at %v: Failed(%s) = %v, %v; want %q", i, s.at, s.addr, banned, err, s.want)
					}
				case "check":
					if got := checkResult(bn.Check(addr)); got != s.want {
						t.Errorf("step %d at %v: Check(%s) = %s; want %s", i, s.at, s.addr, got, s.want)
					}
				default:
					t.Fatalf("step %d: unknown op %q", i, s.op)
				}
			}
		})
	}
}

func TestBannerPrefixBans(t *testing.T) {
	clk := newClock()
	bans := newMemBans()
	bn := newBanner(t, BanConfig{Now: clk.Now}, bans)
	ctx := t.Context()
	for _, b := range []struct {
		prefix string
		d      time.Duration
	}{
		{"192.0.2.77/24", time.Hour}, // host bits are cleared
		{"198.51.0.0/16", 2 * time.Hour},
		{"198.51.100.0/24", time.Hour},
		{"203.0.113.0/24", time.Hour},
		{"203.0.113.9/32", 0},
		{"::ffff:100.64.0.0/106", time.Minute}, // 100.64.0.0/10
		{"2001:db8::/32", 0},
		{"2001:db9:1::1/128", time.Hour}, // kept as given, not widened to its /64
	} {
		if err := bn.Ban(ctx, netip.MustParsePrefix(b.prefix), b.d, "spam"); err != nil {
			t.Fatalf("Ban(%s, %v) error = %v", b.prefix, b.d, err)
		}
	}
	tests := []struct{ addr, want string }{
		{"192.0.2.0", "until 1h0m0s"},
		{"192.0.2.255", "until 1h0m0s"},
		{"::ffff:192.0.2.9", "until 1h0m0s"},
		{"192.0.3.1", "ok"},
		{"198.51.100.1", "until 2h0m0s"}, // the longer of two bans
		{"198.51.7.1", "until 2h0m0s"},
		{"203.0.113.9", "permanent"}, // permanent beats timed
		{"203.0.113.10", "until 1h0m0s"},
		{"100.127.255.255", "until 1m0s"},
		{"100.128.0.0", "ok"},
		{"2001:db8:ffff::1", "permanent"},
		{"2001:db9::1", "ok"},
		{"2001:db9:1::1", "until 1h0m0s"},
		{"2001:db9:1::2", "ok"},
	}
	for _, tt := range tests {
		if got := checkResult(bn.Check(netip.MustParseAddr(tt.addr))); got != tt.want {
			t.Errorf("Check(%s) = %s; want %s", tt.addr, got, tt.want)
		}
	}

	var got []string
	for _, b := range bn.List() {
		got = append(got, fmt.Sprintf("%v %v %d %s", b.Prefix, b.Until.Sub(epoch), b.Strikes, b.Reason))
	}
	want := []string{
		"100.64.0.0/10 1m0s 1 spam",
		"192.0.2.0/24 1h0m0s 1 spam",
		"198.51.0.0/16 2h0m0s 1 spam",
		"198.51.100.0/24 1h0m0s 1 spam",
		"203.0.113.0/24 1h0m0s 1 spam",
		fmt.Sprintf("203.0.113.9/32 %v 1 spam", time.Time{}.Sub(epoch)),
		fmt.Sprintf("2001:db8::/32 %v 1 spam", time.Time{}.Sub(epoch)),
		"2001:db9:1::1/128 1h0m0s 1 spam",
	}
	if !slices.Equal(got, want) {
		t.Errorf("List() = %q; want %q", got, want)
	}
	if sb, ok := bans.get("2001:db8::/32"); !ok || !sb.Until.IsZero() || sb.Reason != "spam" || !sb.Created.Equal(epoch) {
		t.Errorf("store has %+v, %v for 2001:db8::/32; want a permanent ban", sb, ok)
	}

	// Unban lifts exactly one prefix.
	if err := bn.Unban(ctx, netip.MustParsePrefix("198.51.0.0/16")); err != nil {
		t.Errorf("Unban(198.51.0.0/16) error = %v", err)
	}
	if got := checkResult(bn.Check(netip.MustParseAddr("198.51.100.1"))); got != "until 1h0m0s" {
		t.Errorf("after Unban, Check(198.51.100.1) = %s; want until 1h0m0s", got)
	}
	if got := checkResult(bn.Check(netip.MustParseAddr("198.51.7.1"))); got != "ok" {
		t.Errorf("after Unban, Check(198.51.7.1) = %s; want ok", got)
	}
	if _, ok := bans.get("198.51.0.0/16"); ok {
		t.Errorf("after Unban, the store still has 198.51.0.0/16")
	}
	if err := bn.Unban(ctx, netip.MustParsePrefix("198.51.0.0/16")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Unban(198.51.0.0/16) twice error = %v; want store.ErrNotFound", err)
	}
	if err := bn.Unban(ctx, netip.MustParsePrefix("::ffff:100.64.0.0/106")); err != nil {
		t.Errorf("Unban(::ffff:100.64.0.0/106) error = %v; want it to lift 100.64.0.0/10", err)
	}

	// A sysop's ban replaces an automatic one and adds a strike.
	clk.set(time.Minute)
	if err := bn.Ban(ctx, netip.MustParsePrefix("192.0.2.0/24"), 0, "sysop"); err != nil {
		t.Fatal(err)
	}
	if got := checkResult(bn.Check(netip.MustParseAddr("192.0.2.1"))); got != "permanent" {
		t.Errorf("after a permanent Ban, Check(192.0.2.1) = %s; want permanent", got)
	}
	if sb, _ := bans.get("192.0.2.0/24"); sb.Strikes != 2 || sb.Reason != "sysop" {
		t.Errorf("store has %+v for 192.0.2.0/24; want 2 strikes, reason sysop", sb)
	}

	for _, p := range []netip.Prefix{{}, netip.MustParsePrefix("192.0.2.0/24")} {
		d := -time.Second
		if !p.IsValid() {
			d = time.Second
		}
		if err := bn.Ban(ctx, p, d, "x"); err == nil || !strings.HasPrefix(err.Error(), "auth: ") {
			t.Errorf("Ban(%v, %v) error = %v; want an auth: error", p, d, err)
		}
	}
	if err := bn.Unban(ctx, netip.Prefix{}); err == nil {
		t.Errorf("Unban(invalid prefix) error = nil")
	}
}

// TestBannerUnbanForgetsFailures: after Unban, the failures counted inside
// the prefix start again from zero.
func TestBannerUnbanForgetsFailures(t *testing.T) {
	clk := newClock()
	bn := newBanner(t, BanConfig{Now: clk.Now}, nil)
	ctx := t.Context()
	a := netip.MustParseAddr("192.0.2.1")
	bn.Failed(ctx, a)
	bn.Failed(ctx, a)
	if err := bn.Ban(ctx, netip.MustParsePrefix("192.0.2.0/24"), time.Hour, ""); err != nil {
		t.Fatal(err)
	}
	if err := bn.Unban(ctx, netip.MustParsePrefix("192.0.2.0/24")); err != nil {
		t.Fatal(err)
	}
	if banned, _ := bn.Failed(ctx, a); banned {
		t.Errorf("Failed after Unban = banned; want the count to restart")
	}
	// An IPv6 caller's failures are its /64's: unbanning any prefix that
	// overlaps the /64 forgets them.
	for _, p := range []string{"2001:db8::/32", "2001:db8::1/128", "2001:db8::/64"} {
		bn.Failed(ctx, netip.MustParseAddr("2001:db8::1"))
		bn.Failed(ctx, netip.MustParseAddr("2001:db8::2"))
		bn.Unban(ctx, netip.MustParsePrefix(p))
		if banned, _ := bn.Failed(ctx, netip.MustParseAddr("2001:db8::3")); banned {
			t.Errorf("Failed after Unban(%s) = banned; want the /64's count to restart", p)
		}
		bn.Unban(ctx, netip.MustParsePrefix("2001:db8::/64"))
	}
	bn.Failed(ctx, netip.MustParseAddr("2001:db8::1"))
	bn.Failed(ctx, netip.MustParseAddr("2001:db8::2"))
	bn.Unban(ctx, netip.MustParsePrefix("2001:db8:0:1::/64"))
	if banned, _ := bn.Failed(ctx, netip.MustParseAddr("2001:db8::3")); !banned {
		t.Errorf("Failed after Unban(another /64) = not banned; want the count kept")
	}
	// With no store, Unban of nothing is still ErrNotFound.
	if err := bn.Unban(ctx, netip.MustParsePrefix("10.0.0.0/8")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Unban(never banned) error = %v; want store.ErrNotFound", err)
	}
}

func TestBannerPersistence(t *testing.T) {
	clk := newClock()
	bans := newMemBans()
	ctx := t.Context()
	a := netip.MustParseAddr("192.0.2.1")
	cfg := BanConfig{Now: clk.Now}

	bn := newBanner(t, cfg, bans)
	for range 3 {
		bn.Failed(ctx, a)
	}
	want := store.Ban{Prefix: "192.0.2.1/32", Until: epoch.Add(6 * time.Minute), Strikes: 1, Reason: ReasonLoginFailures, Created: epoch}
	if got, _ := bans.get("192.0.2.1/32"); got != want {
		t.Errorf("after a ban, store has %+v; want %+v", got, want)
	}

	// A new Banner over the same store sees the ban...
	bn = newBanner(t, cfg, bans)
	if got := checkResult(bn.Check(a)); got != "until 6m0s" {
		t.Errorf("new Banner: Check(%v) = %s; want until 6m0s", a, got)
	}
	// ...and, once it has expired, remembers the strike.
	clk.set(time.Hour)
	bn = newBanner(t, cfg, bans)
	if got := checkResult(bn.Check(a)); got != "ok" {
		t.Errorf("new Banner after expiry: Check(%v) = %s; want ok", a, got)
	}
	for range 3 {
		bn.Failed(ctx, a)
	}
	if got := checkResult(bn.Check(a)); got != "until 1h12m0s" {
		t.Errorf("second ban: Check(%v) = %s; want until 1h12m0s", a, got)
	}
	if got, _ := bans.get("192.0.2.1/32"); got.Strikes != 2 {
		t.Errorf("second ban: store has %+v; want 2 strikes", got)
	}

	// Expired bans go after KeepExpired, from memory and store, and
	// their strikes with them.
	clk.set(8 * 24 * time.Hour)
	bn = newBanner(t, cfg, bans)
	if l := bn.List(); len(l) != 0 {
		t.Errorf("8 days later: List() = %+v; want none", l)
	}
	if l, _ := bans.Bans(ctx); len(l) != 0 {
		t.Errorf("8 days later: store holds %+v; want none", l)
	}
	for range 3 {
		bn.Failed(ctx, a)
	}
	if got := checkResult(bn.Check(a)); got != "until 192h6m0s" {
		t.Errorf("ban after pruning: Check(%v) = %s; want until 192h6m0s", a, got)
	}
}

// TestBannerPersistenceIPv6: a ban earned by an IPv6 /64 is saved as the
// /64, and a new Banner refuses every address in it and remembers its
// strikes. Bans saved on single IPv6 addresses (as older versions did)
// still hold.
func TestBannerPersistenceIPv6(t *testing.T) {
	clk := newClock()
	bans := newMemBans()
	ctx := t.Context()
	cfg := BanConfig{Now: clk.Now}
	addr := netip.MustParseAddr

	bans.PutBan(ctx, store.Ban{Prefix: "2001:db8:ffff::7/128", Until: epoch.Add(time.Hour), Strikes: 1, Reason: ReasonLoginFailures, Created: epoch})
	bn := newBanner(t, cfg, bans)
	for _, a := range []string{"2001:db8::1", "2001:db8::2", "2001:db8::3"} {
		bn.Failed(ctx, addr(a))
	}
	want := store.Ban{Prefix: "2001:db8::/64", Until: epoch.Add(6 * time.Minute), Strikes: 1, Reason: ReasonLoginFailures, Created: epoch}
	if got, _ := bans.get("2001:db8::/64"); got != want {
		t.Errorf("after a ban, store has %+v; want %+v", got, want)
	}

	bn = newBanner(t, cfg, bans)
	tests := []struct{ addr, want string }{
		{"2001:db8::1", "until 6m0s"},
		{"2001:db8::ffff", "until 6m0s"},
		{"2001:db8:0:1::1", "ok"},
		{"2001:db8:ffff::7", "until 1h0m0s"},
		{"2001:db8:ffff::8", "ok"},
	}
	for _, tt := range tests {
		if got := checkResult(bn.Check(addr(tt.addr))); got != tt.want {
			t.Errorf("new Banner: Check(%s) = %s; want %s", tt.addr, got, tt.want)
		}
	}

	clk.set(2 * time.Hour)
	bn = newBanner(t, cfg, bans)
	for _, a := range []string{"2001:db8::a", "2001:db8::b", "2001:db8::c"} {
		bn.Failed(ctx, addr(a))
	}
	if got := checkResult(bn.Check(addr("2001:db8::d"))); got != "until 2h12m0s" {
		t.Errorf("second ban: Check(2001:db8::d) = %s; want until 2h12m0s", got)
	}
	if got, _ := bans.get("2001:db8::/64"); got.Strikes != 2 {
		t.Errorf("second ban: store has %+v; want 2 strikes", got)
	}
}

// TestBannerPruneWhileRunning: a running Banner prunes old bans when it
// adds one, at most every pruneEvery.
func TestBannerPruneWhileRunning(t *testing.T) {
	clk := newClock()
	bans := newMemBans()
	ctx := t.Context()
	bn := newBanner(t, BanConfig{Now: clk.Now, KeepExpired: time.Hour, MaxFailures: 1}, bans)
	bn.Failed(ctx, netip.MustParseAddr("192.0.2.1")) // until 6m
	if err := bn.Ban(ctx, netip.MustParsePrefix("10.0.0.0/8"), 0, "permanent"); err != nil {
		t.Fatal(err)
	}
	clk.set(time.Hour + 7*time.Minute) // 192.0.2.1 expired 61 minutes ago
	bn.Failed(ctx, netip.MustParseAddr("192.0.2.2"))
	var got []string
	for _, b := range bn.List() {
		got = append(got, b.Prefix.String())
	}
	if want := []string{"10.0.0.0/8", "192.0.2.2/32"}; !slices.Equal(got, want) {
		t.Errorf("List() = %v; want %v", got, want)
	}
	if _, ok := bans.get("192.0.2.1/32"); ok {
		t.Errorf("store still holds the pruned 192.0.2.1/32")
	}
}

func TestBannerStoreErrors(t *testing.T) {
	clk := newClock()
	bans := newMemBans()
	ctx := t.Context()
	a := netip.MustParseAddr("192.0.2.1")
	bn := newBanner(t, BanConfig{Now: clk.Now, MaxFailures: 1}, bans)

	boom := errors.New("disk full")
	bans.setFail(boom)
	banned, err := bn.Failed(ctx, a)
	if !banned || !errors.Is(err, boom) {
		t.Errorf("Failed with a failing store = %v, %v; want true, %v", banned, err, boom)
	}
	if got := checkResult(bn.Check(a)); got != "until 6m0s" {
		t.Errorf("Check after a failed save = %s; want the ban in force", got)
	}
	if _, err := NewBanner(ctx, BanConfig{}, bans, nil); !errors.Is(err, boom) {
		t.Errorf("NewBanner over a failing store error = %v; want %v", err, boom)
	}
	// Pruning a ban the store never got is no error.
	bans.setFail(nil)
	clk.set(8 * 24 * time.Hour)
	b2 := netip.MustParseAddr("192.0.2.2")
	if banned, err := bn.Failed(ctx, b2); !banned || err != nil {
		t.Errorf("Failed while pruning an unsaved ban = %v, %v; want true, nil", banned, err)
	}
	if l := bn.List(); len(l) != 1 || l[0].Prefix.Addr() != b2 {
		t.Errorf("List() = %+v; want only the ban on %v", l, b2)
	}
	// Unban of a ban that was never saved succeeds.
	bn.Ban(ctx, netip.PrefixFrom(a, 32), time.Hour, "")
	bans.setFail(boom)
	bn.Ban(ctx, netip.PrefixFrom(a, 32), time.Hour, "unsaved")
	bans.setFail(nil)
	bans.DeleteBan(ctx, "192.0.2.1/32")
	if err := bn.Unban(ctx, netip.PrefixFrom(a, 32)); err != nil {
		t.Errorf("Unban(unsaved ban) error = %v; want nil", err)
	}
	// Unban of a ban only the store holds (another process wrote it)
	// deletes it.
	bans.PutBan(ctx, store.Ban{Prefix: "10.0.0.0/8"})
	if err := bn.Unban(ctx, netip.MustParsePrefix("10.0.0.0/8")); err != nil {
		t.Errorf("Unban(ban only in the store) error = %v; want nil", err)
	}
	if _, ok := bans.get("10.0.0.0/8"); ok {
		t.Errorf("after Unban, the store still holds 10.0.0.0/8")
	}
	// A store error reaches Unban's caller.
	bans.setFail(boom)
	if err := bn.Unban(ctx, netip.PrefixFrom(b2, 32)); !errors.Is(err, boom) {
		t.Errorf("Unban with a failing store error = %v; want %v", err, boom)
	}
}

func TestNewBannerSkipsBadRows(t *testing.T) {
	bans := newMemBans()
	ctx := t.Context()
	bans.PutBan(ctx, store.Ban{Prefix: "not a prefix"})
	bans.PutBan(ctx, store.Ban{Prefix: "::ffff:192.0.2.0/120", Strikes: 4})
	bn := newBanner(t, BanConfig{Now: newClock().Now}, bans)
	l := bn.List()
	if len(l) != 1 || l[0].Prefix != netip.MustParsePrefix("192.0.2.0/24") || l[0].Strikes != 4 || !l[0].Permanent() {
		t.Errorf("List() = %+v; want the one permanent ban on 192.0.2.0/24", l)
	}
}

func TestNewBannerConfigErrors(t *testing.T) {
	for _, cfg := range []BanConfig{
		{MaxFailures: -1},
		{Window: -time.Second},
		{BanTime: -time.Second},
		{MaxBanTime: -time.Second},
		{MaxTracked: -1},
		{KeepExpired: -1},
		{Allow: []netip.Prefix{{}}},
		{Deny: []netip.Prefix{{}}},
	} {
		if _, err := NewBanner(t.Context(), cfg, nil, nil); err == nil || !strings.HasPrefix(err.Error(), "auth: ") {
			t.Errorf("NewBanner(%+v) error = %v; want an auth: error", cfg, err)
		}
	}
}

// TestBannerMemoryBound: the failure table never holds more than
// MaxTracked addresses, nor its queue more than a few times that.
func TestBannerMemoryBound(t *testing.T) {
	clk := newClock()
	const max = 100
	bn := newBanner(t, BanConfig{Now: clk.Now, MaxTracked: max, MaxFailures: 1000}, nil)
	ctx := t.Context()
	addr := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}) }
	bound := func(when string) {
		t.Helper()
		bn.mu.Lock()
		defer bn.mu.Unlock()
		if n := len(bn.failures); n > max {
			t.Fatalf("%s: %d failure entries; want at most %d", when, n, max)
		}
		if n := len(bn.queue) - bn.head; n > 2*max+1 {
			t.Fatalf("%s: %d queued windows; want at most %d", when, n, 2*max+1)
		}
	}
	// Many addresses within one window: the oldest are forgotten.
	for i := range 10 * max {
		bn.Failed(ctx, addr(i))
		bound(fmt.Sprintf("address %d", i))
	}
	bn.mu.Lock()
	_, oldest := bn.failures[CallerOf(addr(0))]
	_, newest := bn.failures[CallerOf(addr(10*max-1))]
	bn.mu.Unlock()
	if oldest || !newest {
		t.Errorf("after %d addresses: oldest tracked = %v, newest = %v; want false, true", 10*max, oldest, newest)
	}
	// Windows that ended are dropped as new ones open.
	clk.set(time.Minute)
	bn.Failed(ctx, addr(0))
	bn.mu.Lock()
	if n := len(bn.failures); n != 1 {
		t.Errorf("a window later: %d failure entries; want 1", n)
	}
	bn.mu.Unlock()
	// Windows closed by Unban leave stale queue entries behind the live
	// window of addr(0); they are compacted away.
	for i := range 100 * max {
		a := addr(1 + i%(max/2))
		bn.Failed(ctx, a)
		bn.Unban(ctx, netip.PrefixFrom(a, 32))
		bound(fmt.Sprintf("fail and unban %d", i))
	}
	// IPv6 callers are /64s: many addresses of one /64 take one entry.
	clk.set(2 * time.Minute)
	for i := range 5 * max {
		bn.Failed(ctx, netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)}))
	}
	bn.mu.Lock()
	if n := len(bn.failures); n != 1 {
		t.Errorf("%d addresses of one /64: %d failure entries; want 1", 5*max, n)
	}
	bn.mu.Unlock()
}

// TestBannerConcurrent runs every method at once (for the race detector)
// and checks that the store ends up as the memory.
func TestBannerConcurrent(t *testing.T) {
	clk := newClock()
	bans := newMemBans()
	ctx := t.Context()
	bn := newBanner(t, BanConfig{Now: clk.Now, MaxFailures: 2}, bans)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				a := netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 16)})
				p := netip.PrefixFrom(a, 32)
				switch (g + i) % 5 {
				case 0, 1:
					bn.Failed(ctx, a)
				case 2:
					bn.Check(a)
				case 3:
					bn.Ban(ctx, p, time.Duration(i)*time.Second, "test")
				case 4:
					bn.Unban(ctx, p)
					bn.List()
				}
			}
		})
	}
	wg.Wait()
	var mem, saved []string
	for _, b := range bn.List() {
		mem = append(mem, fmt.Sprintf("%v %v %d", b.Prefix, b.Until, b.Strikes))
	}
	l, _ := bans.Bans(ctx)
	for _, b := range l {
		saved = append(saved, fmt.Sprintf("%s %v %d", b.Prefix, b.Until, b.Strikes))
	}
	slices.Sort(mem)
	slices.Sort(saved)
	if !slices.Equal(mem, saved) {
		t.Errorf("memory holds %q; store holds %q", mem, saved)
	}
}

// TestBannerRealClock uses time.Now, inside a synctest bubble.
func TestBannerRealClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bn := newBanner(t, BanConfig{}, nil)
		a := netip.MustParseAddr("192.0.2.1")
		for range 3 {
			bn.Failed(t.Context(), a)
		}
		var be *BannedError
		if err := bn.Check(a); !errors.As(err, &be) || time.Until(be.Until) != 6*time.Minute {
			t.Fatalf("Check(%v) = %v; want banned for 6m", a, err)
		}
		time.Sleep(6 * time.Minute)
		if err := bn.Check(a); err != nil {
			t.Errorf("6m later: Check(%v) = %v; want nil", a, err)
		}
	})
}

func TestBannedErrorMessage(t *testing.T) {
	est := time.FixedZone("EST", -5*3600)
	tests := []struct {
		in   BannedError
		want string
	}{
		{BannedError{Permanent: true}, "Your address is banned."},
		{BannedError{Until: time.Date(2026, 1, 2, 14, 35, 10, 0, time.UTC), now: epoch}, "Your address is banned until 14:36 UTC."},
		{BannedError{Until: time.Date(2026, 1, 2, 14, 36, 0, 0, time.UTC), now: epoch}, "Your address is banned until 14:36 UTC."},
		{BannedError{Until: time.Date(2026, 1, 2, 9, 35, 0, 1, est), now: epoch}, "Your address is banned until 14:36 UTC."},
		{BannedError{Until: epoch.Add(23*time.Hour + 59*time.Minute), now: epoch}, "Your address is banned until 13:59 UTC."},
		{BannedError{Until: epoch.Add(24 * time.Hour), now: epoch}, "Your address is banned until 3 Jan 2026 14:00 UTC."},
		{BannedError{Until: epoch}, "Your address is banned until 2 Jan 2026 14:00 UTC."},
	}
	for _, tt := range tests {
		if got := tt.in.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestBanTime(t *testing.T) {
	bn := newBanner(t, BanConfig{BanTime: time.Minute, Increment: time.Hour, MaxBanTime: 1 << 62}, nil)
	tests := []struct {
		strikes int
		want    time.Duration
	}{
		{0, time.Minute},
		{1, time.Hour + time.Minute},
		{3, 3*time.Hour + time.Minute},
		{1 << 40, 1 << 62}, // would overflow
	}
	for _, tt := range tests {
		if got := bn.banTime(tt.strikes); got != tt.want {
			t.Errorf("banTime(%d) = %v; want %v", tt.strikes, got, tt.want)
		}
	}
}

func TestCallerOf(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"192.0.2.1", "192.0.2.1/32"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8::", "2001:db8::/64"},
		{"::1", "::/64"},
	}
	for _, tt := range tests {
		if got := CallerOf(netip.MustParseAddr(tt.addr)); got != netip.MustParsePrefix(tt.want) {
			t.Errorf("CallerOf(%s) = %v; want %s", tt.addr, got, tt.want)
		}
	}
}

// TestBannerReload: two Banners on one store, as two nodes of a cluster:
// a ban made or lifted on one is announced (OnChange) and holds on the
// other once it reads the store again (Reload).
func TestBannerReload(t *testing.T) {
	bans := newMemBans()
	one, two := newBanner(t, BanConfig{}, bans), newBanner(t, BanConfig{}, bans)
	changes := 0
	one.OnChange(func() { changes++ })
	addr := netip.MustParseAddr("192.0.2.7")
	if err := one.Ban(t.Context(), netip.PrefixFrom(addr, 32), 0, "spam"); err != nil {
		t.Fatal(err)
	}
	if changes != 1 {
		t.Fatalf("OnChange ran %d times after a ban; want 1", changes)
	}
	if got := checkResult(two.Check(addr)); got != "ok" {
		t.Fatalf("before Reload the other node says %s", got)
	}
	if err := two.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := checkResult(two.Check(addr)); got != "permanent" {
		t.Fatalf("after Reload the other node says %s; want permanent", got)
	}
	if err := one.Unban(t.Context(), netip.PrefixFrom(addr, 32)); err != nil {
		t.Fatal(err)
	}
	if changes != 2 {
		t.Fatalf("OnChange ran %d times after an unban; want 2", changes)
	}
	if err := two.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := checkResult(two.Check(addr)); got != "ok" {
		t.Fatalf("after the unban and Reload the other node says %s", got)
	}
}
