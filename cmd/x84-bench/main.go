// Command x84-bench is x84's load tool. It starts an x84 binary on a
// fresh data directory, drives it with telnet clients from this separate
// process, and prints figures for the notes.
//
//	x84-bench -x84 ./x84 idle -n 10000        memory per idle session
//	x84-bench -x84 ./x84 idlemenu -n 10000    the same, logged in at the main menu
//	x84-bench -x84 ./x84 connect -n 2000      accept-to-screen latency
//	x84-bench -x84 ./x84 login -n 500 -c 50   logins per second
//	x84-bench -x84 ./x84 oneliners -n 2000 -c 200   one-liner posts per second
//	x84-bench -x84 ./x84 web -n 2000           memory per idle browser terminal
//	x84-bench -x84 ./x84 chat -n 1000          chat fan-out latency
//	x84-bench -x84 ./x84 door -n 200 -c 20     time into a door, memory per caller in one
//	x84-bench -x84 ./x84 doorflood -n 1        door output to a telnet caller, MiB/s
//
// With -store URL (a PostgreSQL server, without search_path) the server
// keeps its records in a fresh schema there, dropped when the run ends;
// chat's -nodes K starts K servers on that schema, one cluster, with the
// callers spread over them:
//
//	x84-bench -x84 ./x84 chat -n 2000 -nodes 2 -store postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//
// Clients answer negotiation as Debian's telnet in a 100x30 xterm does.
// Every loop is bounded in count and time; it runs on loopback only.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/telnet"
)

func main() {
	bin := flag.String("x84", "", "path to the x84 binary to measure (for idle, connect, login, oneliners)")
	cpuProfile := flag.String("cpuprofile", "", "write the load tool's own CPU profile to this file (is the tool the bottleneck?)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: x84-bench -x84 PATH idle|idlemenu|connect|login|oneliners|web|chat|door|doorflood [-n N] [-c CONCURRENCY] [-store URL] [-nodes K (chat)]\n"+
			"       x84-bench sshconn|sshidle -addr HOST:PORT -user U -key FILE [-n N] [-c CONCURRENCY]\n"+
			"       x84-bench -x84 PATH soak [-n N] [-d DURATION] (x84-bench soak -h for more)\n"+
			"       x84-bench -x84 PATH telnetpeer [-n N] [-client go|telnet|both]   time to a login prompt vs telnetd\n"+
			"       x84-bench report -dir DIR    results.md and chart.svg from bench/run.sh's raw outputs\n"+
			"       x84-bench chart -in SERIES.tsv -out CHART.svg\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		os.Exit(2)
	}
	cmd, args := flag.Arg(0), flag.Args()[1:]
	if run, ok := moreCommands[cmd]; ok { // soak, telnetpeer, report, chart: flags of their own
		raiseFileLimit()
		if err := run(*bin, args); err != nil {
			fmt.Fprintln(os.Stderr, "x84-bench:", err)
			os.Exit(1)
		}
		return
	}
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	n := fs.Int("n", 1000, "number of sessions")
	conc := fs.Int("c", 100, "connections opened at once")
	addr := fs.String("addr", "", "ssh server to measure (sshconn, sshidle)")
	user := fs.String("user", "", "ssh user (sshconn, sshidle)")
	key := fs.String("key", "", "ssh private key file (sshconn, sshidle)")
	storeURL := fs.String("store", "", "PostgreSQL server URL without search_path: the server keeps its records in a fresh schema there, dropped at the end\n(idle, idlemenu, connect, login, oneliners, chat, door, doorflood)")
	nodes := fs.Int("nodes", 1, "x84 servers, one cluster on -store, the callers spread over them round-robin (chat only)")
	fs.Parse(args)
	if *n < 1 || *n > 15000 || *conc < 1 {
		fmt.Fprintln(os.Stderr, "x84-bench: -n must be 1..15000 and -c at least 1")
		os.Exit(2)
	}
	if msg := checkStoreFlags(cmd, *storeURL, *nodes, *n); msg != "" {
		fmt.Fprintln(os.Stderr, "x84-bench:", msg)
		os.Exit(2)
	}
	raiseFileLimit()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "x84-bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	var err error
	switch {
	case cmd == "sshconn" || cmd == "sshidle":
		if *addr == "" || *user == "" || *key == "" {
			flag.Usage()
			os.Exit(2)
		}
		err = sshBench(cmd, *addr, *user, *key, *n, *conc)
	case cmd == "web" && *bin != "":
		err = webBench(*bin, *n, *conc)
	case *bin == "":
		flag.Usage()
		os.Exit(2)
	default:
		err = bench(*bin, cmd, *n, *conc, *storeURL, *nodes)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "x84-bench:", err)
		os.Exit(1)
	}
}

// maxNodes bounds -nodes.
const maxNodes = 16

// checkStoreFlags says what is wrong with -store and -nodes for cmd with
// n callers, or "".
func checkStoreFlags(cmd, storeURL string, nodes, n int) string {
	if storeURL != "" {
		switch cmd {
		case "idle", "idlemenu", "connect", "login", "oneliners", "chat", "door", "doorflood":
		default:
			return fmt.Sprintf("-store does not apply to %s", cmd)
		}
		if err := checkStoreURL(storeURL); err != nil {
			return err.Error()
		}
	}
	switch {
	case nodes < 1 || nodes > maxNodes:
		return fmt.Sprintf("-nodes must be 1..%d", maxNodes)
	case nodes > 1 && cmd != "chat":
		return "-nodes applies to chat only"
	case nodes > 1 && storeURL == "":
		return "-nodes above 1 needs -store: the nodes share a PostgreSQL database"
	case nodes > n:
		return "-nodes must not exceed -n: every node gets a caller"
	}
	return ""
}

// bench runs one benchmark against servers of its own (nodes of them,
// on a fresh schema of storeURL when it is set), which it stops, and
// whose schema it drops, whatever happens.
func bench(bin, cmd string, n, conc int, storeURL string, nodes int) (err error) {
	if cmd == "door" || cmd == "doorflood" {
		extraConfig = doorConfig
	}
	run := &started{}
	// Interrupted (^C, timeout(1)): the servers stop and the schema goes
	// all the same.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	defer func() {
		signal.Stop(sig)
		close(done)
	}()
	go func() {
		select {
		case s := <-sig:
			fmt.Fprintf(os.Stderr, "x84-bench: %v: stopping the servers\n", s)
			if err := run.end(); err != nil {
				fmt.Fprintln(os.Stderr, "x84-bench:", err)
			}
			os.Exit(1)
		case <-done:
		}
	}()
	defer func() {
		if e := run.end(); e != nil && err == nil {
			err = e
		} else if e != nil {
			fmt.Fprintln(os.Stderr, "x84-bench:", e)
		}
	}()
	var schema *benchSchema
	if storeURL != "" {
		if schema, err = newBenchSchema(storeURL); err != nil {
			return err
		}
		run.setSchema(schema) // before it exists: dropped if a signal comes meanwhile
		if err := schema.create(); err != nil {
			return err
		}
		fmt.Printf("store: PostgreSQL, schema %s (dropped at the end), %d node(s)\n", schema.name, nodes)
	}
	// Each node holds its share of the callers.
	perNode := (n + nodes - 1) / nodes
	var servers []*server
	for i := range nodes {
		extra := extraConfig
		if schema != nil {
			extra += schema.config(fmt.Sprintf("node%d", i+1))
		}
		logName := os.Getenv("X84_BENCH_SERVER_LOG")
		if logName != "" && i > 0 {
			logName += fmt.Sprintf(".node%d", i+1)
		}
		srv, err := startServerWith(bin, perNode, extra, logName)
		if err != nil {
			if nodes > 1 {
				err = fmt.Errorf("node %d: %w", i+1, err)
			}
			return err
		}
		run.add(srv)
		servers = append(servers, srv)
	}
	if cmd == "chat" {
		return chatFanout(servers, n, conc)
	}
	srv := servers[0]
	switch cmd {
	case "idle":
		return idle(srv, n, conc)
	case "idlemenu":
		return idleAtMenu(srv, n, conc)
	case "connect":
		return connect(srv, n, conc)
	case "login":
		return logins(srv, n, conc)
	case "oneliners":
		return postOneliners(srv, n, conc)
	case "door":
		return doorBench(srv, n, conc)
	case "doorflood":
		return doorFlood(srv)
	}
	return fmt.Errorf("unknown benchmark %q", cmd)
}

func raiseFileLimit() {
	var r syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r) == nil && r.Cur < r.Max {
		r.Cur = r.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r)
	}
}

type server struct {
	cmd  *exec.Cmd
	dir  string
	addr string
	ctl  *control.Client

	mu     sync.Mutex
	errors []string // error lines the server logged
	last   []string // the last lines it logged, for when it does not start

	stopOnce sync.Once
}

// errorLines returns what the server logged as errors so far.
func (s *server) errorLines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errors...)
}

var listenRE = regexp.MustCompile(`msg=listening (?:host=\S+ )?proto=telnet addr=(\S+)`)

// started is what one run has started: its servers and its schema, ended
// by end once, by whoever comes first (the run's return or a signal).
type started struct {
	mu      sync.Mutex
	servers []*server
	schema  *benchSchema
}

func (r *started) add(s *server) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.servers = append(r.servers, s)
}

func (r *started) setSchema(b *benchSchema) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.schema = b
}

// end stops the servers, then drops the schema they were on.
func (r *started) end() error {
	r.mu.Lock()
	servers, schema := slices.Clone(r.servers), r.schema
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Go(s.stop)
	}
	wg.Wait()
	if schema != nil {
		return schema.drop()
	}
	return nil
}

// extraConfig is added to the bench server's x84.toml (doors).
var extraConfig string

// startServer runs x84 with limits raised for n sessions (with room for
// a soak's callers who call again before their last session has ended)
// and waits until it listens.
func startServer(bin string, n int) (*server, error) {
	return startServerWith(bin, n, extraConfig, os.Getenv("X84_BENCH_SERVER_LOG"))
}

// startServerWith is startServer with extra added to the x84.toml and
// the server's log written to the file logName ("": nowhere).
func startServerWith(bin string, n int, extra, logName string) (*server, error) {
	dir, err := os.MkdirTemp("", "x84-bench")
	if err != nil {
		return nil, err
	}
	conf := fmt.Sprintf("[server]\nmax_sessions = %d\nmax_per_address = %d\nidle_timeout = \"0\"\n"+
		"[telnet]\nport = 0\n[ssh]\nenabled = false\n[web]\nport = 0\n[board]\noneliner_interval = \"0\"\n"+
		"[accounts]\nallow_anonymous = true\n[ban]\nallow = [\"127.0.0.1/32\"]\n", n+n/5+10, n+n/5+10) + extra
	if err := os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(conf), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(bin, "--data", dir)
	// The store is the one this run chose, not one from the environment.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "X84_STORE_URL=") })
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	addrc := make(chan string, 1)
	exited := make(chan struct{}) // the server closed its log: it ended
	srv := &server{cmd: cmd, dir: dir, ctl: control.NewClient(filepath.Join(dir, "x84.sock"))}
	// X84_BENCH_SERVER_LOG names a file for everything the server logs.
	var serverLog io.Writer = io.Discard
	if logName != "" {
		if f, err := os.Create(logName); err == nil {
			serverLog = f
		}
	}
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stderr)
		listening := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(serverLog, line)
			if m := listenRE.FindStringSubmatch(line); m != nil && !listening {
				listening = true
				addrc <- m[1]
			}
			srv.mu.Lock()
			if !listening {
				srv.last = append(srv.last, line)
				if len(srv.last) > 5 {
					srv.last = srv.last[1:]
				}
			}
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "locked") || strings.Contains(line, "SQLITE_BUSY") {
				srv.errors = append(srv.errors, line)
			}
			srv.mu.Unlock()
		}
	}()
	why := "not listening after 20 s"
	select {
	case srv.addr = <-addrc:
		return srv, nil
	case <-exited:
		select {
		case srv.addr = <-addrc:
			return srv, nil
		default:
		}
		why = "it ended"
	case <-time.After(20 * time.Second):
	}
	srv.stop()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return nil, fmt.Errorf("x84 did not start (%s); its last lines:\n  %s", why, strings.Join(srv.last, "\n  "))
}

// stop ends the server, and removes its data directory. Only the first
// call does anything; the others wait for it.
func (s *server) stop() {
	s.stopOnce.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
		os.RemoveAll(s.dir)
	})
}

// rss reads the server process's resident set size from /proc.
func (s *server) rss() uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func (s *server) waitSessions(n int) (control.Stats, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		st, err := s.ctl.Stats(ctx, false)
		if err != nil {
			return st, err
		}
		if st.Sessions == n {
			return s.ctl.Stats(ctx, true)
		}
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("%d sessions after 2 minutes; want %d", st.Sessions, n)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

var xterm = telnet.ClientConfig{TermTypes: []string{"XTERM-256COLOR"}, Cols: 100, Rows: 30, Binary: true,
	Env: map[string]string{"DISPLAY": "localhost:9"}}

// marker is the last thing the login screen draws.
var marker = []byte("Password:")

// call connects one client and returns once its first screen has arrived;
// the connection stays open, idle, with no goroutine of the caller's.
func call(addr string) (net.Conn, time.Duration, error) {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, 0, err
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	tc := telnet.NewClientConn(c, &xterm)
	var seen []byte
	buf := make([]byte, 2048)
	for !bytes.Contains(seen, marker) {
		n, err := tc.Read(buf)
		seen = append(seen, buf[:n]...)
		if err != nil {
			c.Close()
			return nil, 0, fmt.Errorf("before the first screen: %w", err)
		}
	}
	c.SetDeadline(time.Time{})
	return c, time.Since(start), nil
}

// open makes n calls, conc at a time, and returns the connections and the
// time each took to show its first screen.
func open(addr string, n, conc int) ([]net.Conn, []time.Duration, error) {
	type opened struct {
		c net.Conn
		d time.Duration
	}
	calls, err := gather(n, conc, func() (opened, error) {
		c, d, err := call(addr)
		return opened{c, d}, err
	})
	conns := make([]net.Conn, len(calls))
	times := make([]time.Duration, len(calls))
	for i, o := range calls {
		conns[i], times[i] = o.c, o.d
	}
	return conns, times, err
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		c.Close()
	}
}

func idle(s *server, n, conc int) error {
	return idleMemory(s, "idle telnet sessions", n, conc, func() (func(), error) {
		conns, _, err := open(s.addr, n, conc)
		return func() { closeAll(conns) }, err
	})
}

// idleMemory measures what n idle sessions cost the server: openAll opens
// them, conc at a time, and returns what closes them. It prints the
// server's memory and goroutines, in all and per session, under title.
func idleMemory(s *server, title string, n, conc int, openAll func() (closeSessions func(), err error)) error {
	base, err := s.ctl.Stats(context.Background(), true)
	if err != nil {
		return err
	}
	baseRSS := s.rss()
	if _, err := s.ctl.StatsAtRest(context.Background()); err != nil {
		return err
	}
	baseRestRSS := s.rss()
	start := time.Now()
	closeSessions, err := openAll()
	defer closeSessions()
	if err != nil {
		return err
	}
	opened := time.Since(start)
	if _, err := s.waitSessions(n); err != nil {
		return err
	}
	// Let the runtime settle after the burst: the garbage of thousands of
	// logins is collected and its pages go back to the system over some
	// seconds (X84_BENCH_SETTLE, default 1s, says how long to wait).
	settle := time.Second
	if d, err := time.ParseDuration(os.Getenv("X84_BENCH_SETTLE")); err == nil {
		settle = d
	}
	time.Sleep(settle)
	st, err := s.ctl.Stats(context.Background(), true)
	if err != nil {
		return err
	}
	rss := s.rss()
	// At rest: freed pages back with the system, as the runtime returns
	// them over minutes; the base is measured the same way.
	if _, err := s.ctl.StatsAtRest(context.Background()); err != nil {
		return err
	}
	restRSS := s.rss()
	per := func(a, b uint64) float64 { return float64(int64(a)-int64(b)) / float64(n) / 1024 }
	fmt.Printf("%s: %d (opened in %v, %d at a time)\n", title, n, opened.Round(time.Millisecond), conc)
	fmt.Printf("  RSS        %7.1f MiB total, %5.1f KiB per session (%v after the last opened)\n", float64(rss)/(1<<20), per(rss, baseRSS), settle)
	fmt.Printf("  RSS at rest %6.1f MiB total, %5.1f KiB per session (freed memory returned to the system)\n", float64(restRSS)/(1<<20), per(restRSS, baseRestRSS))
	fmt.Printf("  heap       %7.1f MiB in use, %5.1f KiB per session\n", float64(st.HeapInuse)/(1<<20), per(st.HeapInuse, base.HeapInuse))
	fmt.Printf("  stacks     %7.1f MiB, %5.1f KiB per session\n", float64(st.StackInuse)/(1<<20), per(st.StackInuse, base.StackInuse))
	fmt.Printf("  goroutines %d (%.2f per session)\n", st.Goroutines, float64(st.Goroutines-base.Goroutines)/float64(n))
	return nil
}

func connect(s *server, n, conc int) error {
	conns, times, err := open(s.addr, n, conc)
	closeAll(conns)
	if err != nil {
		return err
	}
	slices.Sort(times)
	q := func(p float64) time.Duration { return times[min(len(times)-1, int(p*float64(len(times))))] }
	fmt.Printf("connect to first screen, %d calls, %d at a time: p50 %v  p90 %v  p99 %v  max %v\n",
		n, conc, q(0.5).Round(time.Microsecond), q(0.9).Round(time.Microsecond), q(0.99).Round(time.Microsecond), times[len(times)-1].Round(time.Microsecond))
	return nil
}

// users creates n accounts bench1..benchN through the control socket.
func (s *server) users(n int) error {
	var wg sync.WaitGroup
	errc := make(chan error, n)
	sem := make(chan struct{}, 4)
	for i := 1; i <= n; i++ {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errc <- s.ctl.AddUser(context.Background(), fmt.Sprintf("bench%d", i), benchPassword, false)
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			return err
		}
	}
	return nil
}

const benchPassword = "bench-password"

// readUntil reads from r until want has arrived.
func readUntil(r io.Reader, want []byte) error {
	var seen []byte
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		seen = append(seen, buf[:n]...)
		if i := bytes.Index(seen, want); i >= 0 {
			return nil
		}
		if len(seen) > 64<<10 {
			seen = seen[len(seen)-4096:]
		}
		if err != nil {
			return fmt.Errorf("waiting for %q: %w", want, err)
		}
	}
}

// logins measures whole logins (connect, negotiate, type handle and
// password, reach the menu, hang up) with conc callers at once.
func logins(s *server, n, conc int) error {
	if err := s.users(conc); err != nil {
		return err
	}
	times, elapsed, err := timeRuns(n, conc, func(w int) error {
		return loginOnce(s.addr, fmt.Sprintf("bench%d", w))
	})
	if err != nil {
		return err
	}
	fmt.Printf("logins: %d by %d callers at once in %v: %.0f logins/s; per login p50 %v p99 %v\n", n, conc,
		elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(),
		times[len(times)/2].Round(time.Millisecond), times[len(times)*99/100].Round(time.Millisecond))
	return reportErrors(s)
}

func loginOnce(addr, handle string) error {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	tc := telnet.NewClientConn(c, &xterm)
	if err := readUntil(tc, marker); err != nil {
		return err
	}
	if _, err := tc.Write([]byte(handle + "\r" + benchPassword + "\r")); err != nil {
		return err
	}
	return readUntil(tc, []byte(handle+"@")) // the menu's status line
}

// postOneliners measures one-liner posts through the board with conc
// callers posting at once, every one of them watching the wall.
func postOneliners(s *server, n, conc int) error {
	if err := s.users(conc); err != nil {
		return err
	}
	type caller struct {
		tc *telnet.ClientConn
		c  net.Conn
	}
	callers := make([]caller, conc)
	for i := range callers {
		c, err := net.DialTimeout("tcp", s.addr, 10*time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		tc := telnet.NewClientConn(c, &xterm)
		handle := fmt.Sprintf("bench%d", i+1)
		if err := readUntil(tc, marker); err != nil {
			return err
		}
		tc.Write([]byte(handle + "\r" + benchPassword + "\r"))
		if err := readUntil(tc, []byte(handle+"@")); err != nil {
			return err
		}
		tc.Write([]byte("o"))
		if err := readUntil(tc, []byte("add a one-liner")); err != nil {
			return err
		}
		callers[i] = caller{tc, c}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for i := range callers {
		wg.Go(func() {
			cl := callers[i]
			for {
				k := next.Add(1)
				if k > int64(n) {
					return
				}
				text := fmt.Sprintf("post %d", k)
				_, err := cl.tc.Write([]byte("a" + text + "\r"))
				if err == nil {
					err = readUntil(cl.tc, []byte(text+" "))
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	fmt.Printf("one-liners: %d posts by %d callers at once, each watching the wall, in %v: %.0f posts/s\n",
		n, conc, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	return reportErrors(s)
}

func reportErrors(s *server) error {
	if errs := s.errorLines(); len(errs) > 0 {
		return fmt.Errorf("the server logged %d errors, the first: %s", len(errs), errs[0])
	}
	fmt.Println("  server errors: none (no \"database is locked\")")
	return nil
}
