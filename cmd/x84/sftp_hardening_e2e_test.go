package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/internal/e2e"
)

// sftpDial logs in over ssh as an attacker's script would (Go's ssh and
// sftp clients) and opens an sftp session.
func sftpDial(t *testing.T, s *server, user, password string) (*sftp.Client, error) {
	t.Helper()
	conn, err := ssh.Dial("tcp", s.addrOf("ssh"), &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.Password(password)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	c, err := sftp.NewClient(conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	t.Cleanup(func() { c.Close(); conn.Close() })
	return c, nil
}

func mustSFTP(t *testing.T, s *server, user, password string) *sftp.Client {
	t.Helper()
	c, err := sftpDial(t, s, user, password)
	if err != nil {
		t.Fatalf("sftp as %s: %v", user, err)
	}
	return c
}

// openFiles counts the server process's open file descriptors.
func openFiles(t *testing.T, s *server) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestSFTPLogFlood performs the log flood: 16 parallel removals of a
// 30,000-byte path for 3 s. The log must grow by a few lines a second,
// each cut short, not by the path each time.
func TestSFTPLogFlood(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "mallory", "mallorys-password", false)
	c := mustSFTP(t, s, "mallory", "mallorys-password")
	before := len(s.log.String())
	long := "/uploads/" + strings.Repeat("Z", 30000)
	var wg sync.WaitGroup
	var mu sync.Mutex
	sent := 0
	deadline := time.Now().Add(3 * time.Second)
	for range 16 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				c.Remove(long)
				mu.Lock()
				sent++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	time.Sleep(1100 * time.Millisecond)
	c.Remove(long) // flushes the count of lines held back
	grown := len(s.log.String()) - before
	t.Logf("%d removals in 3 s grew the log by %d bytes", sent, grown)
	// 5 lines a second of at most ~600 bytes, for 4 s at most.
	if grown > 5*5*600 {
		t.Errorf("log grew by %d bytes for %d refused removals; want at most %d", grown, sent, 5*5*600)
	}
	logs := s.log.String()[before:]
	if !strings.Contains(logs, "unlogged_before=") || !strings.Contains(logs, "(30009 bytes)") {
		t.Errorf("log lacks the count of lines held back or the cut path:\n%s", logs)
	}
	if sent < 100 {
		t.Errorf("only %d removals were answered in 3 s", sent)
	}
}

// TestSFTPHandleExhaustion opens files until refused: one session stops
// at max_open_files, the user at max_open_files_per_user, and the
// server's descriptors stay bounded while others keep working.
func TestSFTPHandleExhaustion(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "mallory", "mallorys-password", false)
	s.addUser(t, "erin", "erins-password", false)
	pub := filepath.Join(s.dir, "files", "pub")
	os.MkdirAll(pub, 0o755)
	os.WriteFile(filepath.Join(pub, "big.txt"), []byte("payload"), 0o644)
	fdsBefore := openFiles(t, s)

	opened := 0
	var lastErr error
	var sessions []*sftp.Client
	for range 4 {
		c := mustSFTP(t, s, "mallory", "mallorys-password")
		sessions = append(sessions, c)
		for range 100 {
			f, err := c.Open("/pub/big.txt")
			if err != nil {
				lastErr = err
				break
			}
			defer f.Close()
			opened++
		}
	}
	if opened != 128 {
		t.Errorf("one user held %d open files over 4 sessions; want 128 (max_open_files_per_user)", opened)
	}
	if lastErr == nil || !strings.Contains(lastErr.Error(), "too many open files") {
		t.Errorf("refused open = %v; want a status naming the limit", lastErr)
	}
	// A fifth session is refused, with a reason on stderr for OpenSSH's
	// sftp to show.
	if _, err := sftpDial(t, s, "mallory", "mallorys-password"); err == nil {
		t.Errorf("a 5th sftp session of one user was accepted; want max_sessions_per_user = 4")
	}
	if grown := openFiles(t, s) - fdsBefore; grown > 128+4*2+16 {
		t.Errorf("server descriptors grew by %d; want about 128 files and the connections", grown)
	}
	// Everyone else is served.
	c := mustSFTP(t, s, "erin", "erins-password")
	f, err := c.Open("/pub/big.txt")
	if err != nil {
		t.Fatalf("erin's open while mallory holds all he may: %v", err)
	}
	f.Close()
	_ = sessions
}

// TestSFTPSessionLimitMessage checks what OpenSSH's sftp shows the user
// refused a session.
func TestSFTPSessionLimitMessage(t *testing.T) {
	e2e.LookPath(t, "sftp", "sshpass")
	s := startX84(t, "[files]\nmax_sessions_per_user = 1\n")
	s.addUser(t, "erin", "erins-password", false)
	mustSFTP(t, s, "erin", "erins-password")
	out, _ := runSFTPBatch(t, s, "erin", "erins-password", "ls\n")
	if !strings.Contains(out, "too many file transfer sessions at once") {
		t.Errorf("sftp over the session limit printed %q; want the reason", out)
	}
}

// runSFTPBatch runs OpenSSH's sftp with a batch file and returns its
// output and whether it succeeded.
func runSFTPBatch(t *testing.T, s *server, user, password, batch string) (string, bool) {
	t.Helper()
	local := t.TempDir()
	file := filepath.Join(local, "batch")
	os.WriteFile(file, []byte(batch), 0o644)
	args := append(append([]string{"-p", password, "sftp", "-o", "BatchMode=no", "-P", s.portOf("ssh")}, sshOpts...), "-b", file, user+"@127.0.0.1")
	cmd := exec.Command("sshpass", args...)
	cmd.Dir = local
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode() == 0
}

// hostile are names that would act on the terminal of whoever lists
// them: clipboard write (OSC 52), clear screen, C1 CSI as UTF-8 and as a
// raw byte, a forged line, a right-to-left override.
var hostile = []string{
	"clip\x1b]52;c;ZXZpbA==\x07.txt",
	"cls\x1b[2J.txt",
	"c1\u009b2J.txt",
	"raw\x9b2J.txt",
	"two\n-rw-r--r--    1 0 0 0 Jan  1 00:00 forged.txt",
	"evil\u202etxt.exe",
}

// TestSFTPHostileNames uploads, renames and makes folders with hostile
// names (refused with a clear status), then lists names already on disk
// with OpenSSH's sftp and lftp: nothing reaches the terminal raw.
func TestSFTPHostileNames(t *testing.T) {
	e2e.LookPath(t, "sftp", "sshpass", "lftp")
	s := startX84(t, "")
	s.addUser(t, "mallory", "mallorys-password", false)
	s.addUser(t, "boss", "boss-password", true)
	c := mustSFTP(t, s, "mallory", "mallorys-password")
	sys := mustSFTP(t, s, "boss", "boss-password")
	pub := filepath.Join(s.dir, "files", "pub")
	os.MkdirAll(pub, 0o755)
	os.WriteFile(filepath.Join(pub, "plain.txt"), []byte("x"), 0o644)
	for _, name := range hostile {
		f, err := c.Create("/uploads/" + name)
		if err == nil {
			f.Close()
			t.Errorf("upload of %q accepted", name)
		} else if !strings.Contains(err.Error(), "names may not contain control characters") {
			t.Errorf("upload of %q = %v; want the rule named", name, err)
		}
		if err := sys.Mkdir("/pub/" + name); err == nil {
			t.Errorf("sysop's mkdir %q accepted", name)
		}
		if err := sys.Rename("/pub/plain.txt", "/pub/"+name); err == nil {
			t.Errorf("sysop's rename to %q accepted", name)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(s.dir, "files", "uploads")); len(ents) != 0 {
		t.Errorf("uploads holds %d entries after refused uploads", len(ents))
	}

	// Names a sysop copied in are listed escaped.
	for _, name := range hostile {
		os.WriteFile(filepath.Join(pub, name), []byte("x"), 0o644)
	}
	out, ok := runSFTPBatch(t, s, "mallory", "mallorys-password", "ls -l pub\n")
	checkListing(t, "OpenSSH sftp", out, ok)
	if strings.Contains(out, "\n-rw-r--r--    1 0 0 0 Jan  1 00:00 forged.txt") {
		t.Errorf("a name forged a line in sftp's listing:\n%s", out)
	}

	local := t.TempDir()
	script := fmt.Sprintf("set sftp:auto-confirm yes; set net:max-retries 1; set net:timeout 10; "+
		"open -u mallory,mallorys-password sftp://127.0.0.1:%s; cls -1 pub; bye", s.portOf("ssh"))
	cmd := exec.Command("lftp", "-c", script)
	cmd.Env = append(os.Environ(), "HOME="+local)
	lout, err := cmd.CombinedOutput()
	checkListing(t, "lftp", string(lout), err == nil)

	// The escaped name fetches the file.
	if f, err := c.Open(`/pub/cls\x1b[2J.txt`); err != nil {
		t.Errorf("open by the escaped name: %v", err)
	} else {
		f.Close()
	}
}

func checkListing(t *testing.T, client, out string, ok bool) {
	t.Helper()
	if !ok {
		t.Errorf("%s listing failed:\n%s", client, out)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\x9b", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s printed %q raw:\n%q", client, bad, out)
		}
	}
	for _, want := range []string{`clip\x1b]52;c;ZXZpbA==\x07.txt`, `cls\x1b[2J.txt`, `c1\u009b2J.txt`, `raw\x9b2J.txt`, `evil\u202etxt.exe`} {
		if !strings.Contains(out, want) {
			t.Errorf("%s listing lacks %q:\n%s", client, want, out)
		}
	}
}

// TestSFTPDropBoxAndOwnership: an upload is seen by its uploader and
// the sysop only until released; a deleted account's files pass to the
// sysops, and a new account under the same handle starts clean.
func TestSFTPDropBoxAndOwnership(t *testing.T) {
	e2e.LookPath(t, "sftp", "sshpass")
	s := startX84(t, "[files]\nquota_mib = 1\nmax_files_per_user = 2\n")
	s.addUser(t, "dave", "daves-password", false)
	s.addUser(t, "erin", "erins-password", false)
	s.addUser(t, "boss", "boss-password", true)
	local := t.TempDir()
	up := filepath.Join(local, "up.bin")
	os.WriteFile(up, bytes.Repeat([]byte("d"), 900<<10), 0o644)
	if out, ok := runSFTPBatch(t, s, "dave", "daves-password", "put "+up+" uploads/dave.bin\n"); !ok {
		t.Fatalf("dave's upload: %s", out)
	}
	// erin does not see it; dave and the sysop do.
	if out, _ := runSFTPBatch(t, s, "erin", "erins-password", "ls uploads\n-get uploads/dave.bin "+filepath.Join(local, "stolen")+"\n"); strings.Contains(out, "dave.bin\n") || !strings.Contains(out, "not found") {
		t.Errorf("erin's view of the drop box:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(local, "stolen")); err == nil {
		t.Errorf("erin downloaded dave's held upload")
	}
	for _, u := range [][2]string{{"dave", "daves-password"}, {"boss", "boss-password"}} {
		if out, _ := runSFTPBatch(t, s, u[0], u[1], "ls uploads\n"); !strings.Contains(out, "uploads/dave.bin") {
			t.Errorf("%s does not see dave's upload:\n%s", u[0], out)
		}
	}
	// A file limit of 2.
	small := filepath.Join(local, "s.txt")
	os.WriteFile(small, []byte("s"), 0o644)
	out, _ := runSFTPBatch(t, s, "erin", "erins-password", "put "+small+" uploads/1.txt\nput "+small+" uploads/2.txt\nput "+small+" uploads/3.txt\n")
	if !strings.Contains(out, `"/uploads/3.txt": Failure`) {
		t.Errorf("erin's 3rd file with a limit of 2:\n%s", out)
	}
	if !s.logSays("at most 2 files in /uploads") {
		t.Errorf("the log does not say why the 3rd file was refused")
	}

	// The sysop deletes dave; a new dave starts clean.
	if out, err := exec.Command(x84Bin, "--data", s.dir, "user", "del", "dave").CombinedOutput(); err != nil {
		t.Fatalf("x84 user del dave: %v\n%s", err, out)
	}
	s.addUser(t, "dave", "new-daves-password", false)
	mine := filepath.Join(local, "mine.bin")
	os.WriteFile(mine, bytes.Repeat([]byte("n"), 900<<10), 0o644)
	out, _ = runSFTPBatch(t, s, "dave", "new-daves-password", "-put "+mine+" uploads/dave.bin\nput "+mine+" uploads/fresh.bin\nls uploads\n")
	if !strings.Contains(out, `"/uploads/dave.bin": Permission denied`) {
		t.Errorf("new dave overwriting old dave's file:\n%s", out)
	}
	_, listed, _ := strings.Cut(out, "sftp> ls uploads")
	if !strings.Contains(listed, "uploads/fresh.bin") || strings.Contains(listed, "uploads/dave.bin") {
		t.Errorf("new dave's upload within his own quota, or his view:\n%s", out)
	}
	if b, _ := os.ReadFile(filepath.Join(s.dir, "files", "uploads", "dave.bin")); len(b) != 900<<10 || b[0] != 'd' {
		t.Errorf("old dave's file changed")
	}
	// The sysop releases it into the area, where erin finds it.
	if out, ok := runSFTPBatch(t, s, "boss", "boss-password", "rename uploads/dave.bin pub-dave.bin\n"); !ok {
		t.Fatalf("sysop's release: %s", out)
	}
	if out, ok := runSFTPBatch(t, s, "erin", "erins-password", "get pub-dave.bin "+filepath.Join(local, "released")+"\n"); !ok {
		t.Errorf("erin's get of a released file: %s", out)
	}
}

// TestSFTPInWho: a transfer is listed in who's online with its user and
// what it is doing, and leaves when it ends.
func TestSFTPInWho(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "erin", "erins-password", false)
	pub := filepath.Join(s.dir, "files", "pub")
	os.MkdirAll(pub, 0o755)
	os.WriteFile(filepath.Join(pub, "game.zip"), []byte("zip"), 0o644)
	c := mustSFTP(t, s, "erin", "erins-password")
	isErin := func(e whoEntry) bool { return e.Kind == "sftp" && e.User != nil && *e.User == "erin" }
	s.waitWho(t, "erin's transfer", func(l []whoEntry) bool {
		return slices.ContainsFunc(l, func(e whoEntry) bool { return isErin(e) && e.Activity == "file transfer" })
	})
	f, err := c.Open("/pub/game.zip")
	if err != nil {
		t.Fatal(err)
	}
	s.waitWho(t, "erin downloading", func(l []whoEntry) bool {
		return slices.ContainsFunc(l, func(e whoEntry) bool { return isErin(e) && e.Activity == "downloading /pub/game.zip" })
	})
	f.Close()
	c.Close()
	s.waitWho(t, "erin gone", func(l []whoEntry) bool { return !slices.ContainsFunc(l, isErin) })
}
