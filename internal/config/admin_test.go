package config

import (
	"testing"
	"time"
)

func TestAdminSection(t *testing.T) {
	good := []struct {
		name string
		in   string
		want func(*Admin)
	}{
		{"off", "[admin]\nenabled = false\n", func(a *Admin) { a.Enabled = false }},
		{"short sessions", "[admin]\nidle_timeout = \"5m\"\nsession_lifetime = \"5m\"\n", func(a *Admin) {
			a.IdleTimeout, a.SessionLifetime = Duration(5*time.Minute), Duration(5*time.Minute)
		}},
		{"bounds", "[admin]\nmax_sessions = 1000\npage_size = 10\nchart_interval = \"1h\"\n", func(a *Admin) {
			a.MaxSessions, a.PageSize, a.ChartInterval = 1000, 10, Duration(time.Hour)
		}},
		{"session limits", "[admin]\nmax_sessions_per_user = 1\nmax_pending_logins_per_user = 100\nmax_pending_logins_per_address = 1\n",
			func(a *Admin) { a.MaxSessionsPerUser, a.MaxPendingPerUser, a.MaxPendingPerAddress = 1, 100, 1 }},
		{"ban widths", "[admin]\nmin_ban_bits_ipv4 = 32\nmin_ban_bits_ipv6 = 1\n",
			func(a *Admin) { a.MinBanBitsIPv4, a.MinBanBitsIPv6 = 32, 1 }},
	}
	for _, tt := range good {
		got, err := Parse("x84.toml", []byte(tt.in))
		if err != nil {
			t.Errorf("%s: Parse(%q) error = %v; want nil", tt.name, tt.in, err)
			continue
		}
		want := Default().Admin
		tt.want(&want)
		if got.Admin != want {
			t.Errorf("%s: Parse(%q).Admin = %+v; want %+v", tt.name, tt.in, got.Admin, want)
		}
	}
	bad := []struct {
		name, in, want string
	}{
		{"idle too short", "[admin]\nidle_timeout = \"10s\"\n", `config: x84.toml:2: admin.idle_timeout: must be between 1m and 24h (got 10s)`},
		{"lifetime under idle", "[admin]\nidle_timeout = \"2h\"\nsession_lifetime = \"1h\"\n", `config: x84.toml:3: admin.session_lifetime: session_lifetime (1h) must be at least idle_timeout (2h)`},
		{"idle over default lifetime", "[admin]\nidle_timeout = \"13h\"\n", `config: x84.toml:2: admin.idle_timeout: session_lifetime (12h) must be at least idle_timeout (13h)`},
		{"login timeout", "[admin]\nlogin_timeout = \"1h\"\n", `config: x84.toml:2: admin.login_timeout: must be between 30s and 30m (got 1h)`},
		{"no sessions", "[admin]\nmax_sessions = 0\n", `config: x84.toml:2: admin.max_sessions: must be between 1 and 1000 (got 0)`},
		{"huge page", "[admin]\npage_size = 5000\n", `config: x84.toml:2: admin.page_size: must be between 10 and 500 (got 5000)`},
		{"no sessions per user", "[admin]\nmax_sessions_per_user = 0\n", `config: x84.toml:2: admin.max_sessions_per_user: must be between 1 and 100 (got 0)`},
		{"pending per user", "[admin]\nmax_pending_logins_per_user = 101\n", `config: x84.toml:2: admin.max_pending_logins_per_user: must be between 1 and 100 (got 101)`},
		{"pending per address", "[admin]\nmax_pending_logins_per_address = 0\n", `config: x84.toml:2: admin.max_pending_logins_per_address: must be between 1 and 100 (got 0)`},
		{"ban width IPv4", "[admin]\nmin_ban_bits_ipv4 = 33\n", `config: x84.toml:2: admin.min_ban_bits_ipv4: must be between 1 and 32 (got 33)`},
		{"ban width IPv6", "[admin]\nmin_ban_bits_ipv6 = 0\n", `config: x84.toml:2: admin.min_ban_bits_ipv6: must be between 1 and 128 (got 0)`},
		{"chart too fine", "[admin]\nchart_interval = \"10s\"\n", `config: x84.toml:2: admin.chart_interval: must be between 1m and 1h (got 10s)`},
	}
	for _, tt := range bad {
		_, err := Parse("x84.toml", []byte(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Parse(%q) error = %v; want %s", tt.name, tt.in, err, tt.want)
		}
	}
}

func TestAdminChartPoints(t *testing.T) {
	tests := []struct {
		every time.Duration
		want  int
	}{
		{5 * time.Minute, 288},
		{time.Minute, 1440},
		{time.Hour, 24},
		{7 * time.Minute, 205},
	}
	for _, tt := range tests {
		if got := (Admin{ChartInterval: Duration(tt.every)}).ChartPoints(); got != tt.want {
			t.Errorf("ChartPoints with chart_interval %v = %d; want %d", tt.every, got, tt.want)
		}
	}
}
