package smtptest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDelivers sends a mail by hand with net/smtp over each way in and
// reads it back from the mailbox.
func TestDelivers(t *testing.T) {
	s := Start(t, Options{TLS: true})
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	tlsConf := &tls.Config{RootCAs: s.Roots, ServerName: "127.0.0.1"}

	// Plain, then STARTTLS, on the first port.
	for i, starttls := range []bool{false, true} {
		c, err := smtp.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		if starttls {
			if err := c.StartTLS(tlsConf); err != nil {
				t.Fatalf("STARTTLS: %v", err)
			}
		}
		send(t, c, "alice@"+Domain, fmt.Sprintf("mail %d", i+1))
	}
	// Implicit TLS on the second.
	tc, err := tls.Dial("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort)), tlsConf)
	if err != nil {
		t.Fatalf("TLS: %v", err)
	}
	c, err := smtp.NewClient(tc, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	send(t, c, "bob@"+Domain, "mail 3")

	for i, want := range []struct{ to, subject string }{{"alice@x84.test", "mail 1"}, {"alice@x84.test", "mail 2"}} {
		m := s.Wait(t, want.to, i+1)
		if m.Subject != want.subject || m.Body != "From the test.\nFrom here.\n" {
			t.Errorf("mail %d to %s: subject %q, body %q", i+1, want.to, m.Subject, m.Body)
		}
	}
	if m := s.Wait(t, "bob@x84.test", 1); m.Subject != "mail 3" {
		t.Errorf("bob's mail: subject %q; want %q", m.Subject, "mail 3")
	}
	if n := len(s.Messages(t)); n != 3 {
		t.Errorf("%d mails delivered; want 3", n)
	}
}

func send(t *testing.T, c *smtp.Client, to, subject string) {
	t.Helper()
	defer c.Close()
	if err := c.Mail("test@" + Domain); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(to); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	// The body's lines start with "From ", which the mailbox quotes.
	fmt.Fprintf(w, "To: %s\r\nSubject: %s\r\n\r\nFrom the test.\r\nFrom here.\r\n", to, subject)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
}

// TestRelaysNothing: an address outside Domain is refused.
func TestRelaysNothing(t *testing.T) {
	s := Start(t, Options{})
	c, err := net.DialTimeout("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	var last string
	for _, cmd := range []string{"", "HELO test", "MAIL FROM:<a@x84.test>", "RCPT TO:<b@example.org>"} {
		if cmd != "" {
			fmt.Fprintf(c, "%s\r\n", cmd)
		}
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		last = line
	}
	if !strings.HasPrefix(last, "554") && !strings.HasPrefix(last, "454") && !strings.HasPrefix(last, "550") {
		t.Errorf("RCPT TO:<b@example.org> = %q; want a refusal", last)
	}
}

func TestSplitMbox(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"From a  Thu\nSubject: x\n\nbody\n\n", []string{"Subject: x\n\nbody\n"}},
		{"From a\nA: 1\n\n>From b\n>>From c\n\nFrom d\nB: 2\n\nx\n\n", []string{"A: 1\n\nFrom b\n>>From c\n", "B: 2\n\nx\n"}},
	} {
		got := splitMbox(tc.in)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("splitMbox(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// TestPartialMailbox: a mailbox caught half written (Postfix appends a
// mail in several writes) is read again until it is whole, not taken
// half written or failed. (A mail cut right after its header looks
// whole: there the lock Postfix holds while it writes tells, see
// TestLockedMailbox.)
func TestPartialMailbox(t *testing.T) {
	for _, partial := range []string{
		wholeMbox[:strings.Index(wholeMbox, "Subject")+3],        // within the header
		wholeMbox[:len(wholeMbox)-4],                             // within the body
		wholeMbox + "From bbs@x84.test  Thu Jan  1 0",            // a second mail begun
		"From bbs@x84.test  Thu Jan  1 0\nnot a header line\n\n", // the first lines, garbled
	} {
		s := &Server{mailbox: filepath.Join(t.TempDir(), "mailbox")}
		writeFile(t, s.mailbox, partial)
		if msgs, err := s.read(); err == nil {
			t.Errorf("read(%q) = %+v; want an error", partial, msgs)
		}
		// Postfix ends the mail once Wait has had to read again.
		s.onRetry = func() { writeFile(t, s.mailbox, wholeMbox) }
		checkWhole(t, s, s.Wait(t, "alice@x84.test", 1))
		writeFile(t, s.mailbox, partial)
		if msgs := s.Messages(t); len(msgs) != 1 {
			t.Errorf("Messages after %q: %d mails; want 1", partial, len(msgs))
		} else {
			checkWhole(t, s, msgs[0])
		}
	}
}

// TestLockedMailbox: while another process holds an fcntl write lock on
// the mailbox, as Postfix's delivery agent does while it writes a mail,
// the mailbox is read again, even if it looks whole.
func TestLockedMailbox(t *testing.T) {
	s := &Server{mailbox: filepath.Join(t.TempDir(), "mailbox")}
	writeFile(t, s.mailbox, wholeMbox[:strings.Index(wholeMbox, "\n\n")+2])
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "SMTPTEST_LOCK="+s.mailbox)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("the helper process says %q, %v; want locked", line, err)
	}
	if msgs, err := s.read(); !errors.Is(err, errWriting) {
		t.Fatalf("read of a locked mailbox = %+v, %v; want errWriting", msgs, err)
	}
	// The agent ends the mail and lets the mailbox go once Wait has had
	// to read again.
	s.onRetry = func() {
		if stdin == nil {
			return
		}
		writeFile(t, s.mailbox, wholeMbox)
		stdin.Close()
		stdin = nil
		cmd.Wait()
	}
	checkWhole(t, s, s.Wait(t, "alice@x84.test", 1))
}

// TestLockHelper is the other process of TestLockedMailbox: it holds a
// write lock on the file SMTPTEST_LOCK names until its input ends.
func TestLockHelper(t *testing.T) {
	path := os.Getenv("SMTPTEST_LOCK")
	if path == "" {
		t.Skip("the helper process of TestLockedMailbox")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lock := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLKW, &lock); err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
}

// wholeMbox is a mailbox with one mail, as Postfix's virtual agent
// writes it.
const wholeMbox = "From bbs@x84.test  Thu Jan  1 00:00:00 2026\nX-Original-To: alice@x84.test\nSubject: code\n\nYour code is abcd.\n\n"

func checkWhole(t *testing.T, s *Server, m Message) {
	t.Helper()
	if m.Subject != "code" || m.Body != "Your code is abcd.\n" {
		t.Errorf("mail read: subject %q, body %q; want the whole mail", m.Subject, m.Body)
	}
}
