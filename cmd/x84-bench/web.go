package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/internal/control"
)

// webBench measures idle browser terminals: n WebSockets over TLS, each
// of which has sent its window size and shows the login screen, held
// open while the server's memory is read.
func webBench(bin string, n, conc int) error {
	srv, webAddr, err := startWebServer(bin, n)
	if err != nil {
		return err
	}
	defer srv.stop()
	transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, MaxIdleConnsPerHost: -1}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	return idleMemory(srv, "idle browser terminals (WebSocket over TLS)", n, conc, func() (func(), error) {
		conns, err := gather(n, conc, func() (*websocket.Conn, error) { return openTerminal(client, webAddr) })
		return func() {
			for _, c := range conns {
				c.CloseNow()
			}
		}, err
	})
}

// openTerminal opens one browser terminal and returns once the login
// screen has arrived; it then sits idle with no goroutine of ours.
func openTerminal(client *http.Client, addr string) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "wss://"+addr+"/ws", &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		return nil, err
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`)); err != nil {
		c.CloseNow()
		return nil, err
	}
	var seen []byte
	for !bytes.Contains(seen, marker) {
		_, b, err := c.Read(ctx)
		if err != nil {
			c.CloseNow()
			return nil, fmt.Errorf("before the first screen: %w", err)
		}
		seen = append(seen, b...)
	}
	return c, nil
}

var anyListenRE = regexp.MustCompile(`msg=listening (?:host=\S+ )?proto=(\w+) addr=(\S+)`)

// startWebServer runs x84 with limits raised for n sessions, telnet and
// the web on free ports, and returns it with the web's address.
func startWebServer(bin string, n int) (*server, string, error) {
	dir, err := os.MkdirTemp("", "x84-bench")
	if err != nil {
		return nil, "", err
	}
	conf := fmt.Sprintf("[server]\nmax_sessions = %d\nmax_per_address = %d\nidle_timeout = \"0\"\n"+
		"[telnet]\nport = 0\n[ssh]\nenabled = false\n[web]\nport = 0\n", n+10, n+10)
	if err := os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(conf), 0o600); err != nil {
		return nil, "", err
	}
	cmd := exec.Command(bin, "--data", dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	srv := &server{cmd: cmd, dir: dir, ctl: control.NewClient(filepath.Join(dir, "x84.sock"))}
	addrc := make(chan [2]string, 4)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := anyListenRE.FindStringSubmatch(line); m != nil {
				addrc <- [2]string{m[1], m[2]}
			}
			if strings.Contains(line, "level=ERROR") {
				srv.mu.Lock()
				srv.errors = append(srv.errors, line)
				srv.mu.Unlock()
			}
		}
	}()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case a := <-addrc:
			if a[0] == "telnet" {
				srv.addr = a[1]
			}
			if a[0] == "web" {
				return srv, a[1], nil
			}
		case <-timeout:
			srv.stop()
			return nil, "", errors.New("x84 did not start its web server")
		}
	}
}
