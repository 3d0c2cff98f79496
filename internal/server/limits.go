package server

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// RefusalReason tells why a connection was turned away.
type RefusalReason string

// The reasons a connection is refused at accept.
const (
	RefusedFull     RefusalReason = "full"
	RefusedPerAddr  RefusalReason = "per_address"
	RefusedBanned   RefusalReason = "banned"
	RefusedShutdown RefusalReason = "shutdown"
)

// limiter counts connections in total and per caller. A connection
// counts from accept until it is closed, negotiation included.
type limiter struct {
	mu      sync.Mutex
	total   int
	perAddr map[netip.Prefix]int
}

// callerOf returns the unit counted against the per-address limit: an
// IPv4 address, or the /64 network of an IPv6 address, since one IPv6 host
// commonly holds a whole /64.
func callerOf(addr netip.Addr) netip.Prefix {
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p
	}
	return netip.PrefixFrom(addr, addr.BitLen())
}

// acquire counts a connection from addr unless that would pass a limit.
func (l *limiter) acquire(addr netip.Addr, maxTotal, maxPer int) (RefusalReason, bool) {
	key := callerOf(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= maxTotal {
		return RefusedFull, false
	}
	if l.perAddr[key] >= maxPer {
		return RefusedPerAddr, false
	}
	if l.perAddr == nil {
		l.perAddr = make(map[netip.Prefix]int)
	}
	l.total++
	l.perAddr[key]++
	return "", true
}

func (l *limiter) release(addr netip.Addr) {
	key := callerOf(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if n := l.perAddr[key] - 1; n > 0 {
		l.perAddr[key] = n
	} else {
		delete(l.perAddr, key)
	}
}

func (l *limiter) counts(addr netip.Addr) (total, perAddr int) {
	key := callerOf(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total, l.perAddr[key]
}

// throttle lets a repeated log line through at most once a second and
// counts the ones it held back, so a flood of refusals cannot flood the
// log.
type throttle struct {
	mu      sync.Mutex
	last    time.Time
	skipped int
}

// allow reports whether to log now, and how many were held back since the
// last line logged.
func (t *throttle) allow(now time.Time) (skipped int, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.last) < time.Second {
		t.skipped++
		return 0, false
	}
	t.last = now
	skipped, t.skipped = t.skipped, 0
	return skipped, true
}

// addrOf returns the IP of a connection's remote address, IPv4-mapped
// IPv6 addresses unmapped so that both forms count as one caller.
func addrOf(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	if a == nil {
		return netip.Addr{}
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}
