package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// sshBench measures any ssh server (x84 or OpenSSH's sshd) with an
// in-process Go client, so that the client's own start-up does not count.
//
//	sshconn: handshake, public-key login, one exec channel, close; n times
//	         with c at once. Prints connections per second.
//	sshidle: opens n interactive sessions (pty and shell), prints "ready",
//	         and holds them until interrupted, so that the caller can read
//	         the server's memory.
//
// X84_BENCH_SSH_CIPHER and X84_BENCH_SSH_KEX, if set, are comma-separated
// lists that replace the client's ciphers and key exchanges, so that two
// servers can be made to negotiate the same ones.
func sshBench(cmd, addr, user, keyFile string, n, conc int) error {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	signer, err := ssh.ParsePrivateKey(b)
	if err != nil {
		return err
	}
	cfg := &ssh.ClientConfig{
		User:              user,
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback:   ssh.InsecureIgnoreHostKey(),
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519},
		Timeout:           30 * time.Second,
	}
	if v := os.Getenv("X84_BENCH_SSH_CIPHER"); v != "" {
		cfg.Ciphers = strings.Split(v, ",")
	}
	if v := os.Getenv("X84_BENCH_SSH_KEX"); v != "" {
		cfg.KeyExchanges = strings.Split(v, ",")
	}
	if cmd == "sshconn" {
		return sshConnections(addr, cfg, n, conc)
	}
	return sshIdle(addr, cfg, n, conc)
}

func sshConnections(addr string, cfg *ssh.ClientConfig, n, conc int) error {
	// A failed connection is counted, not fatal: the figure to compare
	// is how many fail, as well as how fast the rest go.
	var failed atomic.Int64
	var mu sync.Mutex
	var lastErr error
	times, elapsed, _ := timeRuns(n, conc, func(int) error {
		err := sshOnce(addr, cfg)
		if err != nil {
			failed.Add(1)
			mu.Lock()
			lastErr = err
			mu.Unlock()
		}
		return nil
	})
	fmt.Printf("ssh connections (Go client, ed25519 key, exec true): %d, %d at once, in %v: %.0f conn/s; p50 %v p99 %v; failed %d",
		n, conc, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(),
		times[len(times)/2].Round(time.Microsecond), times[len(times)*99/100].Round(time.Microsecond), failed.Load())
	if lastErr != nil {
		fmt.Printf(" (last: %v)", lastErr)
	}
	fmt.Println()
	if failed.Load() == int64(n) {
		return fmt.Errorf("every connection failed: %w", lastErr)
	}
	return nil
}

// sshOnce logs in, runs one exec request (x84 refuses it with a message,
// sshd runs /bin/sh -c true), and hangs up.
func sshOnce(addr string, cfg *ssh.ClientConfig) error {
	c, err := ssh.Dial("tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return err
	}
	defer s.Close()
	s.Stdout, s.Stderr = io.Discard, io.Discard
	err = s.Run("true")
	var exit *ssh.ExitError
	if err != nil && !errors.As(err, &exit) {
		return err
	}
	return nil
}

func sshIdle(addr string, cfg *ssh.ClientConfig, n, conc int) error {
	clients, err := gather(n, conc, func() (*ssh.Client, error) { return sshIdleOnce(addr, cfg) })
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	if err != nil {
		return err
	}
	fmt.Printf("ready: %d idle ssh sessions\n", len(clients))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}

// sshIdleOnce opens an interactive session (pty and shell) that then
// sits idle, its stdin left open.
func sshIdleOnce(addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	c, err := ssh.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	s, err := c.NewSession()
	if err == nil {
		s.Stdout = io.Discard
		s.Stdin, _ = io.Pipe() // a stdin that stays open
		err = s.RequestPty("xterm", 24, 80, ssh.TerminalModes{})
	}
	if err == nil {
		err = s.Shell()
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
