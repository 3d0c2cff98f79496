package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
)

// TestCustomBoard builds this example and reaches its screen with
// Debian's telnet, as a caller would.
func TestCustomBoard(t *testing.T) {
	e2e.LookPath(t, "tmux", "telnet")
	dir := t.TempDir()
	bin := filepath.Join(dir, "custom-board")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the example: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	os.MkdirAll(data, 0o700)
	os.WriteFile(filepath.Join(data, "x84.toml"), []byte("[telnet]\nport = 0\n[ssh]\nport = 0\n[web]\nport = 0\n"), 0o600)

	srv := exec.Command(bin, "--data", data)
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	port := ""
	sc := bufio.NewScanner(stderr)
	re := regexp.MustCompile(`proto=telnet addr=127\.0\.0\.1:(\d+)`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			port = m[1]
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if port == "" {
		t.Fatal("the custom board did not start")
	}

	socket := "x84-example-" + port
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", "main", "-x", "80", "-y", "24", "env TERM=xterm-256color telnet 127.0.0.1 "+port+"; sleep 30")
	defer exec.Command("tmux", "-L", socket, "kill-server").Run()
	wait := func(text string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			scr := tmux("capture-pane", "-p", "-t", "main")
			if strings.Contains(scr, text) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%q never showed; screen:\n%s", text, scr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	wait("Handle:")
	tmux("send-keys", "-t", "main", "new", "Enter")
	tmux("send-keys", "-t", "main", "maker", "Enter", "maker-password", "Enter", "maker-password", "Enter", "Enter", "Enter", "Enter", "Enter") // the last skips the setup code
	wait("Create the account maker?")
	tmux("send-keys", "-t", "main", "y")
	wait("[J] Fortune cookie")
	tmux("send-keys", "-t", "main", "j")
	wait("Your fortune, maker:")
	wait("You will receive a message from a distant node.")
	tmux("send-keys", "-t", "main", "Enter")
	wait("[J] Fortune cookie")

	// The graffiti wall writes through the one-liner service: the board's
	// own one-liners screen shows what was sprayed.
	tmux("send-keys", "-t", "main", "y")
	wait("The graffiti wall")
	tmux("send-keys", "-t", "main", "a")
	wait("Spray:")
	tmux("send-keys", "-t", "main", "hello from the wall", "Enter")
	wait("Sprayed.")
	wait("maker            hello from the wall")
	// The service's rules hold here too: one a minute.
	tmux("send-keys", "-t", "main", "a")
	wait("Spray:")
	tmux("send-keys", "-t", "main", "again", "Enter")
	wait("Not so fast: you may post again in")
	tmux("send-keys", "-t", "main", "q")
	wait("[Y] Graffiti wall")
	tmux("send-keys", "-t", "main", "o")
	wait("hello from the wall")
}
