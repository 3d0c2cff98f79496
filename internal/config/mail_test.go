package config

import (
	"strings"
	"testing"
	"time"
)

func TestMail(t *testing.T) {
	c, err := Parse("f", []byte(`[mail]
host = "smtp.example.org"
port = 2525
tls = "tls"
user = "bbs"
password = "s3cret"
from = "x84 <bbs@example.org>"
timeout = "10s"
queue = 7
reset_lifetime = "5m"
reset_interval = "0"
reset_per_address = 2
reset_window = "10m"
reset_per_network = 9
reset_mails_per_hour = 30
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Mail{Host: "smtp.example.org", Port: 2525, TLS: "tls", User: "bbs", Password: "s3cret",
		From: "x84 <bbs@example.org>", Timeout: Duration(10 * time.Second), Queue: 7,
		ResetLifetime: Duration(5 * time.Minute), ResetPerAddress: 2, ResetWindow: Duration(10 * time.Minute),
		ResetPerNetwork: 9, ResetMailsPerHour: 30}
	if c.Mail != want || !c.Mail.Enabled() {
		t.Errorf("Parse [mail] = %+v; want %+v", c.Mail, want)
	}
	if d := Default().Mail; d.Enabled() || d.TLS != "starttls" || d.ResetLifetime != Duration(15*time.Minute) {
		t.Errorf("Default().Mail = %+v; want off, starttls, codes for 15m", d)
	}
	// A loopback host may take mail in clear.
	for _, host := range []string{"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST."} {
		if _, err := Parse("f", []byte("[mail]\nhost = \""+host+"\"\ntls = \"none\"\nfrom = \"a@b.c\"\n")); err != nil {
			t.Errorf("tls none to %s: %v", host, err)
		}
	}
}

func TestMailErrors(t *testing.T) {
	const on = "[mail]\nhost = \"smtp.example.org\"\nfrom = \"bbs@example.org\"\n"
	tests := []struct{ name, file, want string }{
		{"tls none to another host", on + "tls = \"none\"\n",
			`config: f:4: mail.tls: "none" sends reset codes and the password in clear, so it is allowed only for a loopback host (localhost, 127.0.0.1, ::1), not "smtp.example.org"; use "starttls" or "tls"`},
		{"tls none to a mapped address", "[mail]\nhost = \"192.0.2.1\"\nfrom = \"a@b.c\"\ntls = \"none\"\n",
			`config: f:4: mail.tls: "none" sends reset codes and the password in clear, so it is allowed only for a loopback host (localhost, 127.0.0.1, ::1), not "192.0.2.1"; use "starttls" or "tls"`},
		{"tls unknown", on + "tls = \"ssl\"\n",
			`config: f:4: mail.tls: must be one of starttls, tls, none (got "ssl")`},
		{"no sender", "[mail]\nhost = \"smtp.example.org\"\n",
			`config: f:2: mail.host: mail needs a sender address (from) when host is set`},
		{"bad sender alone", "[mail]\nfrom = \"bbs at example\"\n",
			`config: f:2: mail.from: "bbs at example" is not an e-mail address (want "bbs@example.org" or "x84 <bbs@example.org>")`},
		{"password without user", on + "password = \"pw\"\n",
			`config: f:4: mail.password: a password needs a user to log in with`},
		{"password with a control character", on + "user = \"u\"\npassword = \"p\\nw\"\n",
			`config: f:5: mail.password: must not contain control characters`},
		{"host with a port", "[mail]\nhost = \"smtp.example.org:25\"\n",
			`config: f:2: mail.host: must not include a port (got "smtp.example.org:25"); set port instead`},
		{"port", on + "port = 70000\n", `config: f:4: mail.port: must be between 0 and 65535 (got 70000)`},
		{"timeout", on + "timeout = \"0\"\n", `config: f:4: mail.timeout: must be between 1s and 10m (got 0s)`},
		{"queue", on + "queue = 0\n", `config: f:4: mail.queue: must be between 1 and 100000 (got 0)`},
		{"lifetime", on + "reset_lifetime = \"30s\"\n", `config: f:4: mail.reset_lifetime: must be between 1m and 24h (got 30s)`},
		{"interval", on + "reset_interval = \"25h\"\n", `config: f:4: mail.reset_interval: must be between 0s and 24h (got 25h)`},
		{"per address", on + "reset_per_address = 0\n", `config: f:4: mail.reset_per_address: must be between 1 and 10000 (got 0)`},
		{"window", on + "reset_window = \"1s\"\n", `config: f:4: mail.reset_window: must be between 1m and 24h (got 1s)`},
		{"per network", on + "reset_per_network = 0\n", `config: f:4: mail.reset_per_network: must be between 1 and 100000 (got 0)`},
		{"per network under per address", on + "reset_per_address = 8\nreset_per_network = 7\n",
			`config: f:5: mail.reset_per_network: reset_per_network (7) must be at least reset_per_address (8): a network holds its callers`},
		{"per address over the default per network", on + "reset_per_address = 50\n",
			`config: f:4: mail.reset_per_address: reset_per_network (20) must be at least reset_per_address (50): a network holds its callers`},
		{"mails per hour", on + "reset_mails_per_hour = 100001\n", `config: f:4: mail.reset_mails_per_hour: must be between 1 and 100000 (got 100001)`},
		{"unknown key", "[mail]\nhots = \"x\"\n", `config: f:2: mail.hots: unknown key`},
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

// TestMailPasswordNotInErrors: a refused [mail] never quotes the
// password back, wherever the error is shown.
func TestMailPasswordNotInErrors(t *testing.T) {
	for _, file := range []string{
		"[mail]\npassword = \"hunter2-secret\"\n",
		"[mail]\nuser = \"u\"\npassword = \"hunter2-secret\\u0007\"\n",
		"[mail]\nuser = \"u\"\npassword = \"hunter2-secret\"\nhost = \"example.org\"\ntls = \"none\"\nfrom = \"a@b.c\"\n",
	} {
		_, err := Parse("f", []byte(file))
		if err == nil {
			t.Fatalf("Parse(%q) = nil; want an error", file)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Parse error %q shows the password", err)
		}
	}
}

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "Localhost.": true, "127.0.0.1": true, "127.255.0.9": true, "::1": true, "[::1]": true,
		"::ffff:127.0.0.1": true, "": false, "localhost.example.org": false, "10.0.0.1": false, "::2": false,
		"mail.example.org": false, "0.0.0.0": false,
	} {
		if got := LoopbackHost(host); got != want {
			t.Errorf("LoopbackHost(%q) = %v; want %v", host, got, want)
		}
	}
}
