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

// Limiter counts connections against a total and a per-caller limit, as
// the session server does, for a front end that accepts connections of
// its own (the web port). A caller is an IPv4 address or an IPv6 /64
// (CallerOf). Set the limits before first use; the zero value allows
// DefaultMaxSessions in total and DefaultMaxPerAddress per caller. It is
// safe for concurrent use.
type Limiter struct {
	MaxTotal      int // default DefaultMaxSessions
	MaxPerAddress int // default DefaultMaxPerAddress

	l limiter
}

// Acquire counts a connection from addr unless that would pass a limit,
// and then says which. After a success the caller must call Release once
// with the same addr when the connection ends.
func (l *Limiter) Acquire(addr netip.Addr) (RefusalReason, bool) {
	maxTotal, maxPer := l.MaxTotal, l.MaxPerAddress
	if maxTotal <= 0 {
		maxTotal = DefaultMaxSessions
	}
	if maxPer <= 0 {
		maxPer = DefaultMaxPerAddress
	}
	return l.l.acquire(addr, maxTotal, maxPer)
}

// Release ends the count of a connection from addr.
func (l *Limiter) Release(addr netip.Addr) { l.l.release(addr) }

// Counts returns the connections counted: in total, and from addr's
// caller.
func (l *Limiter) Counts(addr netip.Addr) (total, perAddr int) { return l.l.counts(addr) }

// CallerOf returns the unit counted against per-address limits: an IPv4
// address, or the /64 network of an IPv6 address.
func CallerOf(addr netip.Addr) netip.Prefix { return callerOf(addr) }

// AddrOf returns the IP of a connection's remote address, IPv4-mapped
// IPv6 addresses unmapped; the zero Addr if it has none.
func AddrOf(a net.Addr) netip.Addr { return addrOf(a) }

// Throttle lets a repeated log line through at most once a second, and
// counts the ones it held back. The zero value is ready to use.
type Throttle struct{ t throttle }

// Allow reports whether to log now, and how many lines were held back
// since the last one logged.
func (t *Throttle) Allow(now time.Time) (skipped int, ok bool) { return t.t.allow(now) }
