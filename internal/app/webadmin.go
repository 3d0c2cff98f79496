package app

import (
	"net/http"

	"github.com/x84bbs/x84/internal/webadmin"
)

// webAdmin builds the web admin for the HTTPS server, or nil when
// [admin] turns it off, and adds the sampler of the metrics that its
// charts draw to the services Run starts and stops.
func (n *node) webAdmin() http.Handler {
	a := n.cfg.Admin
	if !a.Enabled {
		return nil
	}
	p := n.parts
	history := p.met.NewHistory(a.ChartInterval.D(), a.ChartPoints())
	n.closers = append(n.closers, history)
	n.services = append(n.services, service{"admin charts", history.Run})
	settings := n.cfg
	return webadmin.New(webadmin.Config{
		Accounts:             p.Accounts,
		Presence:             p.Community.Presence,
		Broadcasts:           p.Community.Broadcasts,
		Oneliners:            p.Community.Oneliners,
		Messages:             p.Community.Messages,
		Bans:                 p.banner,
		History:              history,
		Settings:             &settings,
		StoreURL:             StoreURL(n.cfg),
		Name:                 n.cfg.Board.Name,
		IdleTimeout:          a.IdleTimeout.D(),
		SessionLifetime:      a.SessionLifetime.D(),
		LoginTimeout:         a.LoginTimeout.D(),
		MaxSessions:          a.MaxSessions,
		MaxSessionsPerUser:   a.MaxSessionsPerUser,
		MaxPendingPerUser:    a.MaxPendingPerUser,
		MaxPendingPerAddress: a.MaxPendingPerAddress,
		PageSize:             a.PageSize,
		MaxCodeTries:         n.cfg.Accounts.MaxLoginAttempts,
		MinBanBitsIPv4:       a.MinBanBitsIPv4,
		MinBanBitsIPv6:       a.MinBanBitsIPv6,
		Logger:               n.log,
	})
}
