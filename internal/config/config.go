package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Config is x84's whole configuration. Each field is one section of the
// file; the toml tag is the section's name.
type Config struct {
	Board    Board    `toml:"board"`
	Server   Server   `toml:"server"`
	Telnet   Telnet   `toml:"telnet"`
	SSH      SSH      `toml:"ssh"`
	Rlogin   Rlogin   `toml:"rlogin"`
	Web      Web      `toml:"web"`
	Admin    Admin    `toml:"admin"`
	Files    Files    `toml:"files"`
	Accounts Accounts `toml:"accounts"`
	Access   Access   `toml:"access"`
	Ban      Ban      `toml:"ban"`
	Log      Log      `toml:"log"`
	Doors    Doors    `toml:"door"` // [[door]] tables
	Store    Store    `toml:"store"`
	Cluster  Cluster  `toml:"cluster"`
	Scripts  Scripts  `toml:"scripts"`
	Mail     Mail     `toml:"mail"`
}

// Scripts bounds sysops' scripts (DATA/scripts/NAME.js).
type Scripts struct {
	// TimeLimit is how long a script's JavaScript may run between two
	// waits for the caller before it is stopped (10ms to 1m).
	TimeLimit Duration `toml:"time_limit"`
	// MemoryMiB is how much a script may grow the heap between two
	// waits before it is stopped (1 to 4096).
	MemoryMiB int `toml:"memory_mib"`
}

// Store chooses where the board's records live.
type Store struct {
	// URL is a PostgreSQL database ("postgres://user@host:5432/db?sslmode=require");
	// "" keeps the embedded SQLite file DATA/x84.db. The environment
	// variable X84_STORE_URL, when set, takes its place.
	URL string `toml:"url"`
	// MaxConns bounds the connections this node opens to PostgreSQL.
	MaxConns int `toml:"max_conns"` // 1 to 1000
}

// Cluster names this node among the nodes that share one PostgreSQL
// database, and says how they watch each other. It matters only with a
// [store] url.
type Cluster struct {
	// Name names the node in logs, who's online and x84 who; "" means the
	// host name and the telnet port ("bbs1:6023"). 1 to 64 printable
	// characters, unique in the cluster.
	Name string `toml:"name"`
	// Heartbeat is how often a node tells the others it is alive.
	Heartbeat Duration `toml:"heartbeat"` // 100ms to 1m
	// NodeTimeout is how long a node may be silent before the others take
	// it for dead: its callers leave who's online and its node numbers
	// are freed. At least three heartbeats.
	NodeTimeout Duration `toml:"node_timeout"` // up to 10m
}

// Board describes the BBS itself and its screens.
type Board struct {
	Name string `toml:"name"` // shown to callers
	// OnelinerCount is how many one-liners the wall shows, 1 to 1000.
	OnelinerCount int `toml:"oneliner_count"`
	// OnelinerLength is the longest one-liner, 10 to 200 characters.
	OnelinerLength int `toml:"oneliner_length"`
	// OnelinerInterval is how long a caller waits between one-liners.
	OnelinerInterval Duration `toml:"oneliner_interval"`
	// LastCallers is how many calls the last callers screen lists, 1 to
	// 1000.
	LastCallers int `toml:"last_callers"`
	// ChatCrowd is how many callers a chat room holds before it sums up
	// arrivals and departures, one line per ChatCrowdEvery, instead of a
	// line for each (2 to 100000).
	ChatCrowd      int      `toml:"chat_crowd"`
	ChatCrowdEvery Duration `toml:"chat_crowd_every"` // 100ms to 1m
	// Areas are the public message areas' tags: lower-case letters,
	// digits and '-', 1 to 16 characters, at least one.
	Areas []string `toml:"areas"`
	// Theme names the colours, box characters and prompts of the
	// board's screens: a built-in theme ("default", "plain") or
	// DATA/themes/NAME.toml. 1 to 32 letters, digits, '-' or '_'.
	Theme string `toml:"theme"`
	// Language is the board's default language, a BCP 47 tag ("en",
	// "de"): what callers see whose terminal and account name none the
	// board speaks, and the language a theme's strings and menu files
	// are written in. It must be a built-in language or one of
	// DATA/lang/TAG.toml.
	Language string `toml:"language"`
	// CallerColors lets callers colour their one-liners with pipe codes
	// (|00 to |23); off, the codes show as typed.
	CallerColors bool `toml:"caller_colors"`
}

// Server holds limits shared by every front end.
type Server struct {
	MaxSessions   int      `toml:"max_sessions"`    // at least 1
	MaxPerAddress int      `toml:"max_per_address"` // at least 1
	IdleTimeout   Duration `toml:"idle_timeout"`    // 0 disables
	IdleWarning   Duration `toml:"idle_warning"`    // less than IdleTimeout unless that is 0
	ShutdownGrace Duration `toml:"shutdown_grace"`  // 0 to 1m
}

// Telnet configures the telnet listener.
type Telnet struct {
	Enabled bool `toml:"enabled"`
	// Address is a host name or an IP address; an IPv6 address may be
	// bracketed ("[::1]") or not ("::1"), and "" means all addresses.
	Address string `toml:"address"`
	// Port is 0 to 65535; 0 picks any free port, which tests use.
	Port int `toml:"port"`
	// MaxSubnegotiation is the largest subnegotiation accepted, in bytes,
	// 64 to 1048576.
	MaxSubnegotiation int `toml:"max_subnegotiation"`
	// NegotiationTimeout is how long to wait for a client that answers no
	// option at all.
	NegotiationTimeout Duration `toml:"negotiation_timeout"`
	// NegotiationLimit bounds negotiation with a client that answers only
	// some options; at least NegotiationTimeout.
	NegotiationLimit Duration `toml:"negotiation_limit"`
}

// SSH configures the ssh listener and its sftp file area.
type SSH struct {
	Enabled bool   `toml:"enabled"`
	Address string `toml:"address"` // as for telnet
	Port    int    `toml:"port"`
	// HostKeys are paths of existing private keys; empty means the
	// ed25519, ECDSA and RSA keys in the data directory, generated on first
	// start.
	HostKeys []string `toml:"host_keys"`
	// AuthTimeout bounds the handshake and login, then the wait for a
	// shell.
	AuthTimeout  Duration `toml:"auth_timeout"`
	MaxAuthTries int      `toml:"max_auth_tries"` // 1 to 20
}

// Rlogin configures the rlogin listener (RFC 1282), off by default: the
// protocol sends everything in the clear.
type Rlogin struct {
	Enabled          bool     `toml:"enabled"`
	Address          string   `toml:"address"`
	Port             int      `toml:"port"`
	HandshakeTimeout Duration `toml:"handshake_timeout"`
}

// Web configures the HTTPS server: the browser terminal, telnet over
// WebSocket, the JSON API and the metrics.
type Web struct {
	Enabled bool   `toml:"enabled"`
	Address string `toml:"address"` // as for telnet
	Port    int    `toml:"port"`
	// Cert, Key and Chain are PEM files; empty Cert and Key mean a
	// self-signed certificate made in DATA/tls. Chain (intermediates) is
	// optional.
	Cert  string `toml:"cert"`
	Key   string `toml:"key"`
	Chain string `toml:"chain"`
	// RedirectPort, if not 0, is a plain-HTTP port on Address that only
	// redirects to HTTPS.
	RedirectPort int `toml:"redirect_port"`
	// MetricsToken, if set, lets clients other than loopback read
	// /metrics with "Authorization: Bearer <token>".
	MetricsToken string `toml:"metrics_token"`
	// AllowedOrigins are origins ("https://example.com") besides the
	// server's own whose pages may open the WebSockets.
	AllowedOrigins []string `toml:"allowed_origins"`
	// MaxBody is the largest request body, in bytes.
	MaxBody int `toml:"max_body"`
	// MaxMessage is the largest WebSocket message a client may send, in
	// bytes.
	MaxMessage int `toml:"max_message"`
	// ReadHeaderTimeout bounds the TLS handshake and reading a request's
	// headers; ReadTimeout the whole request; WriteTimeout the response;
	// IdleTimeout an idle keep-alive connection. WebSockets are exempt
	// once open.
	ReadHeaderTimeout Duration `toml:"read_header_timeout"`
	ReadTimeout       Duration `toml:"read_timeout"`
	WriteTimeout      Duration `toml:"write_timeout"`
	IdleTimeout       Duration `toml:"idle_timeout"`
	// HelloTimeout is how long a browser terminal has to send its window
	// size after the WebSocket opens.
	HelloTimeout Duration `toml:"hello_timeout"`
	// PublicWho lets anyone read GET /api/who; false answers 404.
	PublicWho bool `toml:"public_who"`
}

// Files configures the file area served over sftp.
type Files struct {
	// Dir is the area's root; "" means DATA/files.
	Dir string `toml:"dir"`
	// UploadDir is the folder, inside Dir, where callers may upload.
	UploadDir string `toml:"upload_dir"`
	// MaxUploadMiB is the largest file accepted, in MiB.
	MaxUploadMiB int `toml:"max_upload_mib"`
	// QuotaMiB is what one caller may keep in the upload folder, in MiB.
	QuotaMiB int `toml:"quota_mib"`
	// MaxFilesPerUser is how many files one caller may keep in the
	// upload folder.
	MaxFilesPerUser int `toml:"max_files_per_user"` // 1 to 1000000
	// MaxOpenFiles bounds the open handles (files and directory listings)
	// of one sftp session, MaxOpenFilesPerUser those of all of one
	// user's sessions together.
	MaxOpenFiles        int `toml:"max_open_files"`          // 1 to 4096
	MaxOpenFilesPerUser int `toml:"max_open_files_per_user"` // at least max_open_files
	// MaxSessionsPerUser bounds one user's sftp sessions at once.
	MaxSessionsPerUser int `toml:"max_sessions_per_user"` // 1 to 1000
	// MaxRequestsPerSecond bounds the requests of one sftp session other
	// than reads and writes of open files (opens, listings, stats,
	// renames, removals); more wait their turn.
	MaxRequestsPerSecond int `toml:"max_requests_per_second"` // 1 to 100000
	// Areas are the [[files.area]] tables: the folders the terminal's
	// Files screen lists, in this order. None means one area, "Files",
	// the area's root.
	Areas []FileArea `toml:"area"`
	// MaxTags bounds the files one caller may tag for a batch download.
	MaxTags int `toml:"max_tags"` // 1 to 10000
	// MaxBatchMiB bounds one batch download, in MiB.
	MaxBatchMiB int `toml:"max_batch_mib"` // 1 to 1<<20
	// Ratio, when above 0, lets a caller download at most Ratio bytes
	// for each byte uploaded, after a free allowance of RatioFreeMiB.
	// Sysops are exempt. 0 (the default) turns ratios off.
	Ratio        int `toml:"ratio"`          // 0 to 1000
	RatioFreeMiB int `toml:"ratio_free_mib"` // 0 to 1<<20
	// LinkLifetime is how long a browser terminal's download link works.
	LinkLifetime Duration `toml:"link_lifetime"` // 1s to 24h
	// TransferTimeout is how long a caller's terminal has to start a
	// transfer; once it runs, the protocols' own timeouts apply.
	TransferTimeout Duration `toml:"transfer_timeout"` // 1s to 10m
}

// FileArea is one folder of the file area as the Files screen shows it.
type FileArea struct {
	// Name is shown in the list of areas: 1 to 40 characters, unique.
	Name string `toml:"name"`
	// Dir is the folder, inside the file area, slash-separated ("pub",
	// "games/dos"); "" is the root. Not the upload folder.
	Dir string `toml:"dir"`
	// Description is a line shown beside the name.
	Description string `toml:"description"`
	// Upload says who may upload from this area: "everyone" (the
	// default), "sysops" or "nobody". Uploads always wait in the upload
	// folder for a sysop to release them.
	Upload string `toml:"upload"`
	// SysopOnly hides the area from callers who are not sysops, in the
	// Files screen and over sftp.
	SysopOnly bool `toml:"sysop_only"`
	// Level and Group, if set, hide the area from callers below the
	// level or outside the group, in the Files screen and over sftp.
	// Two areas on one folder must need the same.
	Level int    `toml:"level"`
	Group string `toml:"group"`
}

// FileAreaUploads are the values of a file area's upload key.
var FileAreaUploads = []string{"everyone", "sysops", "nobody"}

// Accounts holds the rules for new accounts and logins. Package auth
// turns it into its own types (auth.RulesFromConfig, auth.HasherFromConfig),
// so that this package imports nothing of x84's.
type Accounts struct {
	HandleMin int `toml:"handle_min"` // 1 to 64
	HandleMax int `toml:"handle_max"` // HandleMin to 64
	// HandlePattern is a regular expression (Go's RE2 syntax) that a
	// handle must match whole.
	HandlePattern string `toml:"handle_pattern"`
	// Reserved handles are refused whatever their case; [] reserves
	// none but the login prompt's words, which the account service
	// always refuses.
	Reserved         []string `toml:"reserved"`
	PasswordMin      int      `toml:"password_min"`       // 1 to 128
	MaxLoginAttempts int      `toml:"max_login_attempts"` // 1 to 100, per call
	// LoginTimeout is how long a caller has to log in or finish the
	// new-user application before the call ends: 10s to 1h.
	LoginTimeout Duration `toml:"login_timeout"`
	// AllowAnonymous lets "anonymous" and "guest" log in with no password.
	AllowAnonymous bool `toml:"allow_anonymous"`
	// The argon2id cost of new password hashes. Stored hashes keep their
	// own and are rehashed at the next login when these change.
	Argon2MemoryKiB int `toml:"argon2_memory_kib"` // 1024 to 1048576
	Argon2Time      int `toml:"argon2_time"`       // 1 to 100
	Argon2Threads   int `toml:"argon2_threads"`    // 1 to 64
	// TOTPMaxFailures wrong two-factor codes of one account within
	// TOTPWindow of the first stop its codes being checked until the
	// window ends (per node: each keeps its own count).
	TOTPMaxFailures int      `toml:"totp_max_failures"` // 1 to 1000
	TOTPWindow      Duration `toml:"totp_window"`       // 1m to 24h
}

// Ban configures login bans ("fail2ban"); auth.BanConfigFromConfig turns
// it into an auth.BanConfig.
type Ban struct {
	// MaxFailures failed logins within Window of the first ban the address
	// (an IPv6 address's whole /64).
	MaxFailures int      `toml:"max_failures"` // 1 to 1000
	Window      Duration `toml:"window"`       // 1s to 24h
	BanTime     Duration `toml:"ban_time"`     // at least 1s
	// Increment lengthens each repeat ban; 0 keeps every ban at BanTime.
	Increment  Duration `toml:"increment"`
	MaxBanTime Duration `toml:"max_ban_time"` // at least BanTime
	// Allow and Deny hold IP addresses (meaning /32 or /128) and CIDR
	// ranges: Allow is never banned, Deny always refused.
	Allow []string `toml:"allow"`
	Deny  []string `toml:"deny"`
}

// Log configures the server's log.
type Log struct {
	Level  string `toml:"level"`  // debug, info, warn or error
	Format string `toml:"format"` // text or json
	// MaxValue cuts every logged string that a caller chose (a path, a
	// handle, a terminal type) to this many bytes.
	MaxValue int `toml:"max_value"` // 32 to 65536
	// SFTPLinesPerSecond is how many lines one sftp session may log
	// each second (refusals, uploads, changes); the rest are counted in
	// the next line logged.
	SFTPLinesPerSecond int `toml:"sftp_lines_per_second"` // 1 to 1000
}

// Default returns the configuration used for every key a file leaves out.
func Default() Config {
	return Config{
		Board: Board{
			Name:             "x84",
			OnelinerCount:    20,
			OnelinerLength:   60,
			OnelinerInterval: Duration(time.Minute),
			LastCallers:      20,
			ChatCrowd:        20,
			ChatCrowdEvery:   Duration(time.Second),
			Areas:            []string{"general", "x84"},
			Theme:            "default",
			Language:         "en",
		},
		Server: Server{
			MaxSessions:   2000,
			MaxPerAddress: 20,
			IdleTimeout:   Duration(30 * time.Minute),
			IdleWarning:   Duration(time.Minute),
			ShutdownGrace: Duration(4 * time.Second),
		},
		Telnet: Telnet{
			Enabled:            true,
			Address:            "127.0.0.1",
			Port:               6023,
			MaxSubnegotiation:  65534,
			NegotiationTimeout: Duration(time.Second),
			NegotiationLimit:   Duration(2 * time.Second),
		},
		SSH: SSH{
			Enabled:      true,
			Address:      "127.0.0.1",
			Port:         6022,
			HostKeys:     []string{},
			AuthTimeout:  Duration(30 * time.Second),
			MaxAuthTries: 6,
		},
		Rlogin: Rlogin{
			Address:          "127.0.0.1",
			Port:             6513,
			HandshakeTimeout: Duration(5 * time.Second),
		},
		Web: Web{
			Enabled:           true,
			Address:           "127.0.0.1",
			Port:              8443,
			AllowedOrigins:    []string{},
			MaxBody:           65536,
			MaxMessage:        65536,
			ReadHeaderTimeout: Duration(10 * time.Second),
			ReadTimeout:       Duration(30 * time.Second),
			WriteTimeout:      Duration(30 * time.Second),
			IdleTimeout:       Duration(15 * time.Second),
			HelloTimeout:      Duration(5 * time.Second),
			PublicWho:         true,
		},
		Admin: defaultAdmin(),
		Files: Files{
			UploadDir:            "uploads",
			MaxUploadMiB:         256,
			QuotaMiB:             1024,
			MaxFilesPerUser:      500,
			MaxOpenFiles:         64,
			MaxOpenFilesPerUser:  128,
			MaxTags:              100,
			MaxBatchMiB:          1024,
			LinkLifetime:         Duration(10 * time.Minute),
			TransferTimeout:      Duration(time.Minute),
			MaxSessionsPerUser:   4,
			MaxRequestsPerSecond: 200,
		},
		Accounts: Accounts{
			HandleMin:        3,
			HandleMax:        16,
			HandlePattern:    `^[A-Za-z0-9][A-Za-z0-9_.-]*$`,
			Reserved:         defaultReserved(),
			PasswordMin:      8,
			MaxLoginAttempts: 3,
			LoginTimeout:     Duration(5 * time.Minute),
			Argon2MemoryKiB:  19456,
			Argon2Time:       2,
			Argon2Threads:    1,
			TOTPMaxFailures:  5,
			TOTPWindow:       Duration(15 * time.Minute),
		},
		Access: defaultAccess(),
		Ban: Ban{
			MaxFailures: 3,
			Window:      Duration(30 * time.Second),
			BanTime:     Duration(6 * time.Minute),
			Increment:   Duration(6 * time.Minute),
			MaxBanTime:  Duration(24 * time.Hour),
			Allow:       []string{},
			Deny:        []string{},
		},
		Log:     Log{Level: "info", Format: "text", MaxValue: 256, SFTPLinesPerSecond: 5},
		Store:   Store{MaxConns: 16},
		Cluster: Cluster{Heartbeat: Duration(5 * time.Second), NodeTimeout: Duration(15 * time.Second)},
		Scripts: Scripts{TimeLimit: Duration(2 * time.Second), MemoryMiB: 64},
		Mail:    defaultMail(),
	}
}

// defaultReserved returns the default reserved handles: the login prompt's
// commands and names that could pass for the board's staff.
func defaultReserved() []string {
	return []string{"new", "apply", "forgot", "bye", "logoff", "logout", "quit", "exit",
		"sysop", "anonymous", "guest", "root", "admin", "all", "nobody", "x84"}
}

// AllowPrefixes returns Allow as prefixes, each address as a /32 or /128.
// Entries that do not parse are left out; Parse refuses them.
func (b Ban) AllowPrefixes() []netip.Prefix { return prefixes(b.Allow) }

// DenyPrefixes returns Deny as AllowPrefixes returns Allow.
func (b Ban) DenyPrefixes() []netip.Prefix { return prefixes(b.Deny) }

func prefixes(list []string) []netip.Prefix {
	ps := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		if p, err := ParsePrefix(s); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// ParsePrefix parses an IP address, meaning a /32 or /128, or a CIDR range
// such as "192.0.2.0/24", whose host bits are cleared. Zones are refused.
func ParsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "%") {
		return netip.Prefix{}, fmt.Errorf("%q has a zone", s)
	}
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR range", s)
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR range", s)
	}
	return p.Masked(), nil
}

// ListenAddr returns the address to listen on, as net.Listen wants it.
func (t Telnet) ListenAddr() string { return listenAddr(t.Address, t.Port) }

// ListenAddr is host:port for net.Listen.
func (s SSH) ListenAddr() string { return listenAddr(s.Address, s.Port) }

// ListenAddr is host:port for net.Listen.
func (r Rlogin) ListenAddr() string { return listenAddr(r.Address, r.Port) }

// ListenAddr is host:port for net.Listen.
func (w Web) ListenAddr() string { return listenAddr(w.Address, w.Port) }

// RedirectAddr is host:port of the plain-HTTP redirect listener.
func (w Web) RedirectAddr() string { return listenAddr(w.Address, w.RedirectPort) }

func listenAddr(host string, port int) string {
	return net.JoinHostPort(unbracket(host), strconv.Itoa(port))
}

// unbracket strips the brackets of "[::1]", which JoinHostPort would double.
func unbracket(host string) string {
	if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
		return host[1 : len(host)-1]
	}
	return host
}

// SlogLevel returns Level as a slog.Level; an unchecked, unknown level is
// treated as info.
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

func (s Store) check() *problem {
	if s.URL != "" && !strings.HasPrefix(s.URL, "postgres://") && !strings.HasPrefix(s.URL, "postgresql://") {
		return problemf("url", "must be a postgres:// URL or empty (got a value starting %q)", prefix(s.URL, 11))
	}
	return intIn("max_conns", s.MaxConns, 1, 1000)
}

// prefix is the start of a value that may hold a secret, for messages.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (s Scripts) check() *problem {
	return firstProblem(
		durationIn("time_limit", s.TimeLimit, Duration(10*time.Millisecond), Duration(time.Minute)),
		intIn("memory_mib", s.MemoryMiB, 1, 4096),
	)
}

func (c Cluster) check() *problem {
	if len(c.Name) > 64 || strings.ContainsFunc(c.Name, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return problemf("name", "must be at most 64 characters, without spaces or control characters (got %q)", c.Name)
	}
	if p := firstProblem(
		durationIn("heartbeat", c.Heartbeat, Duration(100*time.Millisecond), Duration(time.Minute)),
		durationIn("node_timeout", c.NodeTimeout, 0, Duration(10*time.Minute)),
	); p != nil {
		return p
	}
	if c.NodeTimeout < 3*c.Heartbeat {
		p := problemf("node_timeout", "node_timeout (%v) must be at least three heartbeats (%v)", c.NodeTimeout, 3*c.Heartbeat)
		p.also = "heartbeat"
		return p
	}
	return nil
}

func (b Board) check() *problem {
	if b.Name == "" {
		return problemf("name", "must not be empty")
	}
	// The name is written to every caller's terminal, where a control
	// character could start an escape sequence.
	if strings.ContainsFunc(b.Name, unicode.IsControl) {
		return problemf("name", "must not contain control characters (got %q)", b.Name)
	}
	return firstProblem(
		intIn("oneliner_count", b.OnelinerCount, 1, 1000),
		intIn("oneliner_length", b.OnelinerLength, 10, 200),
		durationIn("oneliner_interval", b.OnelinerInterval, 0, Duration(24*time.Hour)),
		intIn("last_callers", b.LastCallers, 1, 1000),
		intIn("chat_crowd", b.ChatCrowd, 2, 100000),
		durationIn("chat_crowd_every", b.ChatCrowdEvery, Duration(100*time.Millisecond), Duration(time.Minute)),
		areaTags("areas", b.Areas),
		themeName("theme", b.Theme),
		languageTag("language", b.Language),
	)
}

// languageTag checks a language tag's form; whether the board speaks
// it is known once the catalogs are read.
func languageTag(key, tag string) *problem {
	if t, err := language.Parse(tag); err != nil || t == language.Und || len(tag) > 35 {
		return problemf(key, "must be a language tag such as \"en\" or \"de\" (got %q)", tag)
	}
	return nil
}

// themeName checks a theme's name, which becomes a file name
// (DATA/themes/NAME.toml): no separators, dots or spaces.
func themeName(key, name string) *problem {
	ok := len(name) >= 1 && len(name) <= 32
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}
	if !ok {
		return problemf(key, "must be 1 to 32 letters, digits, '-' or '_' (got %q)", name)
	}
	return nil
}

// areaTags checks the message areas' tags.
func areaTags(key string, tags []string) *problem {
	if len(tags) == 0 {
		return problemf(key, "needs at least one area")
	}
	seen := map[string]bool{}
	for i, t := range tags {
		ok := len(t) >= 1 && len(t) <= 16
		for _, r := range t {
			ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
		}
		if !ok {
			return problemf(key, "element %d (%q) must be 1 to 16 lower-case letters, digits or '-'", i+1, t)
		}
		if seen[t] {
			return problemf(key, "element %d (%q) is listed twice", i+1, t)
		}
		seen[t] = true
	}
	return nil
}

func (s Server) check() *problem {
	if p := firstProblem(
		atLeast("max_sessions", s.MaxSessions, 1),
		atLeast("max_per_address", s.MaxPerAddress, 1),
		notNegative("idle_timeout", s.IdleTimeout),
		notNegative("idle_warning", s.IdleWarning),
		durationIn("shutdown_grace", s.ShutdownGrace, 0, Duration(time.Minute)),
	); p != nil {
		return p
	}
	if s.IdleTimeout != 0 && s.IdleWarning >= s.IdleTimeout {
		p := problemf("idle_warning", "idle_warning (%v) must be less than idle_timeout (%v)",
			s.IdleWarning, s.IdleTimeout)
		p.also = "idle_timeout"
		return p
	}
	return nil
}

func (t Telnet) check() *problem {
	if p := firstProblem(
		hostOrIP("address", t.Address),
		intIn("port", t.Port, 0, 65535),
		intIn("max_subnegotiation", t.MaxSubnegotiation, 64, 1<<20),
		notNegative("negotiation_timeout", t.NegotiationTimeout),
		notNegative("negotiation_limit", t.NegotiationLimit),
	); p != nil {
		return p
	}
	if t.NegotiationLimit < t.NegotiationTimeout {
		p := problemf("negotiation_limit", "negotiation_limit (%v) must not be less than negotiation_timeout (%v)",
			t.NegotiationLimit, t.NegotiationTimeout)
		p.also = "negotiation_timeout"
		return p
	}
	return nil
}

func (s SSH) check() *problem {
	for i, p := range s.HostKeys {
		if p == "" {
			return problemf("host_keys", "element %d is empty", i+1)
		}
	}
	return firstProblem(
		hostOrIP("address", s.Address),
		intIn("port", s.Port, 0, 65535),
		durationIn("auth_timeout", s.AuthTimeout, Duration(time.Second), Duration(10*time.Minute)),
		intIn("max_auth_tries", s.MaxAuthTries, 1, 20),
	)
}

func (r Rlogin) check() *problem {
	return firstProblem(
		hostOrIP("address", r.Address),
		intIn("port", r.Port, 0, 65535),
		durationIn("handshake_timeout", r.HandshakeTimeout, Duration(100*time.Millisecond), Duration(time.Minute)),
	)
}

func (w Web) check() *problem {
	if p := firstProblem(
		hostOrIP("address", w.Address),
		intIn("port", w.Port, 0, 65535),
		intIn("redirect_port", w.RedirectPort, 0, 65535),
		originsProblem("allowed_origins", w.AllowedOrigins),
		intIn("max_body", w.MaxBody, 1024, 1<<30),
		intIn("max_message", w.MaxMessage, 1024, 16<<20),
		durationIn("read_header_timeout", w.ReadHeaderTimeout, Duration(100*time.Millisecond), Duration(10*time.Minute)),
		durationIn("read_timeout", w.ReadTimeout, Duration(100*time.Millisecond), Duration(time.Hour)),
		durationIn("write_timeout", w.WriteTimeout, Duration(100*time.Millisecond), Duration(time.Hour)),
		durationIn("idle_timeout", w.IdleTimeout, Duration(100*time.Millisecond), Duration(time.Hour)),
		durationIn("hello_timeout", w.HelloTimeout, Duration(100*time.Millisecond), Duration(time.Minute)),
	); p != nil {
		return p
	}
	if (w.Cert == "") != (w.Key == "") {
		key, other := "cert", "key"
		if w.Cert == "" {
			key, other = "key", "cert"
		}
		p := problemf(key, "cert and key must be set together (%s is empty)", other)
		p.also = other
		return p
	}
	if w.Chain != "" && w.Cert == "" {
		p := problemf("chain", "chain needs cert and key")
		p.also = "cert"
		return p
	}
	if strings.ContainsFunc(w.MetricsToken, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return problemf("metrics_token", "must be printable ASCII without spaces")
	}
	if w.MetricsToken != "" && len(w.MetricsToken) < 16 {
		return problemf("metrics_token", "must be at least 16 characters (got %d)", len(w.MetricsToken))
	}
	return nil
}

func (f Files) check() *problem {
	if f.UploadDir == "" || strings.ContainsAny(f.UploadDir, "/\\") || f.UploadDir == "." || f.UploadDir == ".." {
		return problemf("upload_dir", "must be one folder name inside the area (got %q)", f.UploadDir)
	}
	if p := firstProblem(
		intIn("max_upload_mib", f.MaxUploadMiB, 1, 1<<20),
		intIn("quota_mib", f.QuotaMiB, 1, 1<<24),
		intIn("max_files_per_user", f.MaxFilesPerUser, 1, 1000000),
		intIn("max_open_files", f.MaxOpenFiles, 1, 4096),
		intIn("max_open_files_per_user", f.MaxOpenFilesPerUser, 1, 1<<20),
		intIn("max_sessions_per_user", f.MaxSessionsPerUser, 1, 1000),
		intIn("max_requests_per_second", f.MaxRequestsPerSecond, 1, 100000),
		intIn("max_tags", f.MaxTags, 1, 10000),
		intIn("max_batch_mib", f.MaxBatchMiB, 1, 1<<20),
		intIn("ratio", f.Ratio, 0, 1000),
		intIn("ratio_free_mib", f.RatioFreeMiB, 0, 1<<20),
		durationIn("link_lifetime", f.LinkLifetime, Duration(time.Second), Duration(24*time.Hour)),
		durationIn("transfer_timeout", f.TransferTimeout, Duration(time.Second), Duration(10*time.Minute)),
	); p != nil {
		return p
	}
	names := map[string]bool{}
	for i, a := range f.Areas {
		if p := a.check(f.UploadDir, names); p != nil {
			p.table, p.index = "area", i+1
			return p
		}
	}
	if p := sharedFolders(f.Areas); p != nil {
		return p
	}
	if f.MaxOpenFilesPerUser < f.MaxOpenFiles {
		p := problemf("max_open_files_per_user", "max_open_files_per_user (%d) must not be less than max_open_files (%d)",
			f.MaxOpenFilesPerUser, f.MaxOpenFiles)
		p.also = "max_open_files"
		return p
	}
	return nil
}

func (a FileArea) check(uploadDir string, names map[string]bool) *problem {
	clean := path.Clean("/" + a.Dir)[1:]
	switch {
	case a.Name == "":
		return problemf("name", "a file area needs a name")
	case utf8.RuneCountInString(a.Name) > 40 || strings.ContainsFunc(a.Name, unicode.IsControl):
		return problemf("name", "%q: at most 40 characters, no control characters", a.Name)
	case names[strings.ToLower(a.Name)]:
		return problemf("name", "another file area is named %q", a.Name)
	case strings.Contains(a.Dir, "\\") || clean != strings.Trim(a.Dir, "/") || strings.HasPrefix(a.Dir, "/"):
		return problemf("dir", "%q: a folder inside the file area, like \"pub\" or \"games/dos\"", a.Dir)
	case clean == uploadDir || strings.HasPrefix(clean, uploadDir+"/"):
		return problemf("dir", "%q is the upload folder, which the Files screen shows to sysops for review", a.Dir)
	case utf8.RuneCountInString(a.Description) > 60 || strings.ContainsFunc(a.Description, unicode.IsControl):
		return problemf("description", "at most 60 characters, no control characters")
	}
	names[strings.ToLower(a.Name)] = true
	if a.Upload != "" {
		if p := oneOf("upload", strings.ToLower(a.Upload), FileAreaUploads...); p != nil {
			return p
		}
	}
	return Need{Level: a.Level, Group: a.Group}.check()
}

func (a Accounts) check() *problem {
	if p := firstProblem(
		intIn("handle_min", a.HandleMin, 1, 64),
		intIn("handle_max", a.HandleMax, 1, 64),
		regexpProblem("handle_pattern", a.HandlePattern),
		wordsProblem("reserved", a.Reserved),
		intIn("password_min", a.PasswordMin, 1, 128),
		intIn("max_login_attempts", a.MaxLoginAttempts, 1, 100),
		durationIn("login_timeout", a.LoginTimeout, Duration(10*time.Second), Duration(time.Hour)),
		intIn("argon2_memory_kib", a.Argon2MemoryKiB, 1024, 1<<20),
		intIn("argon2_time", a.Argon2Time, 1, 100),
		intIn("argon2_threads", a.Argon2Threads, 1, 64),
		intIn("totp_max_failures", a.TOTPMaxFailures, 1, 1000),
		durationIn("totp_window", a.TOTPWindow, Duration(time.Minute), Duration(24*time.Hour)),
	); p != nil {
		return p
	}
	if a.HandleMax < a.HandleMin {
		p := problemf("handle_max", "handle_max (%d) must not be less than handle_min (%d)", a.HandleMax, a.HandleMin)
		p.also = "handle_min"
		return p
	}
	return nil
}

func (b Ban) check() *problem {
	if p := firstProblem(
		intIn("max_failures", b.MaxFailures, 1, 1000),
		durationIn("window", b.Window, Duration(time.Second), Duration(24*time.Hour)),
		durationAtLeast("ban_time", b.BanTime, Duration(time.Second)),
		notNegative("increment", b.Increment),
		notNegative("max_ban_time", b.MaxBanTime),
		prefixesProblem("allow", b.Allow),
		prefixesProblem("deny", b.Deny),
	); p != nil {
		return p
	}
	if b.MaxBanTime < b.BanTime {
		p := problemf("max_ban_time", "max_ban_time (%v) must not be less than ban_time (%v)", b.MaxBanTime, b.BanTime)
		p.also = "ban_time"
		return p
	}
	return nil
}

func (l Log) check() *problem {
	return firstProblem(
		oneOf("level", l.Level, "debug", "info", "warn", "error"),
		oneOf("format", l.Format, "text", "json"),
		intIn("max_value", l.MaxValue, 32, 65536),
		intIn("sftp_lines_per_second", l.SFTPLinesPerSecond, 1, 1000),
	)
}

// Doors are the [[door]] tables, in the order the Doors menu lists them.
type Doors []Door

// Door is an external program callers run from the Doors menu.
type Door struct {
	// Name names the door in logs, in who's online and in its working
	// directory (DATA/doors/NAME/NODE): letters, digits, '.', '_' and
	// '-', 1 to 32, starting with a letter or digit. Unique.
	Name string `toml:"name"`
	// Key is the door's key in the Doors menu: one letter or digit, not
	// Q (which leaves the menu). Unique, whatever the case.
	Key string `toml:"key"`
	// Label is the menu's text for the door; "" shows Name.
	Label string `toml:"label"`
	// Command is the program: a path, or a name found in Path. Args are
	// its arguments, each one as it is (no shell), with {node},
	// {handle}, {dropfile}, {cols}, {rows} and {data} replaced.
	Command string   `toml:"command"`
	Args    []string `toml:"args"`
	// Dir is the working directory; "" means DATA/doors/NAME/NODE. It
	// may hold {node} and {data}.
	Dir string `toml:"dir"`
	// Dropfile is the dropfile written before the door starts: door.sys,
	// door32.sys, dorinfo, callinfo.bbs, chain.txt, or none (the
	// default). DropfileDir is where ({node} and {data} replaced); ""
	// means DATA/doors/NAME/NODE, the node's own, even when the working
	// directory is shared.
	Dropfile    string `toml:"dropfile"`
	DropfileDir string `toml:"dropfile_dir"`
	// Encoding is what the door reads and writes: utf-8 (the default)
	// or cp437. Callers' sessions are transcoded to and from it.
	Encoding string `toml:"encoding"`
	// MaxNodes is how many callers may be in the door at once; 0 means
	// no limit (up to 1000).
	MaxNodes int `toml:"max_nodes"`
	// TimeLimit is how many minutes a caller may stay in the door; the
	// caller is warned a minute before. 0 means no limit (up to 1440).
	TimeLimit int `toml:"time_limit"`
	// SysopOnly lists and runs the door for sysops only.
	SysopOnly bool `toml:"sysop_only"`
	// Level and Group, if set, list and run the door only for callers of
	// at least the level and in the group.
	Level int    `toml:"level"`
	Group string `toml:"group"`
	// Env holds extra environment variables for the door.
	Env map[string]string `toml:"env"`
	// Path is the door's PATH; "" means
	// /usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games.
	Path string `toml:"path"`
	// MinCols and MinRows: a caller with a smaller window is asked to make
	// it larger before the door starts (Esc cancels). 0 asks nothing.
	MinCols int `toml:"min_cols"` // 0 to 1000
	MinRows int `toml:"min_rows"` // 0 to 1000
}

var (
	doorName    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	placeholder = regexp.MustCompile(`\{([A-Za-z_]*)\}`)
	// DoorPlaceholders are the names args may use in braces;
	// DoorDirPlaceholders those dir and dropfile_dir may use.
	DoorPlaceholders    = []string{"node", "handle", "dropfile", "cols", "rows", "data"}
	DoorDirPlaceholders = []string{"node", "data"}
	// DoorDropfiles are the values of a door's dropfile key.
	DoorDropfiles = []string{"none", "door.sys", "door32.sys", "dorinfo", "callinfo.bbs", "chain.txt"}
)

func (ds Doors) check() *problem {
	names := map[string]bool{}
	keys := map[string]bool{}
	for i, d := range ds {
		p := d.check(names, keys)
		if p != nil {
			p.index = i + 1
			return p
		}
	}
	return nil
}

func (d Door) check(names, keys map[string]bool) *problem {
	switch {
	case d.Name == "":
		return problemf("name", "a door needs a name")
	case !doorName.MatchString(d.Name):
		return problemf("name", "%q: use letters, digits, '.', '_' and '-' (1 to 32, starting with a letter or digit)", d.Name)
	case names[strings.ToLower(d.Name)]:
		return problemf("name", "another door is named %q", d.Name)
	case d.Key == "":
		return problemf("key", "a door needs a key for the Doors menu")
	case len(d.Key) != 1 || !isAlnum(d.Key[0]):
		return problemf("key", "%q: must be one letter or digit", d.Key)
	case strings.EqualFold(d.Key, "q"):
		return problemf("key", "q leaves the Doors menu; choose another key")
	case keys[strings.ToLower(d.Key)]:
		return problemf("key", "another door has the key %q", d.Key)
	case strings.TrimSpace(d.Command) == "":
		return problemf("command", "a door needs a command (the program to run)")
	case len(d.Label) > 60:
		return problemf("label", "at most 60 characters")
	}
	names[strings.ToLower(d.Name)] = true
	keys[strings.ToLower(d.Key)] = true
	for _, a := range d.Args {
		for _, m := range placeholder.FindAllStringSubmatch(a, -1) {
			if !slices.Contains(DoorPlaceholders, m[1]) {
				return problemf("args", "unknown placeholder {%s} (known: {%s})", m[1], strings.Join(DoorPlaceholders, "}, {"))
			}
		}
	}
	for key, dir := range map[string]string{"dir": d.Dir, "dropfile_dir": d.DropfileDir} {
		for _, m := range placeholder.FindAllStringSubmatch(dir, -1) {
			if !slices.Contains(DoorDirPlaceholders, m[1]) {
				return problemf(key, "unknown placeholder {%s} (known here: {%s})", m[1], strings.Join(DoorDirPlaceholders, "}, {"))
			}
		}
	}
	if d.Dropfile != "" {
		if p := oneOf("dropfile", strings.ToLower(d.Dropfile), DoorDropfiles...); p != nil {
			return p
		}
	}
	if d.Encoding != "" {
		if p := oneOf("encoding", strings.ToLower(d.Encoding), "utf-8", "cp437"); p != nil {
			return p
		}
	}
	for k := range d.Env {
		if !envName.MatchString(k) {
			return problemf("env", "%q is not a variable name", k)
		}
	}
	return firstProblem(
		intIn("max_nodes", d.MaxNodes, 0, 1000),
		intIn("time_limit", d.TimeLimit, 0, 1440),
		intIn("min_cols", d.MinCols, 0, 1000),
		intIn("min_rows", d.MinRows, 0, 1000),
		Need{Level: d.Level, Group: d.Group}.check(),
	)
}
