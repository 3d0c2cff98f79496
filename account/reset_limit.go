package account

import (
	"container/list"
	"net/netip"
	"time"

	"github.com/x84bbs/x84/internal/auth"
)

// windowCounts counts requests per key (a caller's address or network)
// in a window that starts at the key's first request, for at most max
// keys. Its entries are kept in the order their windows started, so that
// those whose window has passed are dropped from the front, and when the
// table is full the oldest is evicted: each request costs amortised O(1),
// and a flood from many keys forgets the oldest counts rather than
// refusing everyone. Not safe for concurrent use: resets.mu guards it.
type windowCounts struct {
	max    int
	window time.Duration
	keys   map[netip.Prefix]*list.Element // of *windowCount
	order  list.List                      // oldest window first
}

type windowCount struct {
	key   netip.Prefix
	start time.Time
	n     int
}

func newWindowCounts(size int, window time.Duration) *windowCounts {
	return &windowCounts{max: size, window: window, keys: map[netip.Prefix]*list.Element{}}
}

// add counts a request of key at now and returns the key's count in its
// window, this request included.
func (c *windowCounts) add(key netip.Prefix, now time.Time) int {
	c.prune(now)
	if e, ok := c.keys[key]; ok {
		w := e.Value.(*windowCount)
		if now.Sub(w.start) < c.window {
			w.n++
			return w.n
		}
		// A window that passed behind one that has not (a clock set
		// back): start the key again.
		c.remove(e)
	}
	if len(c.keys) >= c.max {
		c.remove(c.order.Front())
	}
	c.keys[key] = c.order.PushBack(&windowCount{key: key, start: now, n: 1})
	return 1
}

// prune drops the keys at the front whose window has passed.
func (c *windowCounts) prune(now time.Time) {
	for e := c.order.Front(); e != nil; e = c.order.Front() {
		if now.Sub(e.Value.(*windowCount).start) < c.window {
			return
		}
		c.remove(e)
	}
}

func (c *windowCounts) remove(e *list.Element) {
	delete(c.keys, e.Value.(*windowCount).key)
	c.order.Remove(e)
}

// len returns how many keys are counted.
func (c *windowCounts) len() int { return len(c.keys) }

// callerPrefix is the unit a caller's requests are counted in, as bans
// count failures: an IPv4 address, or an IPv6 address's /64.
func callerPrefix(a netip.Addr) netip.Prefix {
	return auth.CallerOf(a.Unmap().WithZone(""))
}

// networkPrefix is the network a caller's requests are also counted in:
// an IPv4 /24, or an IPv6 /48 (a site, which holds many /64s).
func networkPrefix(a netip.Addr) netip.Prefix {
	return prefixOf(a, 24, 48)
}

// prefixOf is a's prefix of bits4 or bits6 bits; the zero Prefix for an
// invalid address (callers not on IP count together).
func prefixOf(a netip.Addr, bits4, bits6 int) netip.Prefix {
	if !a.IsValid() {
		return netip.Prefix{}
	}
	a = a.Unmap().WithZone("")
	bits := bits4
	if a.Is6() {
		bits = bits6
	}
	p, _ := a.Prefix(bits)
	return p
}
