package config

import (
	"net/mail"
	"net/netip"
	"strings"
	"time"
	"unicode"
)

// Mail is the SMTP server that sends password reset mails, and the limits
// of password resets. An empty Host turns mail, and so password reset by
// e-mail, off.
type Mail struct {
	// Host is the SMTP server's host name or IP address; "" is no mail.
	Host string `toml:"host"`
	// Port is the server's port; 0 means the TLS mode's usual one: 587
	// for starttls, 465 for tls, 25 for none.
	Port int `toml:"port"`
	// TLS is "starttls" (the connection turns to TLS before anything is
	// sent; a server that does not offer it is refused), "tls" (TLS from
	// the start, RFC 8314) or "none" (clear text, allowed only to a
	// loopback host: the codes and the password would cross the network
	// in clear).
	TLS string `toml:"tls"`
	// User and Password log in to the server (SMTP AUTH); "" sends
	// without logging in. The environment variable X84_MAIL_PASSWORD,
	// when set, takes Password's place.
	User     string `toml:"user"`
	Password string `toml:"password"`
	// From is the sender: "x84 <bbs@example.org>" or "bbs@example.org".
	From string `toml:"from"`
	// Timeout bounds one mail's delivery to the server (1s to 10m).
	Timeout Duration `toml:"timeout"`
	// Queue is how many mails may wait to be sent (1 to 100000); more are
	// dropped, and the log says so.
	Queue int `toml:"queue"`
	// ResetLifetime is how long a mailed reset code works (1m to 24h).
	ResetLifetime Duration `toml:"reset_lifetime"`
	// ResetInterval is the least time between two reset mails to one
	// account ("0" to 24h; "0" sends one for every request, each new
	// code replacing the pending one, so that a caller within the other
	// limits can keep another's code changing).
	ResetInterval Duration `toml:"reset_interval"`
	// ResetPerAddress reset requests (1 to 10000) are taken from one
	// caller (an IPv4 address or an IPv6 /64) within ResetWindow (1m to
	// 24h); more get the same answer, and send nothing.
	ResetPerAddress int      `toml:"reset_per_address"`
	ResetWindow     Duration `toml:"reset_window"`
	// ResetPerNetwork reset requests (ResetPerAddress to 100000) are
	// taken from the callers of one network (an IPv4 /24 or an IPv6 /48)
	// together within ResetWindow.
	ResetPerNetwork int `toml:"reset_per_network"`
	// ResetMailsPerHour bounds the reset mails of the whole board (1 to
	// 100000 an hour); past it, requests send nothing and the log says
	// so.
	ResetMailsPerHour int `toml:"reset_mails_per_hour"`
}

// MailTLS are the values of [mail] tls.
var MailTLS = []string{"starttls", "tls", "none"}

// Enabled reports whether mail is configured: whether Host is set.
func (m Mail) Enabled() bool { return m.Host != "" }

// defaultMail is Default's [mail]: off, with its limits set.
func defaultMail() Mail {
	return Mail{
		TLS:               "starttls",
		Timeout:           Duration(30 * time.Second),
		Queue:             100,
		ResetLifetime:     Duration(15 * time.Minute),
		ResetInterval:     Duration(10 * time.Minute),
		ResetPerAddress:   5,
		ResetWindow:       Duration(time.Hour),
		ResetPerNetwork:   20,
		ResetMailsPerHour: 100,
	}
}

// LoopbackHost reports whether host is "localhost" or a loopback IP
// address (127.0.0.0/8, ::1), bracketed or not: a host whose traffic
// never leaves the machine.
func LoopbackHost(host string) bool {
	host = unbracket(host)
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

func (m Mail) check() *problem {
	if p := firstProblem(
		hostOrIP("host", m.Host),
		intIn("port", m.Port, 0, 65535),
		oneOf("tls", m.TLS, MailTLS...),
		durationIn("timeout", m.Timeout, Duration(time.Second), Duration(10*time.Minute)),
		intIn("queue", m.Queue, 1, 100000),
		durationIn("reset_lifetime", m.ResetLifetime, Duration(time.Minute), Duration(24*time.Hour)),
		durationIn("reset_interval", m.ResetInterval, 0, Duration(24*time.Hour)),
		intIn("reset_per_address", m.ResetPerAddress, 1, 10000),
		durationIn("reset_window", m.ResetWindow, Duration(time.Minute), Duration(24*time.Hour)),
		intIn("reset_per_network", m.ResetPerNetwork, 1, 100000),
		intIn("reset_mails_per_hour", m.ResetMailsPerHour, 1, 100000),
	); p != nil {
		return p
	}
	if m.ResetPerNetwork < m.ResetPerAddress {
		p := problemf("reset_per_network", "reset_per_network (%d) must be at least reset_per_address (%d): a network holds its callers",
			m.ResetPerNetwork, m.ResetPerAddress)
		p.also = "reset_per_address"
		return p
	}
	// Secrets are never quoted back: the error names the key only.
	if strings.ContainsFunc(m.User, unicode.IsControl) {
		return problemf("user", "must not contain control characters")
	}
	if strings.ContainsFunc(m.Password, unicode.IsControl) {
		return problemf("password", "must not contain control characters")
	}
	if m.Password != "" && m.User == "" {
		p := problemf("password", "a password needs a user to log in with")
		p.also = "user"
		return p
	}
	if m.From != "" {
		if _, err := mail.ParseAddress(m.From); err != nil {
			return problemf("from", "%q is not an e-mail address (want \"bbs@example.org\" or \"x84 <bbs@example.org>\")", m.From)
		}
	}
	if m.Host == "" {
		return nil
	}
	if m.TLS == "none" && !LoopbackHost(m.Host) {
		p := problemf("tls", `"none" sends reset codes and the password in clear, so it is allowed only for a loopback host (localhost, 127.0.0.1, ::1), not %q; use "starttls" or "tls"`, m.Host)
		p.also = "host"
		return p
	}
	if m.From == "" {
		p := problemf("from", "mail needs a sender address (from) when host is set")
		p.also = "host"
		return p
	}
	return nil
}
