package main

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/pgtest"
)

// clusterConfig is a node's x84.toml on the PostgreSQL database at url.
func clusterConfig(url, name string) string {
	return "[store]\nurl = \"" + url + "\"\n[cluster]\nname = \"" + name + "\"\n"
}

func hostOf(list []whoEntry, user string) string {
	for _, e := range list {
		if e.User != nil && *e.User == user {
			return e.Host
		}
	}
	return ""
}

// TestCluster runs two x84 processes, alpha and beta, each with its own
// data directory and ports, on one PostgreSQL database: an account made
// on one logs in on the other; who's online, broadcasts, chat, a page
// into a private chat, one-liners, bans and a sysop's disconnect cross
// nodes; node numbers are unique across the
// cluster; and a node killed with SIGKILL leaves the other's who's online
// within node_timeout (15s).
func TestCluster(t *testing.T) {
	url := pgtest.URL(t)
	alpha := startX84(t, clusterConfig(url, "alpha"))
	beta := startX84(t, clusterConfig(url, "beta"))

	alpha.addUser(t, "ann", "anns-password", false)
	alpha.addUser(t, "ben", "bens-password", false)
	beta.addUser(t, "cid", "cids-password", false)

	// ann on alpha; ben, whose account alpha made, on beta.
	ann := newTmux(t, 80, 24, "telnet 127.0.0.1 "+alpha.port())
	ann.login("ann", "anns-password")
	ben := newTmux(t, 100, 30, "telnet 127.0.0.1 "+beta.port())
	ben.login("ben", "bens-password")

	list := beta.waitWho(t, "ann on alpha", func(l []whoEntry) bool { return hostOf(l, "ann") == "alpha" })
	if hostOf(list, "ben") != "beta" {
		t.Fatalf("beta's who: %+v", list)
	}
	nodes := map[int]bool{}
	for _, e := range list {
		if nodes[e.Node] {
			t.Fatalf("node number %d twice: %+v", e.Node, list)
		}
		nodes[e.Node] = true
	}
	alpha.waitWho(t, "ben on beta", func(l []whoEntry) bool { return hostOf(l, "ben") == "beta" })

	// Chat across nodes, in one order.
	ann.keys("c")
	ann.waitScreen("the lounge")
	ben.keys("c")
	ben.waitScreen("the lounge · 2 here") // ann, on the other node, counts
	ann.keys("hi ben", "Enter")
	ben.waitScreen("<ann> hi ben")
	ben.keys("hello ann", "Enter")
	ann.waitScreen("<ben> hello ann")
	ben.keys("/quit", "Enter")
	ann.waitScreen("-- ben leaves")
	ann.keys("/quit", "Enter")
	ann.waitScreen("[G] Goodbye")

	// A broadcast from beta reaches ann on alpha.
	out, err := exec.Command(x84Bin, "--data", beta.dir, "broadcast", "Cluster maintenance at noon").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Sent to 2") {
		t.Fatalf("x84 broadcast on beta: %v\n%s", err, out)
	}
	ann.waitScreen("Cluster maintenance at noon")
	ann.keys("Enter")
	ben.waitScreen("Cluster maintenance at noon")
	ben.keys("Enter")

	// A one-liner posted on beta shows live on alpha.
	ann.keys("o")
	ann.waitScreen("add a one-liner")
	ben.waitScreen("[G] Goodbye")
	ben.postOneliner("posted on beta")
	ann.waitScreen("posted on beta")

	// ann on alpha pages ben on beta into a private chat.
	benNode := 0
	for _, e := range beta.whoJSON(t) {
		if e.User != nil && *e.User == "ben" {
			benNode = e.Node
		}
	}
	ann.keys("q")
	ann.waitScreen("[W] Who's online")
	ann.keys("w")
	ann.waitScreen("[p] page")
	ann.keys("p")
	ann.waitScreen("Page which node?")
	ann.keys(fmt.Sprint(benNode), "Enter")
	ben.waitScreen("ann (node ")
	ben.keys("y")
	ben.waitScreen("a private chat with ann")
	ben.keys("here I am", "Enter")
	ann.waitScreen("<ben> here I am")
	ann.keys("welcome to alpha", "Enter")
	ben.waitScreen("<ann> welcome to alpha")
	ben.keys("/quit", "Enter")
	ann.keys("/quit", "Enter")
	ben.keys("q")
	ben.waitScreen("[G] Goodbye")

	// A sysop on alpha deleting cid ends cid's call on beta.
	cid := newTmux(t, 80, 24, "telnet 127.0.0.1 "+beta.port())
	cid.login("cid", "cids-password")
	alpha.waitWho(t, "cid on beta", func(l []whoEntry) bool { return hostOf(l, "cid") == "beta" })
	if out, err := exec.Command(x84Bin, "--data", alpha.dir, "user", "del", "cid").CombinedOutput(); err != nil {
		t.Fatalf("x84 user del cid on alpha: %v\n%s", err, out)
	}
	cid.waitScreen("Your account has been removed by the sysop.")

	// A ban made on alpha holds on beta at once.
	if out, err := exec.Command(x84Bin, "--data", alpha.dir, "user", "ban", "127.0.0.1").CombinedOutput(); err != nil {
		t.Fatalf("x84 user ban on alpha: %v\n%s", err, out)
	}
	banned := time.Now()
	for line := firstLine(t, beta.addr); !strings.Contains(line, "Your address is banned"); line = firstLine(t, beta.addr) {
		if time.Since(banned) > 5*time.Second {
			t.Fatalf("beta still lets 127.0.0.1 in after alpha banned it: %q", line)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// alpha dies without a word: beta forgets ann within 15s.
	killed := time.Now()
	if err := alpha.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	beta.waitWhoFor(t, 16*time.Second, "ann gone", func(l []whoEntry) bool { return hostOf(l, "ann") == "" })
	if d := time.Since(killed); d > 15*time.Second {
		t.Errorf("ann left beta's who %v after alpha died; want within 15s", d)
	}
	t.Logf("a killed node's caller left who's online after %v", time.Since(killed).Round(100*time.Millisecond))
}

// TestClusterNameTaken: a second node with a live node's name is refused
// at start, with the reason.
func TestClusterNameTaken(t *testing.T) {
	url := pgtest.URL(t)
	startX84(t, clusterConfig(url, "same"))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(testConfig(clusterConfig(url, "same"))), 0o600)
	out, err := exec.Command(x84Bin, "--data", dir).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), `another running x84 is node "same"`) {
		t.Fatalf("exit %d; want 1 with the reason\n%s", code, out)
	}
}

// TestStoreUnreachable: a PostgreSQL that does not answer stops the start
// with an error naming the host.
func TestStoreUnreachable(t *testing.T) {
	dir := t.TempDir()
	conf := "[store]\nurl = \"postgres://bbs:secret@127.0.0.1:1/bbs?connect_timeout=2\"\n"
	os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(testConfig(conf)), 0o600)
	out, err := exec.Command(x84Bin, "--data", dir).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), "cannot reach the database at 127.0.0.1:1/bbs") {
		t.Fatalf("exit %d; want 1 naming the host\n%s", code, out)
	}
	if strings.Contains(string(out), "secret") {
		t.Errorf("the password is in the output:\n%s", out)
	}
}

// TestStoreCopy moves a SQLite board with users, a one-liner and a
// message into PostgreSQL with `x84 store copy`, then two nodes serve it.
func TestStoreCopy(t *testing.T) {
	old := startX84(t, "")
	old.addUser(t, "ann", "anns-password", true)
	old.addUser(t, "ben", "bens-password", false)
	ann := newTmux(t, 80, 24, "telnet 127.0.0.1 "+old.port())
	ann.login("ann", "anns-password")
	ann.postOneliner("from the old board")
	ann.keys("q", "g", "y")
	ann.waitScreen("Thanks for calling")
	old.cmd.Process.Signal(syscall.SIGTERM)
	<-old.done
	old.done <- nil // for the cleanup

	url := pgtest.URL(t)
	out, err := exec.Command(x84Bin, "--data", old.dir, "store", "copy", "--to", url).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "2 users") || !strings.Contains(string(out), "1 oneliners") {
		t.Fatalf("x84 store copy: %v\n%s", err, out)
	}
	// Again, the URL from the environment: the database is not empty now.
	again := exec.Command(x84Bin, "--data", old.dir, "store", "copy")
	again.Env = append(os.Environ(), "X84_STORE_URL="+url)
	out, err = again.CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(out), "not empty") {
		t.Fatalf("second copy: %v\n%s", err, out)
	}

	a := startX84(t, clusterConfig(url, "a"))
	b := startX84(t, clusterConfig(url, "b"))
	for _, s := range []*server{a, b} {
		ben := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
		ben.login("ben", "bens-password")
		ben.keys("o")
		ben.waitScreen("from the old board")
		ben.keys("q", "g", "y")
	}
	out, err = exec.Command(x84Bin, "--data", a.dir, "user", "list").CombinedOutput()
	if err != nil || !slices.ContainsFunc(strings.Split(string(out), "\n"), func(l string) bool {
		return strings.Contains(l, "ann") && strings.Contains(l, "sysop")
	}) {
		t.Fatalf("x84 user list on a: %v\n%s", err, out)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// cutProxy forwards TCP connections to a server until it is cut: then it
// closes every connection and refuses new ones, as a network outage
// between a node and PostgreSQL would.
type cutProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.setCut(true) })
	return p
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		cut := p.cut
		p.mu.Unlock()
		if cut {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// TestStoreLost: PostgreSQL lost while a caller is on the board. The
// caller is told, plainly, where a screen needs the database; a new
// caller is told the board cannot take calls; once the database is back,
// the node carries on and nothing posted before is lost.
func TestStoreLost(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	s := startX84(t, clusterConfig(u.String(), "solo")+"[board]\noneliner_interval = \"0\"\n")
	s.addUser(t, "ann", "anns-password", false)
	ann := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	ann.login("ann", "anns-password")
	ann.postOneliner("before the cut")
	ann.keys("q")
	ann.waitScreen("[G] Goodbye")

	proxy.setCut(true)
	ann.keys("l") // last callers needs the database
	ann.waitScreen("The board's database cannot be reached just now")
	ann.keys("Enter")
	// A new caller cannot even get a node number (they are the
	// cluster's): told so, and let go.
	ben := newTmux(t, 80, 24, "telnet 127.0.0.1 "+s.port())
	ben.waitScreen("The board cannot take calls just now. Please call again in a few minutes.")

	proxy.setCut(false)
	// Back in touch, the node says what its callers may have missed.
	ann.waitScreen("lost touch with the rest of the board")
	ann.keys("Enter")
	scr := ann.postOneliner("after the cut")
	if !strings.Contains(scr, "before the cut") {
		t.Fatalf("the one-liner posted before the cut is gone:\n%s", scr)
	}
}
