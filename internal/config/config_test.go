package config

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want func(*Config) // changes from Default()
	}{
		{"empty", "", func(*Config) {}},
		{"comments only", "# nothing\n\n   # here\n", func(*Config) {}},
		{"empty sections", "[board]\n[server]\n[telnet]\n[accounts]\n[ban]\n[log]\n", func(*Config) {}},
		{"one key keeps the other defaults", "[telnet]\nport = 23\n", func(c *Config) { c.Telnet.Port = 23 }},
		{"every section", `
[board]
name = "Dream World"
theme = "Night_Sky-2"
[server]
max_sessions = 10
max_per_address = 2
idle_timeout = "1h"
idle_warning = "5m"
shutdown_grace = "0"
[telnet]
enabled = false
address = "bbs.example.org"
port = 0
max_subnegotiation = 64
negotiation_timeout = "500ms"
negotiation_limit = "500ms"
[log]
level = "debug"
format = "json"
`, func(c *Config) {
			c.Board.Name = "Dream World"
			c.Board.Theme = "Night_Sky-2"
			c.Server = Server{
				MaxSessions:   10,
				MaxPerAddress: 2,
				IdleTimeout:   Duration(time.Hour),
				IdleWarning:   Duration(5 * time.Minute),
				ShutdownGrace: 0,
			}
			c.Telnet = Telnet{
				Enabled:            false,
				Address:            "bbs.example.org",
				Port:               0,
				MaxSubnegotiation:  64,
				NegotiationTimeout: Duration(500 * time.Millisecond),
				NegotiationLimit:   Duration(500 * time.Millisecond),
			}
			c.Log.Level, c.Log.Format = "debug", "json"
		}},
		{"inline table", `telnet = { port = 2323, address = "" }`, func(c *Config) {
			c.Telnet.Port = 2323
			c.Telnet.Address = ""
		}},
		{"dotted keys", "telnet.port = 2323\nlog.level = \"warn\"\n", func(c *Config) {
			c.Telnet.Port = 2323
			c.Log.Level = "warn"
		}},
		{"quoted keys", "[\"telnet\"]\n'port' = 2323\n\"max_subnegotiation\" = 1048576\n", func(c *Config) {
			c.Telnet.Port = 2323
			c.Telnet.MaxSubnegotiation = 1 << 20
		}},
		{"idle timeout 0 allows any warning", "[server]\nidle_timeout = \"0\"\nidle_warning = \"2h\"\n", func(c *Config) {
			c.Server.IdleTimeout = 0
			c.Server.IdleWarning = Duration(2 * time.Hour)
		}},
		{"shutdown grace limit", "[server]\nshutdown_grace = \"1m\"\n", func(c *Config) {
			c.Server.ShutdownGrace = Duration(time.Minute)
		}},
		{"CRLF line ends", "[telnet]\r\nport = 23\r\n", func(c *Config) { c.Telnet.Port = 23 }},
		{"byte order mark", "\ufeff[telnet]\nport = 23\n", func(c *Config) { c.Telnet.Port = 23 }},
		{"IPv6", "[telnet]\naddress = \"::1\"\n", func(c *Config) { c.Telnet.Address = "::1" }},
		{"IPv6 bracketed", "[telnet]\naddress = \"[::1]\"\n", func(c *Config) { c.Telnet.Address = "[::1]" }},
		{"IPv6 any", "[telnet]\naddress = \"::\"\n", func(c *Config) { c.Telnet.Address = "::" }},
		{"IPv6 zone", "[telnet]\naddress = \"[fe80::1%eth0]\"\n", func(c *Config) { c.Telnet.Address = "[fe80::1%eth0]" }},
		{"IPv4-mapped IPv6", "[telnet]\naddress = \"[::ffff:10.0.0.1]\"\n", func(c *Config) { c.Telnet.Address = "[::ffff:10.0.0.1]" }},
		{"host name", "[telnet]\naddress = \"localhost\"\n", func(c *Config) { c.Telnet.Address = "localhost" }},
		{"host name with root dot", "[telnet]\naddress = \"bbs.example.org.\"\n", func(c *Config) { c.Telnet.Address = "bbs.example.org." }},
		{"accounts", `
[accounts]
handle_min = 1
handle_max = 64
handle_pattern = '[\pL0-9 ]+'
reserved = []
password_min = 128
max_login_attempts = 100
login_timeout = "1h"
allow_anonymous = true
argon2_memory_kib = 1048576
argon2_time = 100
argon2_threads = 64
totp_max_failures = 1000
totp_window = "24h"
`, func(c *Config) {
			c.Accounts = Accounts{
				HandleMin:        1,
				HandleMax:        64,
				HandlePattern:    `[\pL0-9 ]+`,
				Reserved:         []string{},
				PasswordMin:      128,
				MaxLoginAttempts: 100,
				LoginTimeout:     Duration(time.Hour),
				AllowAnonymous:   true,
				Argon2MemoryKiB:  1 << 20,
				Argon2Time:       100,
				Argon2Threads:    64,
				TOTPMaxFailures:  1000,
				TOTPWindow:       Duration(24 * time.Hour),
			}
		}},
		{"accounts minima", "[accounts]\nhandle_min = 1\nhandle_max = 1\npassword_min = 1\nmax_login_attempts = 1\nlogin_timeout = \"10s\"\nargon2_memory_kib = 1024\nargon2_time = 1\nargon2_threads = 1\nreserved = [\"Ünïcode\"]\ntotp_max_failures = 1\ntotp_window = \"1m\"\n", func(c *Config) {
			c.Accounts.HandleMin, c.Accounts.HandleMax = 1, 1
			c.Accounts.PasswordMin, c.Accounts.MaxLoginAttempts = 1, 1
			c.Accounts.LoginTimeout = Duration(10 * time.Second)
			c.Accounts.Argon2MemoryKiB, c.Accounts.Argon2Time, c.Accounts.Argon2Threads = 1024, 1, 1
			c.Accounts.Reserved = []string{"Ünïcode"}
			c.Accounts.TOTPMaxFailures, c.Accounts.TOTPWindow = 1, Duration(time.Minute)
		}},
		{"ban", `
[ban]
max_failures = 1000
window = "24h"
ban_time = "1s"
increment = "0"
max_ban_time = "1s"
allow = ["127.0.0.1", "::1", "10.0.0.0/8", "192.0.2.7/24", "::ffff:192.0.2.1"]
deny = ["2001:db8::/32"]
`, func(c *Config) {
			c.Ban = Ban{
				MaxFailures: 1000,
				Window:      Duration(24 * time.Hour),
				BanTime:     Duration(time.Second),
				Increment:   0,
				MaxBanTime:  Duration(time.Second),
				Allow:       []string{"127.0.0.1", "::1", "10.0.0.0/8", "192.0.2.7/24", "::ffff:192.0.2.1"},
				Deny:        []string{"2001:db8::/32"},
			}
		}},
		{"ban minima", "[ban]\nmax_failures = 1\nwindow = \"1s\"\n", func(c *Config) {
			c.Ban.MaxFailures = 1
			c.Ban.Window = Duration(time.Second)
		}},
		{"host name with digits", "[telnet]\naddress = \"1.example.2a\"\n", func(c *Config) { c.Telnet.Address = "1.example.2a" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Default()
			tt.want(&want)
			got, err := Parse("x84.toml", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) error = %v; want nil", tt.in, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) = %+v; want %+v", tt.in, got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		// Syntax.
		{"missing value", "[telnet]\nport =\n", `config: x84.toml:2: telnet.port: expected value but found '\n' instead`},
		{"unterminated string", "[board]\n\nname = \"x84\n", `config: x84.toml:3: board.name: strings cannot contain newlines`},
		{"bad header", "# x84\n[telnet\nport = 1\n", `config: x84.toml:2: expected '.' or ']' to end table name, but got '\n' instead`},
		{"syntax error after byte order mark", "\ufeff# x84\n[telnet\n", `config: x84.toml:2: expected '.' or ']' to end table name, but got '\n' instead`},
		{"duplicate key", "[telnet]\nport = 1\nport = 2\n", `config: x84.toml:3: telnet.port: Key 'telnet.port' has already been defined.`},
		{"integer overflow", "[telnet]\nport = 99999999999999999999\n", `config: x84.toml:2: telnet.port: 99999999999999999999 is out of range for int64`},

		// Unknown keys.
		{"typo in section", "[telnet]\nport = 23\nprot = 1\n", `config: x84.toml:3: telnet.prot: unknown key`},
		{"unknown section", "[log]\nlevel = \"info\"\n\n[bogus]\nx = 1\n", `config: x84.toml:4: bogus: unknown key`},
		{"unknown top-level key", "# top\nport = 23\n", `config: x84.toml:2: port: unknown key`},
		{"unknown dotted key", "telnet.port = 1\ntelnet.prot = 1\n", `config: x84.toml:2: telnet.prot: unknown key`},
		{"unknown key in inline table", "\ntelnet = { port = 1, prot = 2 }\n", `config: x84.toml:2: telnet.prot: unknown key`},
		{"unknown quoted key", "[telnet]\n\"my port\" = 1\n", `config: x84.toml:2: telnet."my port": unknown key`},
		{"unknown subtable", "[telnet]\n[telnet.tls]\ncert = \"x\"\n", `config: x84.toml:2: telnet.tls: unknown key`},
		{"first in file order", "[telnet]\nprot = 1\n[bogus]\n", `config: x84.toml:2: telnet.prot: unknown key`},
		{"first in file order, section first", "[bogus]\n[telnet]\nprot = 1\n", `config: x84.toml:1: bogus: unknown key`},
		{"look-alike inside a string", "[board]\nname = '''\n[telnet]\nprot = 1\n'''\n[telnet]\nprot = 2\n", `config: x84.toml:7: telnet.prot: unknown key`},

		// Types.
		{"string for integer", "[telnet]\nport = \"abc\"\n", `config: x84.toml:2: telnet.port: must be an integer (got string "abc")`},
		{"float for integer", "[telnet]\n\nport = 6023.0\n", `config: x84.toml:3: telnet.port: must be an integer (got float 6023)`},
		{"integer for boolean", "[telnet]\nenabled = 3\n", `config: x84.toml:2: telnet.enabled: must be true or false (got integer 3)`},
		{"string for boolean", "[telnet]\nenabled = \"yes\"\n", `config: x84.toml:2: telnet.enabled: must be true or false (got string "yes")`},
		{"integer for string", "[board]\nname = 84\n", `config: x84.toml:2: board.name: must be a string (got integer 84)`},
		{"date for integer", "[telnet]\nport = 1979-05-27\n", `config: x84.toml:2: telnet.port: must be an integer (got a date or time)`},
		{"array for string", "[telnet]\naddress = [\n  \"::1\", # prot = 1\n]\n", `config: x84.toml:2: telnet.address: must be a string (got an array)`},
		{"type error in inline table", "telnet = { enabled = 3 }\n", `config: x84.toml:1: telnet.enabled: must be true or false (got integer 3)`},
		{"type error in dotted key", "\nserver.max_sessions = \"many\"\n", `config: x84.toml:2: server.max_sessions: must be an integer (got string "many")`},
		{"section is a value", "telnet = 5\n", `config: x84.toml:1: telnet: must be a table (got integer 5)`},
		{"section is an array of tables", "[[telnet]]\nport = 1\n", `config: x84.toml:1: telnet: must be a table (got an array of tables)`},
		{"value is a table", "[telnet.port]\n", `config: x84.toml:1: telnet.port: must be an integer (got a table)`},
		{"value is a dotted table", "telnet.port.x = 1\n", `config: x84.toml:1: telnet.port: must be an integer (got a table)`},

		// Durations.
		{"duration without unit", "[server]\nidle_timeout = \"30\"\n", `config: x84.toml:2: server.idle_timeout: invalid duration "30"; want a number and a unit such as "30m" or "1.5s"`},
		{"duration in words", "[server]\nidle_timeout = \"30 minutes\"\n", `config: x84.toml:2: server.idle_timeout: invalid duration "30 minutes"; want a number and a unit such as "30m" or "1.5s"`},
		{"duration as integer", "[server]\nidle_timeout = 30\n", `config: x84.toml:2: server.idle_timeout: must be a duration such as "30m" or "1.5s" (got integer 30)`},
		{"negative duration", "[telnet]\nnegotiation_timeout = \"-1s\"\n", `config: x84.toml:2: telnet.negotiation_timeout: duration must not be negative (got "-1s")`},

		// Values.
		{"empty board name", "[board]\nname = \"\"\n", `config: x84.toml:2: board.name: must not be empty`},
		{"theme with a slash", "[board]\ntheme = \"../x\"\n", `config: x84.toml:2: board.theme: must be 1 to 32 letters, digits, '-' or '_' (got "../x")`},
		{"empty theme", "[board]\n\ntheme = \"\"\n", `config: x84.toml:3: board.theme: must be 1 to 32 letters, digits, '-' or '_' (got "")`},
		{"escape in board name", "[board]\nname = \"x\\u001b[2Jx\"\n", `config: x84.toml:2: board.name: must not contain control characters (got "x\x1b[2Jx")`},
		{"no sessions", "[server]\nmax_sessions = 0\n", `config: x84.toml:2: server.max_sessions: must be at least 1 (got 0)`},
		{"negative per address", "[server]\nmax_per_address = -1\n", `config: x84.toml:2: server.max_per_address: must be at least 1 (got -1)`},
		{"long shutdown grace", "[server]\nshutdown_grace = \"61s\"\n", `config: x84.toml:2: server.shutdown_grace: must be between 0s and 1m (got 1m1s)`},
		{"idle warning too long", "[server]\nidle_warning = \"30m\"\n", `config: x84.toml:2: server.idle_warning: idle_warning (30m) must be less than idle_timeout (30m)`},
		{"idle timeout too short, blamed on the key set", "[server]\nmax_sessions = 5\nidle_timeout = \"30s\"\n", `config: x84.toml:3: server.idle_timeout: idle_warning (1m) must be less than idle_timeout (30s)`},
		{"idle both set, blamed on the warning", "[server]\nidle_warning = \"2m\"\nidle_timeout = \"1m\"\n", `config: x84.toml:2: server.idle_warning: idle_warning (2m) must be less than idle_timeout (1m)`},
		{"port too large", "[telnet]\nport = 70000\n", `config: x84.toml:2: telnet.port: must be between 0 and 65535 (got 70000)`},
		{"port negative", "[telnet]\nport = -1\n", `config: x84.toml:2: telnet.port: must be between 0 and 65535 (got -1)`},
		{"port in inline table", "telnet = { enabled = true, port = 70000 }\n", `config: x84.toml:1: telnet.port: must be between 0 and 65535 (got 70000)`},
		{"port as dotted key", "board.name = \"x\"\ntelnet.port = 70000\n", `config: x84.toml:2: telnet.port: must be between 0 and 65535 (got 70000)`},
		{"subnegotiation too small", "[telnet]\nmax_subnegotiation = 63\n", `config: x84.toml:2: telnet.max_subnegotiation: must be between 64 and 1048576 (got 63)`},
		{"subnegotiation too large", "[telnet]\nmax_subnegotiation = 1048577\n", `config: x84.toml:2: telnet.max_subnegotiation: must be between 64 and 1048576 (got 1048577)`},
		{"negotiation limit too short", "[telnet]\nnegotiation_limit = \"500ms\"\n", `config: x84.toml:2: telnet.negotiation_limit: negotiation_limit (500ms) must not be less than negotiation_timeout (1s)`},
		{"negotiation timeout too long", "[telnet]\nnegotiation_timeout = \"3s\"\n", `config: x84.toml:2: telnet.negotiation_timeout: negotiation_limit (2s) must not be less than negotiation_timeout (3s)`},
		{"handle_min 0", "[accounts]\nhandle_min = 0\n", `config: x84.toml:2: accounts.handle_min: must be between 1 and 64 (got 0)`},
		{"handle_max 65", "[accounts]\nhandle_max = 65\n", `config: x84.toml:2: accounts.handle_max: must be between 1 and 64 (got 65)`},
		{"handle_min over default max", "[accounts]\nhandle_min = 17\n", `config: x84.toml:2: accounts.handle_min: handle_max (16) must not be less than handle_min (17)`},
		{"handle_max under min", "[accounts]\nhandle_min = 5\nhandle_max = 4\n", `config: x84.toml:3: accounts.handle_max: handle_max (4) must not be less than handle_min (5)`},
		{"bad pattern", "[accounts]\nhandle_pattern = \"[a-\"\n", "config: x84.toml:2: accounts.handle_pattern: is not a valid regular expression: error parsing regexp: missing closing ]: `[a-`"},
		{"perl pattern", "[accounts]\nhandle_pattern = '(?<=x)y'\n", "config: x84.toml:2: accounts.handle_pattern: is not a valid regular expression: error parsing regexp: invalid named capture: `(?<=x)y`"},
		{"empty pattern", "[accounts]\nhandle_pattern = \"\"\n", `config: x84.toml:2: accounts.handle_pattern: must not be empty`},
		{"empty reserved word", "[accounts]\nreserved = [\"new\", \"\"]\n", `config: x84.toml:2: accounts.reserved: element 2: must be one word without spaces (got "")`},
		{"reserved with space", "[accounts]\nreserved = [\"new user\"]\n", `config: x84.toml:2: accounts.reserved: element 1: must be one word without spaces (got "new user")`},
		{"reserved not strings", "[accounts]\nreserved = [1]\n", `config: x84.toml:2: accounts.reserved: element 1: must be a string (got integer 1)`},
		{"reserved not an array", "[accounts]\nreserved = \"new\"\n", `config: x84.toml:2: accounts.reserved: must be an array (got string "new")`},
		{"password_min 0", "[accounts]\npassword_min = 0\n", `config: x84.toml:2: accounts.password_min: must be between 1 and 128 (got 0)`},
		{"max_login_attempts 0", "[accounts]\nmax_login_attempts = 0\n", `config: x84.toml:2: accounts.max_login_attempts: must be between 1 and 100 (got 0)`},
		{"totp_max_failures 0", "[accounts]\ntotp_max_failures = 0\n", `config: x84.toml:2: accounts.totp_max_failures: must be between 1 and 1000 (got 0)`},
		{"totp_window short", "[accounts]\ntotp_window = \"59s\"\n", `config: x84.toml:2: accounts.totp_window: must be between 1m and 24h (got 59s)`},
		{"login_timeout 5s", "[accounts]\nlogin_timeout = \"5s\"\n", `config: x84.toml:2: accounts.login_timeout: must be between 10s and 1h (got 5s)`},
		{"allow_anonymous string", "[accounts]\nallow_anonymous = \"no\"\n", `config: x84.toml:2: accounts.allow_anonymous: must be true or false (got string "no")`},
		{"argon2 memory too small", "[accounts]\nargon2_memory_kib = 1023\n", `config: x84.toml:2: accounts.argon2_memory_kib: must be between 1024 and 1048576 (got 1023)`},
		{"argon2 memory too large", "[accounts]\nargon2_memory_kib = 1048577\n", `config: x84.toml:2: accounts.argon2_memory_kib: must be between 1024 and 1048576 (got 1048577)`},
		{"argon2 time 0", "[accounts]\nargon2_time = 0\n", `config: x84.toml:2: accounts.argon2_time: must be between 1 and 100 (got 0)`},
		{"argon2 threads 65", "[accounts]\nargon2_threads = 65\n", `config: x84.toml:2: accounts.argon2_threads: must be between 1 and 64 (got 65)`},
		{"max_failures 0", "[ban]\nmax_failures = 0\n", `config: x84.toml:2: ban.max_failures: must be between 1 and 1000 (got 0)`},
		{"window 0", "[ban]\nwindow = \"0\"\n", `config: x84.toml:2: ban.window: must be between 1s and 24h (got 0s)`},
		{"window 25h", "[ban]\nwindow = \"25h\"\n", `config: x84.toml:2: ban.window: must be between 1s and 24h (got 25h)`},
		{"ban_time 0", "[ban]\nban_time = \"0\"\n", `config: x84.toml:2: ban.ban_time: must be at least 1s (got 0s)`},
		{"negative increment", "[ban]\nincrement = \"-1m\"\n", `config: x84.toml:2: ban.increment: duration must not be negative (got "-1m")`},
		{"max_ban_time under ban_time", "[ban]\nmax_ban_time = \"5m\"\n", `config: x84.toml:2: ban.max_ban_time: max_ban_time (5m) must not be less than ban_time (6m)`},
		{"ban_time over max_ban_time", "[ban]\nban_time = \"25h\"\n", `config: x84.toml:2: ban.ban_time: max_ban_time (24h) must not be less than ban_time (25h)`},
		{"allow host name", "[ban]\nallow = [\"127.0.0.1\", \"localhost\"]\n", `config: x84.toml:2: ban.allow: element 2: "localhost" is not an IP address or CIDR range; want an address such as "192.0.2.7" or a range such as "192.0.2.0/24"`},
		{"allow bad bits", "[ban]\nallow = [\"10.0.0.0/33\"]\n", `config: x84.toml:2: ban.allow: element 1: "10.0.0.0/33" is not an IP address or CIDR range; want an address such as "192.0.2.7" or a range such as "192.0.2.0/24"`},
		{"deny zone", "[ban]\ndeny = [\"fe80::1%eth0\"]\n", `config: x84.toml:2: ban.deny: element 1: "fe80::1%eth0" has a zone; want an address such as "192.0.2.7" or a range such as "192.0.2.0/24"`},
		{"deny with port", "\n[ban]\ndeny = [\"192.0.2.1:23\"]\n", `config: x84.toml:3: ban.deny: element 1: "192.0.2.1:23" is not an IP address or CIDR range; want an address such as "192.0.2.7" or a range such as "192.0.2.0/24"`},
		{"deny empty", "[ban]\ndeny = [\"\"]\n", `config: x84.toml:2: ban.deny: element 1: "" is not an IP address or CIDR range; want an address such as "192.0.2.7" or a range such as "192.0.2.0/24"`},
		{"log level", "[log]\nlevel = \"verbose\"\n", `config: x84.toml:2: log.level: must be one of debug, info, warn, error (got "verbose")`},
		{"log level case", "[log]\nlevel = \"INFO\"\n", `config: x84.toml:2: log.level: must be one of debug, info, warn, error (got "INFO")`},
		{"log format", "[log]\nformat = \"xml\"\n", `config: x84.toml:2: log.format: must be one of text, json (got "xml")`},

		// Addresses.
		{"bracketed IPv4", "[telnet]\naddress = \"[127.0.0.1]\"\n", `config: x84.toml:2: telnet.address: brackets must hold an IPv6 address (got "[127.0.0.1]")`},
		{"bracketed name", "[telnet]\naddress = \"[localhost]\"\n", `config: x84.toml:2: telnet.address: brackets must hold an IPv6 address (got "[localhost]")`},
		{"unclosed bracket", "[telnet]\naddress = \"[::1\"\n", `config: x84.toml:2: telnet.address: must be a host name or an IP address (got "[::1")`},
		{"address with port", "[telnet]\naddress = \"127.0.0.1:23\"\n", `config: x84.toml:2: telnet.address: must not include a port (got "127.0.0.1:23"); set port instead`},
		{"IPv6 with port", "[telnet]\naddress = \"[::1]:23\"\n", `config: x84.toml:2: telnet.address: must not include a port (got "[::1]:23"); set port instead`},
		{"bad IPv4", "[telnet]\naddress = \"10.0.0.256\"\n", `config: x84.toml:2: telnet.address: must be a host name or an IP address (got "10.0.0.256")`},
		{"bad IPv6", "[telnet]\naddress = \"::1::2\"\n", `config: x84.toml:2: telnet.address: must be a host name or an IP address (got "::1::2")`},
		{"underscore", "[telnet]\naddress = \"my_bbs.example\"\n", `config: x84.toml:2: telnet.address: must be a host name or an IP address (got "my_bbs.example")`},
		{"leading hyphen", "[telnet]\naddress = \"-bbs.example\"\n", `config: x84.toml:2: telnet.address: must be a host name or an IP address (got "-bbs.example")`},
		{"empty label", "[telnet]\naddress = \"bbs..example\"\n", `config: x84.toml:2: telnet.address: must be a host name or an IP address (got "bbs..example")`},
		{"space", "[telnet]\naddress = \" localhost\"\n", `config: x84.toml:2: telnet.address: must be a host name or an IP address (got " localhost")`},
		{"long label", "[telnet]\naddress = \"" + strings.Repeat("a", 64) + ".example\"\n", `config: x84.toml:2: telnet.address: must be a host name or an IP address (got "` + strings.Repeat("a", 64) + `.example")`},
		{"web cert without key", "[web]\ncert = \"/etc/x84/cert.pem\"\n", `config: x84.toml:2: web.cert: cert and key must be set together (key is empty)`},
		{"web chain alone", "[web]\nchain = \"/etc/x84/chain.pem\"\n", `config: x84.toml:2: web.chain: chain needs cert and key`},
		{"web origin with path", "[web]\nallowed_origins = [\"https://example.com/x\"]\n", `config: x84.toml:2: web.allowed_origins: element 1: "https://example.com/x" is not an origin; want a lower-case scheme and host such as "https://bbs.example.com" or "https://example.com:8443"`},
		{"web origin host only", "[web]\nallowed_origins = [\"example.com\"]\n", `config: x84.toml:2: web.allowed_origins: element 1: "example.com" is not an origin; want a lower-case scheme and host such as "https://bbs.example.com" or "https://example.com:8443"`},
		{"web short token", "[web]\nmetrics_token = \"abc\"\n", `config: x84.toml:2: web.metrics_token: must be at least 16 characters (got 3)`},
		{"web hello timeout", "[web]\nhello_timeout = \"2m\"\n", `config: x84.toml:2: web.hello_timeout: must be between 100ms and 1m (got 2m)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("x84.toml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, nil; want error %s", tt.in, got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse(%q) error = %s; want %s", tt.in, err, tt.want)
			}
			if e := new(Error); !errors.As(err, &e) {
				t.Errorf("Parse(%q) error is %T; want *Error", tt.in, err)
			}
			if !reflect.DeepEqual(got, Config{}) {
				t.Errorf("Parse(%q) = %+v with an error; want Config{}", tt.in, got)
			}
		})
	}
}

func TestParseErrorFields(t *testing.T) {
	_, err := Parse("/home/me/.x84/x84.toml", []byte("[board]\n\n[telnet]\nport = 70000\n"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse error = %v (%T); want *Error", err, err)
	}
	want := Error{File: "/home/me/.x84/x84.toml", Line: 4, Key: "telnet.port"}
	if e.File != want.File || e.Line != want.Line || e.Key != want.Key {
		t.Errorf("Parse error = {%q %d %q}; want {%q %d %q}", e.File, e.Line, e.Key, want.File, want.Line, want.Key)
	}
	if got, w := e.Error(), "config: /home/me/.x84/x84.toml:4: telnet.port: must be between 0 and 65535 (got 70000)"; got != w {
		t.Errorf("Error() = %s; want %s", got, w)
	}

	// A syntax error keeps the toml.ParseError for callers that want its
	// column or usage text.
	_, err = Parse("x84.toml", []byte("port = \n"))
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		t.Errorf("Parse(bad syntax) error = %v; want it to wrap toml.ParseError", err)
	}
}

func TestError(t *testing.T) {
	inner := errors.New("boom")
	tests := []struct {
		in   Error
		want string
	}{
		{Error{File: "x84.toml", Line: 12, Key: "telnet.port", Err: inner}, "config: x84.toml:12: telnet.port: boom"},
		{Error{File: "x84.toml", Key: "telnet.port", Err: inner}, "config: x84.toml: telnet.port: boom"},
		{Error{File: "x84.toml", Line: 3, Err: inner}, "config: x84.toml:3: boom"},
		{Error{Line: 3, Key: "a", Err: inner}, "config: line 3: a: boom"},
		{Error{Err: inner}, "config: boom"},
	}
	for _, tt := range tests {
		e := tt.in
		if got := e.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %s; want %s", tt.in, got, tt.want)
		}
		if got := errors.Unwrap(&e); got != inner {
			t.Errorf("Unwrap(%#v) = %v; want %v", tt.in, got, inner)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(good, []byte("[telnet]\nport = 23\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("[telnet]\nprot = 23\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withPort := Default()
	withPort.Telnet.Port = 23

	tests := []struct {
		name    string
		path    string
		want    Config
		wantErr string
	}{
		{"missing file", filepath.Join(dir, "x84.toml"), Default(), ""},
		{"missing directory", filepath.Join(dir, "DATA", "x84.toml"), Default(), ""},
		{"file", good, withPort, ""},
		{"bad file", bad, Config{}, "config: " + bad + ":2: telnet.prot: unknown key"},
		{"directory", dir, Config{}, "config: read " + dir + ": is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.path)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("Load(%q) error = %q; want %q", tt.path, gotErr, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Load(%q) = %+v; want %+v", tt.path, got, tt.want)
			}
		})
	}
}

func TestListenAddr(t *testing.T) {
	tests := []struct {
		address string
		port    int
		want    string
	}{
		{"127.0.0.1", 6023, "127.0.0.1:6023"},
		{"", 6023, ":6023"},
		{"localhost", 0, "localhost:0"},
		{"::1", 23, "[::1]:23"},
		{"[::1]", 23, "[::1]:23"},
		{"::", 23, "[::]:23"},
		{"fe80::1%eth0", 23, "[fe80::1%eth0]:23"},
		{"[fe80::1%eth0]", 23, "[fe80::1%eth0]:23"},
	}
	for _, tt := range tests {
		tel := Telnet{Address: tt.address, Port: tt.port}
		if got := tel.ListenAddr(); got != tt.want {
			t.Errorf("Telnet{Address: %q, Port: %d}.ListenAddr() = %q; want %q", tt.address, tt.port, got, tt.want)
		}
	}
}

func TestParsePrefix(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"192.0.2.7", "192.0.2.7/32", ""},
		{"2001:db8::1", "2001:db8::1/128", ""},
		{"::ffff:192.0.2.1", "::ffff:192.0.2.1/128", ""},
		{"192.0.2.0/24", "192.0.2.0/24", ""},
		{"192.0.2.7/24", "192.0.2.0/24", ""},
		{"0.0.0.0/0", "0.0.0.0/0", ""},
		{"2001:db8::/32", "2001:db8::/32", ""},
		{"", "", `"" is not an IP address or CIDR range`},
		{"localhost", "", `"localhost" is not an IP address or CIDR range`},
		{"192.0.2.0/", "", `"192.0.2.0/" is not an IP address or CIDR range`},
		{" 192.0.2.1", "", `" 192.0.2.1" is not an IP address or CIDR range`},
		{"fe80::1%eth0", "", `"fe80::1%eth0" has a zone`},
		{"fe80::%eth0/64", "", `"fe80::%eth0/64" has a zone`},
	}
	for _, tt := range tests {
		p, err := ParsePrefix(tt.in)
		got, gotErr := "", ""
		if err != nil {
			gotErr = err.Error()
		} else {
			got = p.String()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("ParsePrefix(%q) = %q, %q; want %q, %q", tt.in, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

func TestBanPrefixes(t *testing.T) {
	b := Ban{Allow: []string{"127.0.0.1", "bogus", "10.1.2.3/8"}, Deny: []string{"::1"}}
	var got []string
	for _, p := range b.AllowPrefixes() {
		got = append(got, p.String())
	}
	if want := []string{"127.0.0.1/32", "10.0.0.0/8"}; !slices.Equal(got, want) {
		t.Errorf("AllowPrefixes() = %v; want %v", got, want)
	}
	if got := b.DenyPrefixes(); len(got) != 1 || got[0].String() != "::1/128" {
		t.Errorf("DenyPrefixes() = %v; want [::1/128]", got)
	}
	if got := (Ban{}).AllowPrefixes(); got == nil || len(got) != 0 {
		t.Errorf("Ban{}.AllowPrefixes() = %#v; want empty, not nil", got)
	}
}

// TestDefaultIsFresh: Default returns new slices each time, so a caller
// that changes one cannot change another's defaults.
func TestDefaultIsFresh(t *testing.T) {
	a := Default()
	a.Accounts.Reserved[0] = "changed"
	if b := Default(); b.Accounts.Reserved[0] != "new" {
		t.Errorf("Default().Accounts.Reserved[0] = %q after changing another copy; want \"new\"", b.Accounts.Reserved[0])
	}
}

func TestSlogLevel(t *testing.T) {
	tests := []struct {
		level string
		want  slog.Level
	}{
		{"debug", slog.LevelDebug},
		{"info", slog.LevelInfo},
		{"warn", slog.LevelWarn},
		{"error", slog.LevelError},
		{"", slog.LevelInfo},
	}
	for _, tt := range tests {
		if got := (Log{Level: tt.level}).SlogLevel(); got != tt.want {
			t.Errorf("Log{Level: %q}.SlogLevel() = %v; want %v", tt.level, got, tt.want)
		}
	}
}

// TestExample keeps the example file and the code in step: it must set
// every key, each to its default, each under a comment.
func TestExample(t *testing.T) {
	got, err := Parse("example", []byte(Example()))
	if err != nil {
		t.Fatalf("Parse(Example()) error = %v", err)
	}
	if !reflect.DeepEqual(got, Default()) {
		t.Errorf("Parse(Example()) = %+v; want Default() = %+v", got, Default())
	}

	var doc map[string]any
	md, err := toml.Decode(Example(), &doc)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, k := range md.Keys() {
		if len(k) == 2 {
			keys = append(keys, k.String())
		}
	}
	slices.Sort(keys)
	if want := schemaKeys(); !slices.Equal(keys, want) {
		t.Errorf("Example() sets keys %v; want %v", keys, want)
	}

	lines := strings.Split(Example(), "\n")
	for i, line := range lines {
		if i > 0 && strings.Contains(line, " = ") && !strings.HasPrefix(lines[i-1], "# ") {
			t.Errorf("Example() line %d %q has no comment above it", i+1, line)
		}
	}
}

// schemaKeys returns the sorted keys of every value in Config.
func schemaKeys() []string {
	var keys []string
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		sec, _ := tagName(ct.Field(i))
		st := ct.Field(i).Type
		if st.Kind() == reflect.Slice {
			continue // [[door]]: none by default; TestExampleDoor
		}
		for j := range st.NumField() {
			if st.Field(j).Type.Kind() == reflect.Slice && st.Field(j).Type.Elem().Kind() == reflect.Struct {
				continue // [[files.area]]: none by default
			}
			if isTableMap(reflect.New(st.Field(j).Type).Elem()) {
				continue // [access.areas.TAG]: none by default; TestAccess
			}
			if name, ok := tagName(st.Field(j)); ok {
				keys = append(keys, sec+"."+name)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// TestSections checks what the decoder and checker rely on: every field
// of Config is a section with a tag and a check method, and every value
// survives a trip through the toml encoder and Parse.
func TestSections(t *testing.T) {
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		f := ct.Field(i)
		if _, ok := tagName(f); !ok {
			t.Errorf("Config.%s has no toml tag", f.Name)
		}
		if !f.Type.Implements(reflect.TypeFor[section]()) {
			t.Errorf("Config.%s (%s) has no check method", f.Name, f.Type)
		}
		st := f.Type
		if st.Kind() == reflect.Slice {
			st = st.Elem() // an array of tables
		}
		for j := range st.NumField() {
			if _, ok := tagName(st.Field(j)); !ok {
				t.Errorf("%s.%s has no toml tag", st.Name(), st.Field(j).Name)
			}
		}
	}

	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(Default()); err != nil {
		t.Fatal(err)
	}
	got, err := Parse("encoded", buf.Bytes())
	if err != nil {
		t.Fatalf("Parse(encoded Default()) error = %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, Default()) {
		t.Errorf("Parse(encoded Default()) = %+v; want %+v", got, Default())
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    Duration
		wantErr string
	}{
		{"30m", Duration(30 * time.Minute), ""},
		{"1.5s", Duration(1500 * time.Millisecond), ""},
		{"0", 0, ""},
		{"0s", 0, ""},
		{"1h30m", Duration(90 * time.Minute), ""},
		{"250ms", Duration(250 * time.Millisecond), ""},
		{"", 0, `config: invalid duration ""; want a number and a unit such as "30m" or "1.5s"`},
		{"5", 0, `config: invalid duration "5"; want a number and a unit such as "30m" or "1.5s"`},
		{"abc", 0, `config: invalid duration "abc"; want a number and a unit such as "30m" or "1.5s"`},
		{"-1s", 0, `config: duration must not be negative (got "-1s")`},
	}
	for _, tt := range tests {
		var d Duration
		err := d.UnmarshalText([]byte(tt.in))
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if d != tt.want || gotErr != tt.wantErr {
			t.Errorf("UnmarshalText(%q) = %v, %q; want %v, %q", tt.in, d, gotErr, tt.want, tt.wantErr)
		}
	}
}

func TestDurationString(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{time.Second, "1s"},
		{4 * time.Second, "4s"},
		{10 * time.Second, "10s"},
		{1500 * time.Millisecond, "1.5s"},
		{100 * time.Millisecond, "100ms"},
		{time.Minute, "1m"},
		{30 * time.Minute, "30m"},
		{90 * time.Second, "1m30s"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + time.Second, "1h0m1s"},
		{-time.Minute, "-1m"},
	}
	for _, tt := range tests {
		d := Duration(tt.in)
		if got := d.String(); got != tt.want {
			t.Errorf("Duration(%v).String() = %q; want %q", tt.in, got, tt.want)
		}
		if d.D() != tt.in {
			t.Errorf("Duration(%v).D() = %v; want %v", tt.in, d.D(), tt.in)
		}
		text, err := d.MarshalText()
		if err != nil || string(text) != tt.want {
			t.Errorf("Duration(%v).MarshalText() = %q, %v; want %q, nil", tt.in, text, err, tt.want)
		}
		if tt.in < 0 {
			continue
		}
		var back Duration
		if err := back.UnmarshalText(text); err != nil || back != d {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v, nil", text, back, err, d)
		}
	}
}

// TestExampleDoor: the example's commented [[door]] table, uncommented,
// is a door with every key of Door, each at its default.
func TestExampleDoor(t *testing.T) {
	_, doorPart, ok := strings.Cut(Example(), "# [[door]]")
	if !ok {
		t.Fatal("Example() has no commented [[door]] table")
	}
	var b strings.Builder
	b.WriteString("[[door]]\n")
	for line := range strings.Lines(doorPart) {
		if rest, ok := strings.CutPrefix(line, "# "); ok && !strings.HasPrefix(rest, "# ") {
			b.WriteString(rest)
		}
	}
	c, err := Parse("example door", []byte(b.String()))
	if err != nil {
		t.Fatalf("the example door: %v\n%s", err, b.String())
	}
	want := Door{Name: "robots", Key: "r", Label: "Robots (bsdgames)", Command: "robots", Args: []string{},
		Dropfile: "none", Encoding: "utf-8", Env: map[string]string{}}
	if len(c.Doors) != 1 || !reflect.DeepEqual(c.Doors[0], want) {
		t.Errorf("the example door = %+v; want %+v", c.Doors, want)
	}
	var doc map[string]any
	md, err := toml.Decode(b.String(), &doc)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, k := range md.Keys() {
		if len(k) == 2 {
			keys = append(keys, k[1])
		}
	}
	var want2 []string
	dt := reflect.TypeFor[Door]()
	for i := range dt.NumField() {
		name, _ := tagName(dt.Field(i))
		want2 = append(want2, name)
	}
	slices.Sort(keys)
	slices.Sort(want2)
	if !slices.Equal(keys, want2) {
		t.Errorf("the example door sets %v; want every key of Door %v", keys, want2)
	}
}

func TestDoors(t *testing.T) {
	const two = `
[[door]]
name = "one"
key = "1"
command = "/bin/true"
args = ["-n", "{node}", "{handle}"]
env = { GAME = "x", B_2 = "y" }
dropfile = "door.sys"
encoding = "cp437"
max_nodes = 2
time_limit = 30

[[door]]
name = "two"
key = "T"
command = "robots"
sysop_only = true
`
	c, err := Parse("doors.toml", []byte(two))
	if err != nil {
		t.Fatal(err)
	}
	dotted, err := Parse("dotted.toml", []byte("[[door]]\nname=\"a\"\nkey=\"a\"\ncommand=\"x\"\nenv.FOO=\"bar\"\n[door.env]\nBAZ=\"q\"\n"))
	if err != nil || dotted.Doors[0].Env["FOO"] != "bar" || dotted.Doors[0].Env["BAZ"] != "q" {
		t.Errorf("env set key by key: %+v, %v; want FOO=bar and BAZ=q", dotted.Doors, err)
	}
	if len(c.Doors) != 2 || c.Doors[0].Name != "one" || c.Doors[1].Name != "two" ||
		c.Doors[0].Env["B_2"] != "y" || c.Doors[0].MaxNodes != 2 || !c.Doors[1].SysopOnly || c.Doors[1].Encoding != "" {
		t.Errorf("Parse = %+v", c.Doors)
	}
	tests := []struct {
		name, file, want string
	}{
		{"unknown key", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\n[[door]]\nname = \"b\"\ncolour = 1\n",
			"config: f:7: door[2].colour: unknown key"},
		{"missing command", "[[door]]\nname = \"a\"\nkey = \"a\"\n",
			"config: f:1: door[1].command: a door needs a command (the program to run)"},
		{"missing command, second door", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\n\n[[door]]\nname = \"b\"\nkey = \"b\"\n[log]\nlevel = \"info\"\n",
			"config: f:6: door[2].command: a door needs a command (the program to run)"},
		{"wrong type", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\nmax_nodes = \"two\"\n",
			"config: f:5: door[1].max_nodes: must be an integer (got string \"two\")"},
		{"same key", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\n[[door]]\nname = \"b\"\nkey = \"A\"\ncommand = \"x\"\n",
			"config: f:7: door[2].key: another door has the key \"A\""},
		{"key q", "[[door]]\nname = \"a\"\nkey = \"Q\"\ncommand = \"x\"\n",
			"config: f:3: door[1].key: q leaves the Doors menu; choose another key"},
		{"bad name", "[[door]]\nname = \"../x\"\nkey = \"a\"\ncommand = \"x\"\n",
			"config: f:2: door[1].name: \"../x\": use letters, digits, '.', '_' and '-' (1 to 32, starting with a letter or digit)"},
		{"placeholder", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\nargs = [\"{nod}\"]\n",
			"config: f:5: door[1].args: unknown placeholder {nod} (known: {node}, {handle}, {dropfile}, {cols}, {rows}, {data})"},
		{"dropfile", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\ndropfile = \"door.txt\"\n",
			"config: f:5: door[1].dropfile: must be one of none, door.sys, door32.sys, dorinfo, callinfo.bbs, chain.txt (got \"door.txt\")"},
		{"env value", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\nenv = { A = 1 }\n",
			"config: f:5: door[1].env: A: must be a string (got integer 1)"},
		{"env name", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\nenv = { \"A-B\" = \"1\" }\n",
			"config: f:5: door[1].env: \"A-B\" is not a variable name"},
		{"not tables", "door = \"x\"\n",
			"config: f:1: door: must be tables ([[...]]) (got string \"x\")"},
		{"time limit", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\ntime_limit = 2000\n",
			"config: f:5: door[1].time_limit: must be between 0 and 1440 (got 2000)"},
		{"headers with comments", "[[door]] # LORD\nname=\"a\"\nkey=\"a\"\ncommand=\"x\"\n\n[[door]] # TW2002\nname=\"b\"\nkey=\"b\"\ncommand=\"x\"\nmax_nodes=5000\n",
			"config: f:10: door[2].max_nodes: must be between 0 and 1000 (got 5000)"},
		{"a table in env", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\n[door.env.x]\nY = \"1\"\n",
			"config: f:5: door[1].env: x: must be a string (got a table)"},
		{"placeholder in dir", "[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\ndir = \"/srv/{handle}\"\n",
			"config: f:5: door[1].dir: unknown placeholder {handle} (known here: {node}, {data})"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f", []byte(tt.file))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse error\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestFileAreas: [[files.area]] tables are read in order, and an error
// names the table and its line.
func TestFileAreas(t *testing.T) {
	c, err := Parse("f", []byte("[files]\nmax_tags = 7\n\n[[files.area]]\nname = \"Games\"\ndir = \"games/dos\"\nupload = \"sysops\"\n\n[[files.area]]\nname = \"Text\"\nsysop_only = true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Files.Areas) != 2 || c.Files.Areas[0].Dir != "games/dos" || c.Files.Areas[0].Upload != "sysops" ||
		!c.Files.Areas[1].SysopOnly || c.Files.MaxTags != 7 {
		t.Errorf("Parse = %+v", c.Files)
	}
	tests := []struct{ name, file, want string }{
		{"same name", "[[files.area]]\nname = \"A\"\n[[files.area]]\nname = \"a\"\n",
			"config: f:4: files.area[2].name: another file area is named \"a\""},
		{"no name", "[files]\nratio = 2\n[[files.area]]\ndir = \"x\"\n",
			"config: f:3: files.area[1].name: a file area needs a name"},
		{"escape", "[[files.area]]\nname = \"A\"\ndir = \"../etc\"\n",
			"config: f:3: files.area[1].dir: \"../etc\": a folder inside the file area, like \"pub\" or \"games/dos\""},
		{"upload folder", "[[files.area]]\nname = \"A\"\ndir = \"uploads\"\n",
			"config: f:3: files.area[1].dir: \"uploads\" is the upload folder, which the Files screen shows to sysops for review"},
		{"upload rule", "[[files.area]]\nname = \"A\"\nupload = \"all\"\n",
			"config: f:3: files.area[1].upload: must be one of everyone, sysops, nobody (got \"all\")"},
		{"unknown key", "[[files.area]]\nname = \"A\"\nsize = 1\n",
			"config: f:3: files.area[1].size: unknown key"},
		{"max tags", "[files]\nmax_tags = 0\n",
			"config: f:2: files.max_tags: must be between 1 and 10000 (got 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f", []byte(tt.file))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse error\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

// FuzzParse: any file gives a Config or an *Error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add(Example())
	f.Add("[[door]]\nname = \"a\"\nkey = \"a\"\ncommand = \"x\"\nenv = { A = \"1\" }\n[[door]]\n[door.env]\nB = 2\n")
	f.Add("door = [{name = \"a\"}]\n[[door]]\n")
	f.Add("[[telnet]]\nport = 1\n")
	f.Add("[board]\nareas = [[1]]\n")
	f.Add("[[files.area]]\nname = \"a\"\n[[files.area]]\ndir = \"x\"\n")
	f.Add("[access.areas.x84]\nlevel = 1\n[access]\nareas = { general = { group = \"g\" } }\n")
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Parse("fuzz", []byte(src))
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Parse error %T %v; want *Error", err, err)
			}
		}
	})
}
