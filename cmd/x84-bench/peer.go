package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/x84bbs/x84/telnet"
)

// telnetPeerCmd is "x84-bench telnetpeer": the time from connecting to
// a login prompt, x84 against Debian's inetutils-telnetd (with
// /bin/login), calls made one after the other, the two servers in turn.
//
// The endpoints: for x84, its login screen drawn to the end ("Password:",
// the last thing it draws); for telnetd, login(1)'s "login: " prompt.
// Both are the moment a caller can start typing a handle.
//
// Clients: the load tool's own telnet client (in this process, as for
// the other figures), and Debian's telnet program under a pseudo-terminal
// of 100x30, whose start-up then counts on both sides alike.
//
// telnetd has no standalone mode: it is run as inetd runs it, one process
// per connection with the socket as its standard input, output and
// error, from a listener of this process on a free loopback port.
func telnetPeerCmd(bin string, args []string) error {
	fs := flag.NewFlagSet("telnetpeer", flag.ContinueOnError)
	n := fs.Int("n", 200, "calls to each server, per client (1..10000)")
	client := fs.String("client", "both", "go (this tool's telnet client), telnet (Debian's, under a pty), or both")
	telnetd := fs.String("telnetd", "/usr/sbin/telnetd", "the peer: inetutils-telnetd")
	telnetBin := fs.String("telnet", "telnet", "the telnet client program")
	peerMarker := fs.String("peer-marker", "login: ", "what the peer's prompt ends with")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case bin == "":
		return errors.New("telnetpeer needs -x84 PATH (before the subcommand)")
	case *n < 1 || *n > 10000:
		return errors.New("-n must be 1..10000")
	case *client != "go" && *client != "telnet" && *client != "both":
		return errors.New("-client must be go, telnet or both")
	}
	if _, err := os.Stat(*telnetd); err != nil {
		return fmt.Errorf("the peer is missing (apt-get install inetutils-telnetd): %w", err)
	}
	srv, err := startServer(bin, 20)
	if err != nil {
		return err
	}
	defer srv.stop()
	// -h: no host information before the login prompt (the banner).
	peer, err := startInetd([]string{*telnetd, "-h"})
	if err != nil {
		return err
	}
	defer peer.stop()
	peerAddr := peer.ln.Addr().String()
	fmt.Printf("x84 on %s (to %q, its login screen drawn), telnetd -h with /bin/login on %s (to %q)\n",
		srv.addr, marker, peerAddr, *peerMarker)

	type measure func(addr string, want []byte) (time.Duration, error)
	clients := []struct {
		name, title string
		run         measure
	}{
		{"go", "x84-bench's telnet client", goPromptTime},
		{"telnet", "Debian's telnet under a pty", func(addr string, want []byte) (time.Duration, error) {
			return ptyPromptTime(*telnetBin, addr, want)
		}},
	}
	for _, cl := range clients {
		if *client != "both" && *client != cl.name {
			continue
		}
		if cl.name == "telnet" {
			if _, err := exec.LookPath(*telnetBin); err != nil {
				return fmt.Errorf("no telnet client (apt-get install inetutils-telnet): %w", err)
			}
		}
		var x84Times, peerTimes []time.Duration
		peerMark := []byte(*peerMarker)
		for i := range *n {
			// In turn, and which goes first alternates, so that a burst of
			// load elsewhere falls on both.
			order := []bool{true, false}
			if i%2 == 1 {
				order = []bool{false, true}
			}
			for _, isX84 := range order {
				if isX84 {
					d, err := cl.run(srv.addr, marker)
					if err != nil {
						return fmt.Errorf("x84, %s, call %d: %w", cl.title, i+1, err)
					}
					x84Times = append(x84Times, d)
				} else {
					d, err := cl.run(peerAddr, peerMark)
					if err != nil {
						return fmt.Errorf("telnetd, %s, call %d: %w", cl.title, i+1, err)
					}
					peerTimes = append(peerTimes, d)
				}
			}
		}
		x50, x99 := quantile(x84Times, 0.5), quantile(x84Times, 0.99)
		p50, p99 := quantile(peerTimes, 0.5), quantile(peerTimes, 0.99)
		fmt.Printf("time to a login prompt, %s, %d calls each, one at a time: x84 p50 %v p99 %v; telnetd+login p50 %v p99 %v; x84/telnetd p50 %.2f p99 %.2f\n",
			cl.title, *n, roundMS(x50), roundMS(x99), roundMS(p50), roundMS(p99), ratioOf(x50, p50), ratioOf(x99, p99))
		fmt.Printf("RESULT telnet_prompt_%s_p50 %.3f %.3f ms\n", cl.name, ms(x50), ms(p50))
		fmt.Printf("RESULT telnet_prompt_%s_p99 %.3f %.3f ms\n", cl.name, ms(x99), ms(p99))
	}
	return reportErrors(srv)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func ratioOf(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// goPromptTime connects with this tool's telnet client (answering as
// Debian's telnet in a 100x30 xterm) and returns the time until want
// arrived.
func goPromptTime(addr string, want []byte) (time.Duration, error) {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if err := readUntil(telnet.NewClientConn(c, &xterm), want); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// ptyPromptTime runs the telnet program on a pseudo-terminal and returns
// the time from its start until want shows on the terminal.
func ptyPromptTime(telnetBin, addr string, want []byte) (time.Duration, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	master, slave, err := openPTY(100, 30)
	if err != nil {
		return 0, err
	}
	defer master.Close()
	cmd := exec.Command(telnetBin, host, port)
	cmd.Env = append(withoutEnv(os.Environ(), "TERM"), "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	start := time.Now()
	err = cmd.Start()
	slave.Close()
	if err != nil {
		return 0, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	master.SetReadDeadline(time.Now().Add(30 * time.Second))
	var seen []byte
	buf := make([]byte, 4096)
	for !bytes.Contains(seen, want) {
		n, err := master.Read(buf)
		seen = append(seen, buf[:n]...)
		if err != nil && !bytes.Contains(seen, want) {
			return 0, fmt.Errorf("waiting for %q: %w (the terminal showed %q)", want, err, lastBytes(seen, 300))
		}
		if len(seen) > 64<<10 {
			seen = seen[len(seen)-4096:]
		}
	}
	return time.Since(start), nil
}

func lastBytes(b []byte, n int) []byte { return b[max(0, len(b)-n):] }

func withoutEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// openPTY opens a pseudo-terminal pair of the given size. The master
// stays non-blocking (read deadlines work on it).
func openPTY(cols, rows int) (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	var ptn uint32
	var unlock int32
	if err := ioctl(master, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlocking the pty: %w", err)
	}
	if err := ioctl(master, syscall.TIOCGPTN, unsafe.Pointer(&ptn)); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("naming the pty: %w", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", ptn), os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	ws := struct{ rows, cols, x, y uint16 }{uint16(rows), uint16(cols), 0, 0}
	if err := ioctl(slave, syscall.TIOCSWINSZ, unsafe.Pointer(&ws)); err != nil {
		master.Close()
		slave.Close()
		return nil, nil, fmt.Errorf("sizing the pty: %w", err)
	}
	return master, slave, nil
}

// ioctl runs an ioctl on f without turning f to blocking mode (as Fd
// would).
func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	err = rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(arg))
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// inetd runs a program per connection on a loopback port of its own, as
// inetd does: the socket is the program's standard input, output and
// error. At most maxChildren run at once; more connections wait.
type inetd struct {
	ln   net.Listener
	argv []string
	wg   sync.WaitGroup
	sem  chan struct{}

	mu    sync.Mutex
	procs map[*os.Process]struct{}
}

const maxChildren = 64

func startInetd(argv []string) (*inetd, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &inetd{ln: ln, argv: argv, sem: make(chan struct{}, maxChildren), procs: map[*os.Process]struct{}{}}
	d.wg.Go(d.serve)
	return d, nil
}

func (d *inetd) serve() {
	for {
		c, err := d.ln.Accept()
		if err != nil {
			return
		}
		d.sem <- struct{}{}
		if err := d.spawn(c.(*net.TCPConn)); err != nil {
			fmt.Fprintln(os.Stderr, "x84-bench: inetd:", err)
			<-d.sem
		}
	}
}

func (d *inetd) spawn(c *net.TCPConn) error {
	f, err := c.File() // a blocking duplicate, as inetd hands over
	c.Close()
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(d.argv[0], d.argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f, f, f
	// A group of its own, so that stop ends login and the shell too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	d.mu.Lock()
	d.procs[cmd.Process] = struct{}{}
	d.mu.Unlock()
	d.wg.Go(func() {
		cmd.Wait()
		d.mu.Lock()
		delete(d.procs, cmd.Process)
		d.mu.Unlock()
		<-d.sem
	})
	return nil
}

// stop closes the listener and ends every program still running.
func (d *inetd) stop() {
	d.ln.Close()
	d.mu.Lock()
	for p := range d.procs {
		syscall.Kill(-p.Pid, syscall.SIGKILL)
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		fmt.Fprintln(os.Stderr, "x84-bench: inetd: some telnetd processes did not end")
	}
}
