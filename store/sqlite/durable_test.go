package sqlite

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// helperDB names the database TestHelperWriter writes to; the helper runs
// only when it is set.
const helperDB = "X84_SQLITE_HELPER_DB"

// TestHelperWriter is the child process of TestKill9: it adds a one-liner,
// says "ok" and waits to be killed. Reading stdin ends it if the parent
// dies first, so no child outlives a failed run.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv(helperDB)
	if path == "" {
		t.Skip("run by TestKill9 only")
	}
	s, err := Open(t.Context(), path, Config{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	o := store.Oneliner{Handle: "survivor", Text: "still here after kill -9"}
	if err := s.Oneliners.AddOneliner(t.Context(), &o, 0); err != nil {
		fmt.Println("add:", err)
		os.Exit(2)
	}
	fmt.Println("ok")
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// TestKill9 checks that a write that returned nil survives the process
// being killed without a chance to close the database.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "x84.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	cmd.Env = append(os.Environ(), helperDB+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", os.Args[0], err)
	}
	var once sync.Once
	kill := func() {
		once.Do(func() {
			cmd.Process.Kill() // SIGKILL
			cmd.Wait()
		})
	}
	defer kill()

	said := make(chan string, 1)
	go func() {
		var other []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "ok" {
				said <- "ok"
				return
			}
			other = append(other, sc.Text())
		}
		said <- strings.Join(other, "\n")
	}()
	select {
	case got := <-said:
		if got != "ok" {
			t.Fatalf("child said %q; want ok", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("child said nothing in 30s; want ok")
	}
	kill()
	if ws := cmd.ProcessState; ws == nil || ws.Exited() {
		t.Fatalf("child state = %v; want killed by a signal", ws)
	}
	// The one-liner should be in the WAL only: the child never
	// checkpointed, so reopening has to recover it from there.
	if fi, err := os.Stat(path + "-wal"); err == nil {
		t.Logf("WAL after kill -9: %d bytes", fi.Size())
	}

	s, err := Open(t.Context(), path, Config{})
	if err != nil {
		t.Fatalf("Open(%q) after kill = %v; want nil", path, err)
	}
	defer s.Close()
	got, err := s.Oneliners.Oneliners(t.Context(), 10)
	if err != nil || len(got) != 1 || got[0].Text != "still here after kill -9" {
		t.Errorf("Oneliners(10) after kill -9 = %+v, %v; want the child's one-liner", got, err)
	}
}
