package server

import (
	"net"
	"net/netip"
	"sync"
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

// limiter counts connections in total and per remote address. A
// connection counts from accept until it is closed, negotiation included.
type limiter struct {
	mu      sync.Mutex
	total   int
	perAddr map[netip.Addr]int
}

// acquire counts a connection from addr unless that would pass a limit.
func (l *limiter) acquire(addr netip.Addr, maxTotal, maxPer int) (RefusalReason, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= maxTotal {
		return RefusedFull, false
	}
	if l.perAddr[addr] >= maxPer {
		return RefusedPerAddr, false
	}
	if l.perAddr == nil {
		l.perAddr = make(map[netip.Addr]int)
	}
	l.total++
	l.perAddr[addr]++
	return "", true
}

func (l *limiter) release(addr netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if n := l.perAddr[addr] - 1; n > 0 {
		l.perAddr[addr] = n
	} else {
		delete(l.perAddr, addr)
	}
}

func (l *limiter) counts(addr netip.Addr) (total, perAddr int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total, l.perAddr[addr]
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
