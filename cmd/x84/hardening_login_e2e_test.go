package main

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// metric reads one sample of the board's /metrics, fetched from
// loopback as a sysop's monitoring would: the value of the line that
// starts with name, 0 when there is none.
func (s *server) metric(t *testing.T, name string) float64 {
	t.Helper()
	addr := s.addrOf("web")
	if addr == "" {
		t.Fatalf("x84 logged no web listener:\n%s", s.log.String())
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get("https://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %s %q", resp.Status, body)
	}
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), name+" ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("GET /metrics: %q: %v", sc.Text(), err)
		}
		return f
	}
	return 0
}

// attacker is the address the attacks come from: a loopback address
// (the default [ban] section allow-lists none) other than 127.0.0.1, so
// that once it is banned the test still reads /metrics from 127.0.0.1.
var attacker = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}

// dialFrom connects to addr from the attacker's address.
func dialFrom(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := (&net.Dialer{LocalAddr: attacker, Timeout: 10 * time.Second}).Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s from %v: %v", addr, attacker.IP, err)
	}
	return c
}

// TestSSHParallelGuessing is the attack on the ban: 20 ssh connections
// from one address each try one wrong password at the same moment,
// against max_failures = 3. No more than 3 passwords may be checked
// before the ban, every connection gets the answer of a wrong password,
// and the ban is counted once in x84_bans_total.
//
// x84_logins_total{result="failed"} is the number of passwords checked
// and found wrong: the account service reports every password it checks
// (and only those) to the metric.
func TestSSHParallelGuessing(t *testing.T) {
	const attempts, maxFailures = 20, 3
	s := startX84(t, "[ban]\nmax_failures = "+strconv.Itoa(maxFailures)+"\n[server]\nmax_per_address = 50\n")
	s.addUser(t, "erin", "erins-password", false)
	addr := s.addrOf("ssh")
	if addr == "" {
		t.Fatalf("x84 logged no ssh listener:\n%s", s.log.String())
	}
	config := func(password string) *ssh.ClientConfig {
		return &ssh.ClientConfig{
			User:            "erin",
			Auth:            []ssh.AuthMethod{ssh.Password(password)},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(),
			Timeout:         20 * time.Second,
		}
	}

	// Connect all first, then start every handshake and login at once.
	conns := make([]net.Conn, attempts)
	for i := range conns {
		c := dialFrom(t, addr)
		defer c.Close()
		c.SetDeadline(time.Now().Add(60 * time.Second))
		conns[i] = c
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, attempts)
	for i, c := range conns {
		wg.Go(func() {
			<-start
			sc, chans, reqs, err := ssh.NewClientConn(c, addr, config("wrong-password-"+strconv.Itoa(i)))
			if err == nil {
				go ssh.DiscardRequests(reqs)
				go func() {
					for nc := range chans {
						nc.Reject(ssh.Prohibited, "")
					}
				}()
				sc.Close()
			}
			errs[i] = err
		})
	}
	close(start)
	wg.Wait()

	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("connection %d with a wrong password: %v; want an authentication failure", i, err)
		}
	}
	checked := s.metric(t, `x84_logins_total{result="failed"}`)
	bans := s.metric(t, "x84_bans_total")
	t.Logf("%d parallel ssh logins with wrong passwords, max_failures = %d: passwords checked before the ban: %v; x84_bans_total %v",
		attempts, maxFailures, checked, bans)
	if checked > maxFailures {
		t.Errorf("passwords checked = %v; want at most max_failures, %d", checked, maxFailures)
	}
	if checked < 1 {
		t.Errorf("passwords checked = %v; want some: the test no longer measures what it should", checked)
	}
	if bans != 1 {
		t.Errorf("x84_bans_total = %v after one caller's attack; want 1", bans)
	}

	// The address is banned: even the right password gets nowhere now,
	// and a telnet caller is told; others still get in.
	c := dialFrom(t, addr)
	defer c.Close()
	if sc, _, _, err := ssh.NewClientConn(c, addr, config("erins-password")); err == nil {
		sc.Close()
		t.Errorf("after the attack the right password logged in over ssh from %v; want the address banned", attacker.IP)
	}
	tc := dialFrom(t, s.addr)
	defer tc.Close()
	tc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, _ := bufio.NewReader(tc).ReadString('\n'); !strings.Contains(line, "Your address is banned until") {
		t.Errorf("after the attack a telnet connection from %v got %q; want a ban notice", attacker.IP, line)
	}
	if sc, err := ssh.Dial("tcp", addr, config("erins-password")); err != nil {
		t.Errorf("after the attack erin from 127.0.0.1: %v; want in", err)
	} else {
		sc.Close()
	}
}

// TestUserUnbanNotBannedAndLastCall runs `x84 user unban` on an address
// that is not banned, and `x84 user list --json` on users who have and
// have not called, with the server stopped (on the database), running
// (through the control socket), and stopped again.
func TestUserUnbanNotBannedAndLastCall(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(testConfig("")), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(stdin string, args ...string) (stdout, stderr string, code int) {
		cmd := exec.Command(x84Bin, append([]string{"--data", dir, "user"}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		var o, e strings.Builder
		cmd.Stdout, cmd.Stderr = &o, &e
		cmd.Run()
		return o.String(), e.String(), cmd.ProcessState.ExitCode()
	}
	unban := func(t *testing.T) {
		t.Helper()
		for _, tt := range []struct{ address, want string }{
			{"10.0.0.1", "x84 user unban: 10.0.0.1 is not banned\n"},
			{"2001:db8::1", "x84 user unban: 2001:db8::1 is not banned\n"},
			{"10.0.0.0/8", "x84 user unban: 10.0.0.0/8 is not banned\n"},
		} {
			out, errOut, code := run("", "unban", tt.address)
			if code != 1 || out != "" || errOut != tt.want {
				t.Errorf("x84 user unban %s: exit %d, stdout %q, stderr %q; want exit 1 and %q", tt.address, code, out, errOut, tt.want)
			}
		}
	}
	// lastCalls returns each handle's last_call as `x84 user list --json`
	// prints it: nil for null.
	lastCalls := func(t *testing.T) map[string]any {
		t.Helper()
		out, errOut, code := run("", "list", "--json")
		var list []map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &list) != nil {
			t.Fatalf("x84 user list --json: exit %d, %q, %q", code, out, errOut)
		}
		got := map[string]any{}
		for _, u := range list {
			v, ok := u["last_call"]
			if !ok {
				t.Errorf("x84 user list --json: %v has no last_call", u["handle"])
			}
			got[u["handle"].(string)] = v
		}
		return got
	}
	for _, h := range []string{"erin", "frank"} {
		if out, errOut, code := run("a-long-password\n", "add", h, "--password-stdin"); code != 0 {
			t.Fatalf("x84 user add %s: %s%s", h, out, errOut)
		}
	}

	t.Run("stopped", func(t *testing.T) {
		unban(t)
		if got := lastCalls(t); len(got) != 2 || got["erin"] != nil || got["frank"] != nil {
			t.Errorf("x84 user list --json last_call = %v; want null for both, who never called", got)
		}
	})

	s := runX84(t, x84Bin, dir)
	t.Run("running", func(t *testing.T) {
		unban(t)
		// erin calls.
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("erin\ra-long-password\r"))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		var seen []byte
		buf := make([]byte, 4096)
		for !strings.Contains(string(seen), "This is your first call.") {
			n, err := c.Read(buf)
			if err != nil {
				t.Fatalf("erin's call: %v; got %q", err, seen)
			}
			seen = append(seen, buf[:n]...)
		}
		got := lastCalls(t)
		if got["frank"] != nil {
			t.Errorf("x84 user list --json: frank's last_call = %#v; want null", got["frank"])
		}
		last, _ := got["erin"].(string)
		if at, err := time.Parse(time.RFC3339, last); err != nil || time.Since(at) > time.Minute || time.Since(at) < -time.Minute {
			t.Errorf("x84 user list --json: erin's last_call = %#v; want the time of her call", got["erin"])
		}
	})

	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-s.done; err != nil {
		t.Fatalf("x84 exited with %v", err)
	}
	s.done <- nil
	t.Run("stopped again", func(t *testing.T) {
		unban(t)
		if got := lastCalls(t); got["frank"] != nil || got["erin"] == nil {
			t.Errorf("x84 user list --json last_call = %v; want a time for erin, null for frank", got)
		}
		// The table says the same in words.
		out, _, _ := run("", "list")
		var erin, frank string
		for line := range strings.Lines(out) {
			switch f := strings.Fields(line); {
			case len(f) > 0 && f[0] == "erin":
				erin = line
			case len(f) > 0 && f[0] == "frank":
				frank = line
			}
		}
		if !strings.Contains(frank, "never") || strings.Contains(erin, "never") || !strings.Contains(erin, time.Now().Format("2006-01-02")) {
			t.Errorf("x84 user list:\n%s\nwant erin's last call today, frank's never", out)
		}
	})
}
