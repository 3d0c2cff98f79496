package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/store"
)

// Ban refuses an address or CIDR range ("203.0.113.7",
// "2001:db8::/48") for good, until Unban, and returns the prefix banned.
// Callers on it are refused at connect from then on.
func (s *Service) Ban(ctx context.Context, address string) (netip.Prefix, error) {
	p, err := s.prefix(address)
	if err != nil {
		return netip.Prefix{}, err
	}
	if err := s.cfg.Bans.Ban(ctx, p, 0, "banned by the sysop"); err != nil {
		return netip.Prefix{}, fmt.Errorf("account: %w", err)
	}
	return p, nil
}

// Unban lifts a ban on an address or range; a range that is not banned
// is an error matching store.ErrNotFound that says so ("10.0.0.1 is not
// banned").
func (s *Service) Unban(ctx context.Context, address string) (netip.Prefix, error) {
	p, err := s.prefix(address)
	if err != nil {
		return netip.Prefix{}, err
	}
	if err := s.cfg.Bans.Unban(ctx, p); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return netip.Prefix{}, notFoundError(prefixName(p) + " is not banned")
		}
		return netip.Prefix{}, fmt.Errorf("account: %w", err)
	}
	return p, nil
}

func (s *Service) prefix(address string) (netip.Prefix, error) {
	if s.cfg.Bans == nil {
		return netip.Prefix{}, ErrNoBans
	}
	p, err := config.ParsePrefix(address)
	if err != nil {
		// The catalogs say what ParsePrefix says, by what is wrong.
		id := "rules.address_invalid"
		if strings.Contains(address, "%") {
			id = "rules.address_zone"
		}
		return netip.Prefix{}, &InvalidError{Field: "address", Msg: err.Error(), ID: id, Args: []string{"address", strconv.Quote(address)}}
	}
	// Named as the bans keep it: an IPv4 address written as IPv6
	// (::ffff:a.b.c.d) is the IPv4 address it is.
	return auth.NormalPrefix(p), nil
}

// prefixName writes a prefix as a sysop would: a single address without
// its length.
func prefixName(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}
