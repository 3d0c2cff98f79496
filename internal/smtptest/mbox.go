package smtptest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Message is one mail as delivered to the mailbox.
type Message struct {
	// To is the address it was delivered to (the envelope's).
	To string
	// Header holds its header as delivered, Postfix's lines included.
	Header mail.Header
	// Subject is the Subject header, decoded (RFC 2047).
	Subject string
	// Body is the body, its transfer encoding undone, with "\n" line
	// ends.
	Body string
}

// Messages returns every mail delivered so far, oldest first. A mail
// being written to the mailbox is waited for (up to 30 seconds), not
// taken half written.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		msgs, err := s.read()
		if err == nil {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: the mailbox does not read whole within %v: %v", mailWait, err)
		}
		s.retry()
	}
}

// retry pauses before the mailbox is read again.
func (s *Server) retry() {
	if s.onRetry != nil {
		s.onRetry()
	}
	time.Sleep(50 * time.Millisecond)
}

// errWriting means the mailbox is being written: read it again.
var errWriting = errors.New("smtptest: the mailbox is being written")

// read returns the mails in the mailbox, or an error if it is being
// written (Postfix's delivery agent holds an fcntl lock on it meanwhile,
// and a whole mailbox ends with the blank line after its last mail) or
// does not parse.
func (s *Server) read() ([]Message, error) {
	f, err := os.Open(s.mailbox)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close() // releases the lock
	lock := syscall.Flock_t{Type: syscall.F_RDLCK, Whence: io.SeekStart}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lock); err != nil {
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
			return nil, errWriting
		}
		return nil, fmt.Errorf("smtptest: locking the mailbox: %w", err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	text := string(b)
	if text != "" && !strings.HasSuffix(text, "\n\n") {
		return nil, errWriting
	}
	var msgs []Message
	for _, raw := range splitMbox(text) {
		m, err := parse(raw)
		if err != nil {
			return nil, fmt.Errorf("smtptest: a delivered mail does not parse: %w\n%s", err, raw)
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// To returns the mails delivered to the address so far, oldest first.
func (s *Server) To(t testing.TB, addr string) []Message {
	t.Helper()
	return to(s.Messages(t), addr)
}

// Wait waits until n mails have been delivered to the address and
// returns the n-th (from 1). It fails the test if none comes within 30
// seconds: Postfix queues a mail before it delivers it. A mailbox being
// written is read again.
func (s *Server) Wait(t testing.TB, addr string, n int) Message {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		msgs, err := s.read()
		if got := to(msgs, addr); err == nil && len(got) >= n {
			return got[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: no mail number %d to %s within %v (last read: %v); Postfix's log:\n%s", n, addr, mailWait, err, s.Log())
		}
		s.retry()
	}
}

// to returns the mails of msgs delivered to addr.
func to(msgs []Message, addr string) []Message {
	var out []Message
	for _, m := range msgs {
		if strings.EqualFold(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

// splitMbox splits an mbox file into its messages, without their
// "From " lines and the blank line the delivery agent adds after each.
// The agent quotes the messages' own lines that start with "From "
// (">From "); splitMbox unquotes them.
func splitMbox(text string) []string {
	var msgs []string
	var cur *strings.Builder
	end := func() {
		if cur != nil {
			msgs = append(msgs, strings.TrimSuffix(cur.String(), "\n"))
		}
	}
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, "From ") {
			end()
			cur = &strings.Builder{}
			continue
		}
		if cur != nil {
			if strings.HasPrefix(line, ">From ") {
				line = line[1:]
			}
			cur.WriteString(line)
		}
	}
	end()
	return msgs
}

func parse(raw string) (Message, error) {
	mm, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	var body io.Reader = mm.Body
	switch strings.ToLower(mm.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // skips line ends
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return Message{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(mm.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	return Message{
		To:      mm.Header.Get("X-Original-To"),
		Header:  mm.Header,
		Subject: subject,
		Body:    strings.ReplaceAll(string(b), "\r\n", "\n"),
	}, nil
}
