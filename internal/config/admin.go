package config

import "time"

// Admin configures the web admin: pages for sysops under /admin/ on the
// HTTPS server ([web] must be enabled).
type Admin struct {
	// Enabled serves /admin/; false answers 404 there.
	Enabled bool `toml:"enabled"`
	// IdleTimeout ends a session not used for that long (1m to 24h);
	// SessionLifetime ends any session that old (at least IdleTimeout, at
	// most 30 days).
	IdleTimeout     Duration `toml:"idle_timeout"`
	SessionLifetime Duration `toml:"session_lifetime"`
	// LoginTimeout is how long a sysop with a second factor has to give
	// the code after the password (30s to 30m).
	LoginTimeout Duration `toml:"login_timeout"`
	// MaxSessions bounds the sessions held at once, logins waiting for
	// their code included (1 to 1000).
	MaxSessions int `toml:"max_sessions"`
	// MaxSessionsPerUser bounds one sysop's sessions: a new login ends
	// that sysop's session unused longest (1 to 100).
	MaxSessionsPerUser int `toml:"max_sessions_per_user"`
	// MaxPendingPerUser and MaxPendingPerAddress bound the logins
	// waiting for their code, of one account and from one address (1 to
	// 100 each): a new one ends the oldest from the same address, never
	// one from another address.
	MaxPendingPerUser    int `toml:"max_pending_logins_per_user"`
	MaxPendingPerAddress int `toml:"max_pending_logins_per_address"`
	// MinBanBitsIPv4 and MinBanBitsIPv6 are the shortest ranges the admin
	// may ban (1 to 32, 1 to 128): a slip of the keyboard must not ban
	// half the Internet.
	MinBanBitsIPv4 int `toml:"min_ban_bits_ipv4"`
	MinBanBitsIPv6 int `toml:"min_ban_bits_ipv6"`
	// PageSize is the most users, messages or one-liners on one page (10
	// to 500).
	PageSize int `toml:"page_size"`
	// ChartInterval is the time between the charts' points, which cover
	// the last day (1m to 1h: 1440 to 24 points).
	ChartInterval Duration `toml:"chart_interval"`
}

// defaultAdmin is Default's [admin].
func defaultAdmin() Admin {
	return Admin{
		Enabled:              true,
		IdleTimeout:          Duration(30 * time.Minute),
		SessionLifetime:      Duration(12 * time.Hour),
		LoginTimeout:         Duration(5 * time.Minute),
		MaxSessions:          16,
		MaxSessionsPerUser:   4,
		MaxPendingPerUser:    2,
		MaxPendingPerAddress: 2,
		MinBanBitsIPv4:       8,
		MinBanBitsIPv6:       16,
		PageSize:             50,
		ChartInterval:        Duration(5 * time.Minute),
	}
}

// ChartPoints is how many points cover the last day.
func (a Admin) ChartPoints() int {
	if a.ChartInterval <= 0 {
		return 1
	}
	return int(Duration(24*time.Hour) / a.ChartInterval)
}

func (a Admin) check() *problem {
	if p := firstProblem(
		durationIn("idle_timeout", a.IdleTimeout, Duration(time.Minute), Duration(24*time.Hour)),
		durationIn("session_lifetime", a.SessionLifetime, Duration(time.Minute), Duration(30*24*time.Hour)),
		durationIn("login_timeout", a.LoginTimeout, Duration(30*time.Second), Duration(30*time.Minute)),
		intIn("max_sessions", a.MaxSessions, 1, 1000),
		intIn("max_sessions_per_user", a.MaxSessionsPerUser, 1, 100),
		intIn("max_pending_logins_per_user", a.MaxPendingPerUser, 1, 100),
		intIn("max_pending_logins_per_address", a.MaxPendingPerAddress, 1, 100),
		intIn("min_ban_bits_ipv4", a.MinBanBitsIPv4, 1, 32),
		intIn("min_ban_bits_ipv6", a.MinBanBitsIPv6, 1, 128),
		intIn("page_size", a.PageSize, 10, 500),
		durationIn("chart_interval", a.ChartInterval, Duration(time.Minute), Duration(time.Hour)),
	); p != nil {
		return p
	}
	if a.SessionLifetime < a.IdleTimeout {
		p := problemf("session_lifetime", "session_lifetime (%v) must be at least idle_timeout (%v)", a.SessionLifetime, a.IdleTimeout)
		p.also = "idle_timeout"
		return p
	}
	return nil
}
