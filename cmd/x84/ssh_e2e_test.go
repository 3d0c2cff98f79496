package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
)

// sshOpts are what every OpenSSH command in these tests passes: a fresh,
// unchecked host key and quiet output.
var sshOpts = []string{"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"}

// sshCommand is an ssh command line for tmux, logging in with a password
// through sshpass.
func sshCommand(port, user, password string, extra ...string) string {
	args := append([]string{"sshpass", "-p", shellQuote(password), "ssh", "-tt", "-p", port}, sshOpts...)
	args = append(args, extra...)
	return strings.Join(append(args, user+"@127.0.0.1"), " ")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestOpenSSH logs in with OpenSSH's ssh and a password: no second login,
// TERM and size in x84 who, a resize, and a clean exit at logoff.
func TestOpenSSH(t *testing.T) {
	e2e.LookPath(t, "ssh", "sshpass", "tmux")
	s := startX84(t, "")
	s.addUser(t, "alice", "wonderland", false)
	tm := newTmux(t, 100, 30, sshCommand(s.portOf("ssh"), "alice", "wonderland")+"; echo ssh exited $?")
	tm.waitScreen("Welcome, alice. This is your first call.")
	list := s.waitWho(t, "the ssh session", func(l []whoEntry) bool { return len(l) == 1 && l[0].User != nil })
	if w := list[0]; w.Kind != "ssh" || w.Term != "xterm-256color" || w.Cols != 100 || w.Rows != 30 || w.Encoding != "utf-8" || *w.User != "alice" {
		t.Errorf("x84 who --json = %+v", w)
	}
	tm.resize(132, 43)
	s.waitWho(t, "the new size", func(l []whoEntry) bool { return len(l) == 1 && l[0].Cols == 132 && l[0].Rows == 43 })
	tm.keys("g", "y")
	tm.waitScreen("Thanks for calling x84, alice.")
	tm.waitScreen("ssh exited 0")
}

// TestSSHPublicKey registers a key made by ssh-keygen and logs in with it.
func TestSSHPublicKey(t *testing.T) {
	e2e.LookPath(t, "ssh", "ssh-keygen", "tmux")
	s := startX84(t, "")
	s.addUser(t, "bob", "bobs-password", false)
	key := filepath.Join(t.TempDir(), "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bob@laptop", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	out, err := exec.Command(x84Bin, "--data", s.dir, "user", "key", "add", "bob", key+".pub").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Added SHA256:") {
		t.Fatalf("x84 user key add: %v\n%s", err, out)
	}
	args := append([]string{"ssh", "-tt", "-i", key, "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no", "-p", s.portOf("ssh")}, sshOpts...)
	tm := newTmux(t, 80, 24, strings.Join(append(args, "bob@127.0.0.1"), " "))
	tm.waitScreen("Welcome, bob.")
	// Another key is refused.
	other := filepath.Join(t.TempDir(), "id_other")
	exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other).Run()
	cmd := exec.Command("ssh", append(append([]string{"-i", other, "-o", "BatchMode=yes", "-p", s.portOf("ssh")}, sshOpts...), "bob@127.0.0.1", "true")...)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "Permission denied") {
		t.Errorf("an unregistered key logged in: %v\n%s", err, out)
	}
}

// TestSSHNewUser: the user name new with an empty password leads to the
// new-user application.
func TestSSHNewUser(t *testing.T) {
	e2e.LookPath(t, "ssh", "sshpass", "tmux")
	s := startX84(t, "")
	tm := newTmux(t, 80, 24, sshCommand(s.portOf("ssh"), "new", ""))
	tm.waitScreen("Apply for an account on x84.")
	// The last Enter skips the setup code a board without a sysop asks for.
	tm.keys("carol", "Enter", "carols-password", "Enter", "carols-password", "Enter", "Enter", "Enter", "Enter", "Enter")
	tm.waitScreen("Create the account carol?")
	tm.keys("y")
	tm.waitScreen("Welcome, carol. This is your first call.")
}

// TestSSHWithoutPty: an exec request or a shell without a pty gets a line
// saying a terminal is needed, and exit status 1.
func TestSSHWithoutPty(t *testing.T) {
	e2e.LookPath(t, "ssh", "sshpass")
	s := startX84(t, "")
	s.addUser(t, "dave", "daves-password", false)
	for _, tc := range []struct {
		extra []string
		want  string
	}{
		{[]string{"ls", "-l"}, "it runs no commands. Connect without one"},
		{[]string{"-tt", "ls"}, "it runs no commands. Connect without one"},
		{[]string{"-T"}, "it needs an interactive terminal. Try ssh -t."},
	} {
		args := append(append([]string{"-p", "daves-password", "ssh", "-p", s.portOf("ssh")}, sshOpts...), "dave@127.0.0.1")
		cmd := exec.Command("sshpass", append(args, tc.extra...)...)
		cmd.Stdin = strings.NewReader("")
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), tc.want) {
			t.Errorf("ssh %v: exit %d, %q; want exit 1 and %q", tc.extra, code, out, tc.want)
		}
	}
}

// TestSFTP drives OpenSSH's sftp in batch mode against the file area.
func TestSFTP(t *testing.T) {
	e2e.LookPath(t, "sftp", "sshpass")
	s := startX84(t, "")
	s.addUser(t, "erin", "erins-password", false)
	files := filepath.Join(s.dir, "files")
	os.MkdirAll(filepath.Join(files, "pub"), 0o755)
	os.WriteFile(filepath.Join(files, "pub", "readme.txt"), []byte("read me\n"), 0o644)
	secret := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(secret, []byte("outside"), 0o644)
	os.Symlink(secret, filepath.Join(files, "pub", "escape.txt"))
	local := t.TempDir()
	upload := filepath.Join(local, "mine.txt")
	os.WriteFile(upload, []byte("uploaded by erin\n"), 0o644)

	// Each line is one batch: sftp stops a batch at the first failure
	// unless the command starts with "-".
	steps := []struct {
		batch string
		ok    bool
		want  string
	}{
		{"ls pub", true, "pub/readme.txt"},
		{"get pub/readme.txt " + filepath.Join(local, "got.txt"), true, ""},
		{"put " + upload + " uploads/mine.txt", true, ""},
		{"put " + upload + " pub/mine.txt", false, "Permission denied"},
		{"get ../x84.db " + filepath.Join(local, "db"), false, "not found"},
		{"get /../../etc/passwd " + filepath.Join(local, "passwd"), false, "not found"},
		{"get pub/escape.txt " + filepath.Join(local, "escaped"), false, "Permission denied"},
		{"rm pub/readme.txt", false, "Permission denied"},
		{"mkdir pub/new", false, "Permission denied"},
	}
	for _, st := range steps {
		batch := filepath.Join(local, "batch")
		os.WriteFile(batch, []byte(st.batch+"\n"), 0o644)
		args := append(append([]string{"-p", "erins-password", "sftp", "-o", "BatchMode=no", "-P", s.portOf("ssh")}, sshOpts...), "-b", batch, "erin@127.0.0.1")
		cmd := exec.Command("sshpass", args...)
		out, _ := cmd.CombinedOutput()
		if ok := cmd.ProcessState.ExitCode() == 0; ok != st.ok || !strings.Contains(string(out), st.want) {
			t.Errorf("sftp %q: exit %d, output %q; want success %v and %q", st.batch, cmd.ProcessState.ExitCode(), out, st.ok, st.want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(local, "got.txt")); string(b) != "read me\n" {
		t.Errorf("downloaded %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(files, "uploads", "mine.txt")); string(b) != "uploaded by erin\n" {
		t.Errorf("uploaded file holds %q", b)
	}
	for _, f := range []string{"db", "passwd", "escaped"} {
		if _, err := os.Stat(filepath.Join(local, f)); err == nil {
			t.Errorf("sftp fetched %s from outside the area", f)
		}
	}
	if _, err := os.Stat(filepath.Join(files, "pub", "mine.txt")); err == nil {
		t.Errorf("an upload outside uploads/ was kept")
	}
}

// TestLFTP is a second sftp client.
func TestLFTP(t *testing.T) {
	e2e.LookPath(t, "lftp")
	s := startX84(t, "")
	s.addUser(t, "fay", "fays-password", false)
	files := filepath.Join(s.dir, "files")
	os.MkdirAll(filepath.Join(files, "pub"), 0o755)
	os.WriteFile(filepath.Join(files, "pub", "notes.txt"), []byte("lftp was here\n"), 0o644)
	local := t.TempDir()
	os.WriteFile(filepath.Join(local, "up.txt"), []byte("from lftp\n"), 0o644)
	script := fmt.Sprintf("set sftp:auto-confirm yes; set net:max-retries 1; set net:timeout 10; "+
		"open -u fay,fays-password sftp://127.0.0.1:%s; cls pub; get pub/notes.txt -o %s; put %s -o uploads/up.txt; bye",
		s.portOf("ssh"), filepath.Join(local, "notes.txt"), filepath.Join(local, "up.txt"))
	cmd := exec.Command("lftp", "-c", script)
	cmd.Dir = local
	cmd.Env = append(os.Environ(), "HOME="+local)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "pub/notes.txt") {
		t.Fatalf("lftp: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(local, "notes.txt")); string(b) != "lftp was here\n" {
		t.Errorf("lftp downloaded %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(files, "uploads", "up.txt")); string(b) != "from lftp\n" {
		t.Errorf("lftp uploaded %q", b)
	}
}

// TestPlinkSSH is PuTTY's plink over ssh.
func TestPlinkSSH(t *testing.T) {
	e2e.LookPath(t, "plink", "tmux")
	s := startX84(t, "")
	s.addUser(t, "gus", "guss-password", false)
	out, err := exec.Command(x84Bin, "--data", s.dir, "keys").Output()
	if err != nil {
		t.Fatal(err)
	}
	fp := strings.Fields(strings.Split(string(out), "\n")[0])[1] // the ed25519 key's SHA256:…
	tm := newTmux(t, 90, 28, fmt.Sprintf("plink -ssh -batch -t -hostkey %s -P %s -l gus -pw guss-password 127.0.0.1", fp, s.portOf("ssh")))
	tm.waitScreen("Welcome, gus.")
	list := s.waitWho(t, "gus", func(l []whoEntry) bool { return len(l) == 1 && l[0].User != nil })
	if w := list[0]; w.Kind != "ssh" || w.Cols != 90 || w.Rows != 28 {
		t.Errorf("x84 who --json = %+v; want ssh 90x28", w)
	}
}

// TestSSHGarbage sends what is not ssh, and stops mid-handshake: the
// server closes cleanly and keeps serving.
func TestSSHGarbage(t *testing.T) {
	e2e.LookPath(t, "ssh", "sshpass")
	s := startX84(t, "[ssh]\nauth_timeout = \"2s\"\n")
	s.addUser(t, "hal", "hals-password", false)
	addr := s.addrOf("ssh")
	for _, send := range []string{"GET / HTTP/1.0\r\n\r\n", "SSH-2.0-half\r\n", ""} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte(send))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				break // closed by the server, by its deadline at the latest
			}
		}
		c.Close()
	}
	args := append(append([]string{"-p", "hals-password", "ssh", "-p", s.portOf("ssh")}, sshOpts...), "hal@127.0.0.1", "true")
	out, _ := exec.Command("sshpass", args...).CombinedOutput()
	if !strings.Contains(string(out), "it runs no commands") {
		t.Errorf("after garbage the server did not answer a real client: %q", out)
	}
}

// TestSSHUnauthenticatedFlood opens 100 connections that never log in:
// the per-address limit refuses all but 20 with a line saying why, the 20
// are cut at the login timeout, and a real caller gets in afterwards.
func TestSSHUnauthenticatedFlood(t *testing.T) {
	e2e.LookPath(t, "ssh", "sshpass")
	s := startX84(t, "[ssh]\nauth_timeout = \"2s\"\n")
	s.addUser(t, "ida", "idas-password", false)
	addr := s.addrOf("ssh")
	type result struct {
		refused bool
		held    time.Duration
	}
	results := make(chan result, 100)
	for range 100 {
		go func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				results <- result{}
				return
			}
			defer c.Close()
			start := time.Now()
			c.SetReadDeadline(time.Now().Add(20 * time.Second))
			var got []byte
			buf := make([]byte, 512)
			for {
				n, err := c.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					break
				}
			}
			results <- result{refused: strings.Contains(string(got), "Too many connections"), held: time.Since(start)}
		}()
	}
	refused, cut := 0, 0
	for range 100 {
		r := <-results
		switch {
		case r.refused:
			refused++
		case r.held >= time.Second && r.held < 15*time.Second:
			cut++
		}
	}
	if refused != 80 || cut != 20 {
		t.Errorf("of 100 silent connections %d were refused and %d cut at the timeout; want 80 and 20", refused, cut)
	}
	args := append(append([]string{"-p", "idas-password", "ssh", "-p", s.portOf("ssh")}, sshOpts...), "ida@127.0.0.1", "true")
	if out, _ := exec.Command("sshpass", args...).CombinedOutput(); !strings.Contains(string(out), "it runs no commands") {
		t.Errorf("after the flood a real client got %q", out)
	}
}

// TestSFTPOverQuota uploads 1 GiB against a 1 MiB quota: a clean error,
// nothing under the real name, no temporary file, and the area still
// works.
func TestSFTPOverQuota(t *testing.T) {
	e2e.LookPath(t, "sftp", "sshpass")
	s := startX84(t, "[files]\nquota_mib = 1\n")
	s.addUser(t, "jan", "jans-password", false)
	local := t.TempDir()
	big := filepath.Join(local, "big.bin")
	f, _ := os.Create(big)
	f.Truncate(1 << 30) // sparse: 1 GiB of zeros without the disk space
	f.Close()
	small := filepath.Join(local, "small.txt")
	os.WriteFile(small, []byte("fits\n"), 0o644)
	batch := filepath.Join(local, "batch")
	os.WriteFile(batch, []byte("-put "+big+" uploads/big.bin\nput "+small+" uploads/small.txt\n"), 0o644)
	args := append(append([]string{"-p", "jans-password", "sftp", "-o", "BatchMode=no", "-P", s.portOf("ssh")}, sshOpts...), "-b", batch, "jan@127.0.0.1")
	out, _ := exec.Command("sshpass", args...).CombinedOutput()
	// OpenSSH's sftp shows the status ("Failure"), not the server's text,
	// which the log keeps.
	if !strings.Contains(string(out), `write remote "/uploads/big.bin": Failure`) {
		t.Errorf("sftp output lacks the refusal: %q", out)
	}
	if !s.logSays("quota") {
		t.Errorf("the server did not log why it refused the upload")
	}
	uploads := filepath.Join(s.dir, "files", "uploads")
	entries, _ := os.ReadDir(uploads)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "small.txt" {
		t.Errorf("uploads holds %v after the refused upload; want only small.txt", names)
	}
}
