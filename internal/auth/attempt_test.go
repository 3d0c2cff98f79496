package auth

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBannerAttempts plays sequences of login attempts: begin (want "ok"
// or "refused"), release (a success), end (Fail of a begun attempt: want
// "", "banned" or "new ban"), fail (Failed, a failure not begun), ban (the
// sysop bans the address for an hour) and check.
func TestBannerAttempts(t *testing.T) {
	type step struct {
		at   time.Duration
		op   string
		addr string
		want string
	}
	const a, a2 = "192.0.2.1", "192.0.2.2"
	tests := []struct {
		name  string
		cfg   BanConfig
		steps []step
	}{
		{"no more in flight than the ban allows", BanConfig{}, []step{
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "refused"},
			{0, "begin", a2, "ok"}, // another caller
			{0, "end", a, ""},
			{0, "begin", a, "refused"}, // 2 in flight + 1 failure
			{0, "end", a, ""},
			{0, "end", a, "new ban"},
			{0, "check", a, "until 6m0s"},
			{0, "begin", a, "refused"},
			{0, "check", a2, "ok"},
		}},
		{"a success frees its place", BanConfig{}, []step{
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "refused"},
			{0, "release", a, ""},
			{0, "begin", a, "ok"},
			{0, "release", a, ""},
			{0, "release", a, ""},
			{0, "release", a, ""},
			{0, "check", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "refused"},
		}},
		{"failures in the window take places", BanConfig{}, []step{
			{0, "fail", a, ""},
			{0, "begin", a, "ok"},
			{0, "end", a, ""},
			{10 * time.Second, "begin", a, "ok"},
			{10 * time.Second, "begin", a, "refused"},
			{20 * time.Second, "release", a, ""},
			{20 * time.Second, "begin", a, "ok"},
			{20 * time.Second, "end", a, "new ban"},
		}},
		{"places come back when the window ends", BanConfig{}, []step{
			{0, "fail", a, ""},
			{0, "fail", a, ""},
			{0, "begin", a, "ok"},
			{0, "begin", a, "refused"},
			{30 * time.Second, "begin", a, "ok"},
			{30 * time.Second, "begin", a, "ok"},
			{30 * time.Second, "begin", a, "refused"},
			{30 * time.Second, "end", a, ""}, // opens a new window
			{30 * time.Second, "end", a, ""},
			{30 * time.Second, "end", a, "new ban"},
			{30 * time.Second, "check", a, "until 6m30s"},
		}},
		{"one new ban however many were in flight", BanConfig{MaxFailures: 2}, []step{
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "fail", a, ""}, // a failure not begun
			{0, "end", a, "new ban"},
			{0, "end", a, "banned"},
			{0, "fail", a, "banned"},
		}},
		{"a sysop's ban in flight is no new ban", BanConfig{}, []step{
			{0, "begin", a, "ok"},
			{0, "ban", a, ""},
			{0, "end", a, "banned"},
			{0, "check", a, "until 1h0m0s"},
			{0, "begin", a, "refused"},
		}},
		{"IPv6 places are the /64's", BanConfig{}, []step{
			{0, "begin", "2001:db8::1", "ok"},
			{0, "begin", "2001:db8::2", "ok"},
			{0, "begin", "2001:db8::ffff:3", "ok"},
			{0, "begin", "2001:db8::4", "refused"},
			{0, "begin", "2001:db8:0:1::1", "ok"},
			{0, "end", "2001:db8::5", ""},
			{0, "end", "2001:db8::6", ""},
			{0, "end", "2001:db8::7", "new ban"},
			{0, "check", "2001:db8::8", "until 6m0s"},
		}},
		{"IPv4-mapped is IPv4", BanConfig{}, []step{
			{0, "begin", a, "ok"},
			{0, "begin", "::ffff:" + a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", "::ffff:" + a, "refused"},
		}},
		{"allow list is never refused nor counted", BanConfig{Allow: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}, []step{
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "end", a, ""},
			{0, "end", a, ""},
			{0, "end", a, ""},
			{0, "end", a, ""},
			{0, "check", a, "ok"},
		}},
		{"deny list is refused", BanConfig{Deny: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}, []step{
			{0, "begin", a, "refused"},
			{0, "end", a, "banned"},
		}},
		{"no address, no count", BanConfig{MaxFailures: 1}, []step{
			{0, "begin", "", "ok"},
			{0, "begin", "", "ok"},
			{0, "end", "", ""},
			{0, "end", "", ""},
			{0, "check", "", "ok"},
		}},
		{"a release with nothing in flight changes nothing", BanConfig{}, []step{
			{0, "release", a, ""},
			{0, "release", a, ""},
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "ok"},
			{0, "begin", a, "refused"},
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
				case "begin":
					got := "refused"
					if bn.Begin(addr) {
						got = "ok"
					}
					if got != s.want {
						t.Errorf("step %d at %v: Begin(%s) = %s; want %s", i, s.at, s.addr, got, s.want)
					}
				case "release":
					bn.Release(addr)
				case "end", "fail":
					var banned, newBan bool
					var err error
					if s.op == "end" {
						banned, newBan, err = bn.Fail(t.Context(), addr)
					} else {
						banned, err = bn.Failed(t.Context(), addr)
					}
					got := ""
					switch {
					case newBan:
						got = "new ban"
					case banned:
						got = "banned"
					}
					if got != s.want || err != nil {
						t.Errorf("step %d at %v: %s(%s) = %q, %v; want %q", i, s.at, s.op, s.addr, got, err, s.want)
					}
				case "ban":
					if err := bn.Ban(t.Context(), netip.PrefixFrom(addr, addr.BitLen()), time.Hour, "sysop"); err != nil {
						t.Fatal(err)
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

// TestBannerParallelAttempts is the attack: many connections of one
// caller try a wrong password at the same moment. However they
// interleave, MaxFailures passwords are checked and one ban is made;
// attempts that succeed give their place to others.
func TestBannerParallelAttempts(t *testing.T) {
	tests := []struct {
		name     string
		max      int
		attempts int
		addrs    []string // the caller's addresses, used in turn
		succeed  int      // the first attempts allowed succeed
	}{
		{"20 on one address", 3, 20, []string{"192.0.2.1"}, 0},
		{"50 on one address, limit 1", 1, 50, []string{"192.0.2.1"}, 0},
		{"20 over one IPv6 /64", 3, 20, []string{"2001:db8::1", "2001:db8::2:1", "2001:db8::ffff:ffff:ffff:1"}, 0},
		{"IPv4 written both ways", 5, 40, []string{"192.0.2.1", "::ffff:192.0.2.1"}, 0},
		{"two successes first", 3, 30, []string{"192.0.2.1"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for round := range 20 {
				bn := newBanner(t, BanConfig{MaxFailures: tt.max}, newMemBans())
				var (
					start                   = make(chan struct{})
					wg                      sync.WaitGroup
					checked, newBans, order atomic.Int64
				)
				for i := range tt.attempts {
					addr := netip.MustParseAddr(tt.addrs[i%len(tt.addrs)])
					wg.Go(func() {
						<-start
						if !bn.Begin(addr) {
							return
						}
						checked.Add(1)
						if order.Add(1) <= int64(tt.succeed) {
							bn.Release(addr)
							return
						}
						if _, newBan, err := bn.Fail(t.Context(), addr); err != nil {
							t.Errorf("Fail(%v) error = %v", addr, err)
						} else if newBan {
							newBans.Add(1)
						}
					})
				}
				close(start)
				wg.Wait()
				if got, want := checked.Load(), int64(tt.max+tt.succeed); got > want {
					t.Errorf("round %d: %d attempts at once, limit %d: Begin allowed %d; want at most %d", round, tt.attempts, tt.max, got, want)
				}
				// Attempts that succeed free their place, but those refused
				// meanwhile are not tried again: the caller is banned when
				// MaxFailures attempts failed, which is certain only when
				// none succeeded.
				failed := checked.Load() - min(checked.Load(), int64(tt.succeed))
				wantBans := int64(0)
				if failed >= int64(tt.max) {
					wantBans = 1
				} else if tt.succeed == 0 {
					t.Errorf("round %d: only %d attempts failed; want %d", round, failed, tt.max)
				}
				if n := newBans.Load(); n != wantBans {
					t.Errorf("round %d: %d failed: Fail reported %d new bans; want %d", round, failed, n, wantBans)
				}
				if bans := bn.List(); int64(len(bans)) != wantBans || (wantBans == 1 && bans[0].Strikes != 1) {
					t.Errorf("round %d: List() = %+v; want %d ban with 1 strike", round, bans, wantBans)
				}
				if err := bn.Check(netip.MustParseAddr(tt.addrs[0])); (err != nil) != (wantBans == 1) {
					t.Errorf("round %d: Check(%s) = %v; want banned %v", round, tt.addrs[0], err, wantBans == 1)
				}
				bn.mu.Lock()
				if len(bn.inflight) != 0 {
					t.Errorf("round %d: %v attempts still in flight after all ended; want none", round, bn.inflight)
				}
				bn.mu.Unlock()
			}
		})
	}
}

// TestBannerAttemptsConcurrent mixes attempts with every other method, for
// the race detector, and checks that every place taken is given back.
func TestBannerAttemptsConcurrent(t *testing.T) {
	bn := newBanner(t, BanConfig{MaxFailures: 4}, newMemBans())
	ctx := t.Context()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				a := netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 8)})
				switch (g + i) % 6 {
				case 0, 1, 2:
					if bn.Begin(a) {
						if i%3 == 0 {
							bn.Release(a)
						} else {
							bn.Fail(ctx, a)
						}
					}
				case 3:
					bn.Failed(ctx, a)
				case 4:
					bn.Check(a)
				case 5:
					bn.Unban(ctx, netip.PrefixFrom(a, 32))
				}
			}
		})
	}
	wg.Wait()
	bn.mu.Lock()
	defer bn.mu.Unlock()
	if len(bn.inflight) != 0 {
		t.Errorf("attempts in flight after all ended: %v; want none", fmt.Sprint(bn.inflight))
	}
}
