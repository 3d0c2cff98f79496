package webadmin

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/auth"
)

// TestBanRefusals: the admin will not ban a range that holds the
// sysop's own address, nor one wider than the configured shortest.
func TestBanRefusals(t *testing.T) {
	const (
		own    = "Not banned: %s holds your own address (%s), and you would be locked out."
		wideV4 = "Not banned: %s is too wide. The admin bans IPv4 ranges of /8 or narrower ([admin] min_ban_bits_ipv4, min_ban_bits_ipv6)."
		wideV6 = "Not banned: %s is too wide. The admin bans IPv6 ranges of /16 or narrower ([admin] min_ban_bits_ipv4, min_ban_bits_ipv6)."
	)
	tests := []struct {
		from, address string
		flash         string
	}{
		{"192.0.2.10:4000", "192.0.2.10", fmt.Sprintf(own, "192.0.2.10", "192.0.2.10")},
		{"192.0.2.10:4000", "192.0.2.0/24", fmt.Sprintf(own, "192.0.2.0/24", "192.0.2.10")},
		{"192.0.2.10:4000", "::ffff:192.0.2.10", fmt.Sprintf(own, "192.0.2.10", "192.0.2.10")},
		{"[::ffff:192.0.2.10]:4000", "192.0.0.0/16", fmt.Sprintf(own, "192.0.0.0/16", "192.0.2.10")},
		{"[2001:db8::5]:4000", "2001:db8::/32", fmt.Sprintf(own, "2001:db8::/32", "2001:db8::5")},
		{"192.0.2.10:4000", "0.0.0.0/0", fmt.Sprintf(wideV4, "0.0.0.0/0")},
		{"192.0.2.10:4000", "10.0.0.0/7", fmt.Sprintf(wideV4, "10.0.0.0/7")},
		{"192.0.2.10:4000", "::/0", fmt.Sprintf(wideV6, "::/0")},
		{"192.0.2.10:4000", "2001:db8::/15", fmt.Sprintf(wideV6, "2000::/15")},
		{"192.0.2.10:4000", "10.0.0.0/8", "10.0.0.0/8 banned."},
		{"192.0.2.10:4000", "2001::/16", "2001::/16 banned."},
		{"192.0.2.10:4000", "203.0.113.7", "203.0.113.7 banned."},
		{"[2001:db8::5]:4000", "192.0.2.10", "192.0.2.10 banned."},
	}
	for _, tt := range tests {
		f := newFixture(t)
		c := f.at(tt.from)
		c.loginSysop(f.sysop("root"))
		p := c.follow(Prefix+"bans/add", url.Values{"address": {tt.address}})
		if got := flashOf(p.body); got != tt.flash {
			t.Errorf("from %s, ban %s said %q; want %q", tt.from, tt.address, got, tt.flash)
		}
		if banned := len(f.banner.List()) > 0; banned != strings.HasSuffix(tt.flash, " banned.") {
			t.Errorf("from %s, ban %s: bans %v", tt.from, tt.address, f.banner.List())
		}
	}
}

// fakeBans is a list of bans as the Banner would give it (by address).
type fakeBans []auth.Ban

func (b fakeBans) List() []auth.Ban { return b }

// TestBansPaging: many bans come a page at a time, those in force
// first, and a search keeps those whose address or reason has it.
func TestBansPaging(t *testing.T) {
	now := time.Now()
	var list fakeBans
	for i := range 30 {
		b := auth.Ban{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), 32), Strikes: 1,
			Reason: "too many failed logins", Created: now.Add(-time.Hour), Until: now.Add(time.Hour)}
		if i%3 == 0 { // 10 ended
			b.Until = now.Add(-time.Minute)
		}
		if i == 7 {
			b.Reason = "banned by the sysop"
			b.Until = time.Time{}
		}
		list = append(list, b)
	}
	_, c := sysopClient(t, func(c *Config) { c.PageSize = 10; c.Bans = list })
	tests := []struct {
		query        string
		rows, ended  int
		first        string
		total        string
		next, prev   bool
		ofPages      string
		firstIsEnded bool
	}{
		{"", 10, 0, "198.51.100.1", "30 bans", true, false, "page 1 of 3", false},
		{"?page=2", 10, 0, "198.51.100.16", "30 bans", true, true, "page 2 of 3", false},
		{"?page=3", 10, 10, "198.51.100.0", "30 bans", false, true, "page 3 of 3", true},
		{"?page=99", 10, 10, "198.51.100.0", "30 bans", false, true, "page 3 of 3", true},
		{"?q=198.51.100.2", 10, 2, "198.51.100.2", "11 bans matching", true, false, "page 1 of 2", false},
		{"?q=BY+THE+SYSOP", 1, 0, "198.51.100.7", "1 ban matching", false, false, "page 1 of 1", false},
		{"?q=" + strings.Repeat("9", 1000), 0, 0, "", "0 bans matching", false, false, "page 1 of 1", false},
	}
	for _, tt := range tests {
		r := c.get(Prefix + "bans" + tt.query)
		rows := strings.Count(r.body, `action="/admin/bans/remove"`)
		ended := strings.Count(r.body, "(ended)")
		first := ""
		if _, rest, ok := strings.Cut(r.body, `name="address" value="`); ok {
			first, _, _ = strings.Cut(rest, `"`)
		}
		if rows != tt.rows || ended != tt.ended || first != tt.first || !strings.Contains(r.body, tt.total) ||
			!strings.Contains(r.body, tt.ofPages) || strings.Contains(r.body, `rel="next"`) != tt.next || strings.Contains(r.body, `rel="prev"`) != tt.prev {
			t.Errorf("bans%s = %d rows (%d ended) from %q, next %v, prev %v; want %d (%d ended) from %q, %q, %q, next %v, prev %v",
				tt.query, rows, ended, first, strings.Contains(r.body, `rel="next"`), strings.Contains(r.body, `rel="prev"`),
				tt.rows, tt.ended, tt.first, tt.total, tt.ofPages, tt.next, tt.prev)
		}
	}
	// The search box keeps what was searched, cut to maxSearch.
	r := c.get(Prefix + "bans?q=" + strings.Repeat("9", 1000))
	if !strings.Contains(r.body, `name="q" value="`+strings.Repeat("9", maxSearch)+`"`) {
		t.Errorf("the search box does not show the search cut to %d characters", maxSearch)
	}
}
