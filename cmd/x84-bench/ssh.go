package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
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
	if cmd == "sshconn" {
		return sshConnections(addr, cfg, n, conc)
	}
	return sshIdle(addr, cfg, n, conc)
}

func sshConnections(addr string, cfg *ssh.ClientConfig, n, conc int) error {
	var next atomic.Int64
	var mu sync.Mutex
	var times []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				err := sshOnce(addr, cfg)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				times = append(times, time.Since(t0))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	slices.Sort(times)
	fmt.Printf("ssh connections (Go client, ed25519 key, exec true): %d, %d at once, in %v: %.0f conn/s; p50 %v p99 %v\n",
		n, conc, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(),
		times[len(times)/2].Round(time.Microsecond), times[len(times)*99/100].Round(time.Microsecond))
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
	var clients []*ssh.Client
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	sem := make(chan struct{}, conc)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := ssh.Dial("tcp", addr, cfg)
			if err == nil {
				var s *ssh.Session
				if s, err = c.NewSession(); err == nil {
					s.Stdout = io.Discard
					pr, _ := io.Pipe() // a stdin that stays open
					s.Stdin = pr
					if err = s.RequestPty("xterm", 24, 80, ssh.TerminalModes{}); err == nil {
						err = s.Shell()
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			clients = append(clients, c)
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	fmt.Printf("ready: %d idle ssh sessions\n", len(clients))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}
