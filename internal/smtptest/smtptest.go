package smtptest

import (
	"bufio"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
)

// Domain is the mail domain the server delivers: every address in it
// goes to the test's mailbox. Addresses elsewhere are refused (the
// server relays nothing).
const Domain = "x84.test"

// Options says what the server offers besides plain SMTP.
type Options struct {
	// TLS: STARTTLS on Port, and implicit TLS on TLSPort, with a
	// certificate for 127.0.0.1 and localhost.
	TLS bool
}

// Server is a running Postfix instance of one test.
type Server struct {
	// Host is the address it listens on: 127.0.0.1.
	Host string
	// Port takes plain SMTP (with STARTTLS offered, with Options.TLS).
	Port int
	// TLSPort takes implicit TLS; 0 without Options.TLS.
	TLSPort int
	// Roots trusts the server's certificate; nil without Options.TLS.
	Roots *x509.CertPool

	mailbox string
	logFile string
	// onRetry, if set (tests), runs each time the mailbox is to be read
	// again.
	onRetry func()
}

// ready bounds the wait for the server to answer, and for a mail to
// arrive.
const (
	readyWait = 30 * time.Second
	mailWait  = 30 * time.Second
)

// Start starts a Postfix instance for the test, stopped when it ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	postfix := lookPostfix(t)
	if os.Geteuid() != 0 {
		e2e.Missing(t, "smtptest: Postfix's master must run as root (run the test as root, as CI does)")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	pf, err := user.Lookup("postfix")
	if err != nil {
		t.Fatalf("smtptest: no postfix user (is the postfix package installed whole?): %v", err)
	}
	daemons := postconf(t, postfix, "daemon_directory")

	dir := t.TempDir()
	// Postfix's daemons run as postfix and deliver as nobody: they must
	// reach the directory through the test's own temporary one.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := &Server{Host: "127.0.0.1", mailbox: filepath.Join(dir, "mail", "mailbox"), logFile: filepath.Join(dir, "postfix.log")}
	conf := filepath.Join(dir, "conf")
	for _, d := range []string{conf, filepath.Join(dir, "queue"), filepath.Join(dir, "data"), filepath.Join(dir, "mail")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	chown(t, filepath.Join(dir, "data"), pf)
	chown(t, filepath.Join(dir, "mail"), nobody)

	s.Port = freePort(t)
	var tlsMain, tlsMaster string
	if opts.TLS {
		s.TLSPort = freePort(t)
		s.Roots = writeCert(t, conf)
		tlsMain = fmt.Sprintf(`smtpd_tls_cert_file = %[1]s/cert.pem
smtpd_tls_key_file = %[1]s/key.pem
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
`, conf)
		tlsMaster = fmt.Sprintf("127.0.0.1:%d inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt\n", s.TLSPort)
	}
	main := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
myhostname = localhost
mydomain = localdomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = reject_unauth_destination
default_transport = error:smtptest relays nothing
relay_transport = error:smtptest relays nothing
alias_maps =
alias_database =
smtputf8_enable = no
virtual_mailbox_domains = %[2]s
virtual_mailbox_base = %[1]s/mail
virtual_mailbox_maps = static:mailbox
virtual_uid_maps = static:%[3]s
virtual_gid_maps = static:%[4]s
maillog_file = /dev/stdout
%[5]s`, dir, Domain, nobody.Uid, nobody.Gid, tlsMain)
	master := fmt.Sprintf("127.0.0.1:%d inet n - n - - smtpd\n", s.Port) + tlsMaster + masterServices
	writeFile(t, filepath.Join(conf, "main.cf"), main)
	writeFile(t, filepath.Join(conf, "master.cf"), master)

	// postfix check makes the queue's directories, owned as Postfix
	// wants them.
	if out, err := exec.Command(postfix, "-c", conf, "check").CombinedOutput(); err != nil {
		t.Fatalf("smtptest: postfix check: %v\n%s", err, out)
	}
	// The master in the foreground (-s), so that the test owns it; -e
	// ends it after an hour whatever happens to the test.
	cmd := exec.Command(filepath.Join(daemons, "master"), "-c", conf, "-s", "-e", "3600")
	cmd.Dir = dir
	// A file, not a pipe: Postfix's daemons inherit it and may outlive
	// the master by a moment.
	logf, err := os.Create(s.logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatalf("smtptest: starting Postfix: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("Postfix's log:\n%s", s.Log())
		}
	})
	s.waitReady(t, done)
	return s
}

// masterServices are Postfix's internal services, none chrooted (the
// queue directory holds no copy of /etc).
const masterServices = `pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
`

// lookPostfix finds the postfix command, in $PATH or /usr/sbin (not in a
// user's $PATH on Debian).
func lookPostfix(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("postfix"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/postfix"); err == nil {
		return "/usr/sbin/postfix"
	}
	e2e.Missing(t, "postfix is not installed (apt-get install postfix, as .ci/run does)")
	return ""
}

// postconf returns the default of one of Postfix's parameters.
func postconf(t testing.TB, postfix, name string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(filepath.Dir(postfix), "postconf"), "-d", "-h", name).Output()
	if err != nil {
		t.Fatalf("smtptest: postconf -d %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// waitReady waits until the server greets a client on its port.
func (s *Server) waitReady(t testing.TB, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(readyWait)
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	for {
		select {
		case err := <-exited:
			t.Fatalf("smtptest: Postfix's master exited: %v\n%s", err, s.Log())
		default:
		}
		if greets(addr) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: Postfix did not answer on %s within %v\n%s", addr, readyWait, s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// greets reports whether an SMTP server at addr sends its 220 greeting.
func greets(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "220") {
		return false
	}
	fmt.Fprintf(c, "QUIT\r\n")
	return true
}

// freePort returns a loopback port free now. Postfix binds it itself, so
// another program could take it first; the test then fails saying so.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func chown(t testing.TB, path string, u *user.User) {
	t.Helper()
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Log returns what Postfix logged so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logFile)
	return string(b)
}
