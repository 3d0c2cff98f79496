package config

import (
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Config is x84's whole configuration. Each field is one section of the
// file; the toml tag is the section's name.
type Config struct {
	Board  Board  `toml:"board"`
	Server Server `toml:"server"`
	Telnet Telnet `toml:"telnet"`
	Log    Log    `toml:"log"`
}

// Board describes the BBS itself.
type Board struct {
	Name string `toml:"name"` // shown to callers
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

// Log configures the server's log.
type Log struct {
	Level  string `toml:"level"`  // debug, info, warn or error
	Format string `toml:"format"` // text or json
}

// Default returns the configuration used for every key a file leaves out.
func Default() Config {
	return Config{
		Board: Board{Name: "x84"},
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
		Log: Log{Level: "info", Format: "text"},
	}
}

// ListenAddr returns the address to listen on, as net.Listen wants it.
func (t Telnet) ListenAddr() string {
	return net.JoinHostPort(unbracket(t.Address), strconv.Itoa(t.Port))
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

func (b Board) check() *problem {
	if b.Name == "" {
		return problemf("name", "must not be empty")
	}
	// The name is written to every caller's terminal, where a control
	// character could start an escape sequence.
	if strings.ContainsFunc(b.Name, unicode.IsControl) {
		return problemf("name", "must not contain control characters (got %q)", b.Name)
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

func (l Log) check() *problem {
	return firstProblem(
		oneOf("level", l.Level, "debug", "info", "warn", "error"),
		oneOf("format", l.Format, "text", "json"),
	)
}
