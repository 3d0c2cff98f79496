package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pipeTerm is a terminal program (Debian's telnet, OpenSSH's ssh) run on
// pipes rather than on a terminal: the test reads the text of what the
// board draws and types keys, and when a transfer starts it hands the
// program's two streams to an lrzsz program, as a terminal program with
// ZMODEM built in (SyncTERM, qodem) hands them to its own.
type pipeTerm struct {
	t   testing.TB
	in  io.Writer     // the program's stdin
	out chan []byte   // the program's stdout, as it comes
	eof chan struct{} // closed when stdout ends
	raw []byte        // stdout not yet matched by wait
}

// startPipeTerm starts a client program on pipes.
func startPipeTerm(t testing.TB, name string, args ...string) *pipeTerm {
	t.Helper()
	cmd := exec.Command(name, args...)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuf
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := newPipeTerm(t, in, out)
	t.Cleanup(func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s stderr:\n%s", name, stderr.String())
		}
	})
	return p
}

// newPipeTerm reads out in the background until it ends.
func newPipeTerm(t testing.TB, in io.Writer, out io.Reader) *pipeTerm {
	p := &pipeTerm{t: t, in: in, out: make(chan []byte, 64), eof: make(chan struct{})}
	go func() {
		defer close(p.eof)
		for {
			buf := make([]byte, 32<<10)
			n, err := out.Read(buf)
			if n > 0 {
				p.out <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	return p
}

// keys types text.
func (p *pipeTerm) keys(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.in, s); err != nil {
		p.t.Fatalf("typing %q: %v", s, err)
	}
}

// escapes are the control sequences the board draws with.
var escapes = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x1b\x07]*(\x1b\\|\x07)|\x1b[78=>]`)

// text returns raw without control sequences, and for each byte of the
// text the index in raw of the byte after it.
func text(raw []byte) (string, []int) {
	var b strings.Builder
	var ends []int
	last := 0
	emit := func(from, to int) {
		for i := from; i < to; i++ {
			if raw[i] >= ' ' || raw[i] == '\n' || raw[i] >= 0x80 {
				b.WriteByte(raw[i])
				ends = append(ends, i+1)
			}
		}
	}
	for _, m := range escapes.FindAllIndex(raw, -1) {
		emit(last, m[0])
		last = m[1]
	}
	emit(last, len(raw))
	return b.String(), ends
}

// wait waits until the text drawn since the last match holds want, and
// returns that text. What came after the match is kept for the next.
func (p *pipeTerm) wait(want string) string {
	p.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		s, ends := text(p.raw)
		if i := strings.Index(s, want); i >= 0 {
			p.raw = p.raw[ends[i+len(want)-1]:]
			return s[:i+len(want)]
		}
		select {
		case b := <-p.out:
			p.raw = append(p.raw, b...)
		case <-p.eof:
			p.t.Fatalf("the connection ended waiting for %q; the screen had:\n%s", want, s)
		case <-timeout:
			p.t.Fatalf("never saw %q; the screen had:\n%s", want, s[max(0, len(s)-2000):])
		}
	}
}

// bridge runs an lrzsz program in dir with the client's streams as its
// own until it exits, and returns what it said on standard error and
// its status. abortAfter, when positive, interrupts it once that
// many bytes have passed from the board to it.
func (p *pipeTerm) bridge(dir string, abortAfter int, args ...string) (string, error) {
	p.t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	cmd.Stdout = p.in
	if os.Getenv("X84_BRIDGE_DEBUG") != "" {
		cmd.Stdout = io.MultiWriter(p.in, dbgWriter{p.t, args[0] + "->"})
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// What the board drew before the transfer is the screen's, as it is
	// in a terminal program: a ZMODEM receiver starts at the sender's
	// first header (terminals watch for it), and XMODEM and YMODEM, which
	// the caller starts by hand, take only what follows the last line
	// (the board's first 'C' or NAK).
	pending := p.raw
	if os.Getenv("X84_BRIDGE_DEBUG") != "" {
		p.t.Logf("raw at start %q", pending)
	}
	if i := bytes.Index(pending, []byte("**\x18B")); i >= 0 {
		pending = pending[i:]
	} else if i := bytes.LastIndexByte(pending, '\n'); i >= 0 {
		pending = pending[i+1:]
	}
	p.raw = nil
	passed := 0
	timeout := time.After(60 * time.Second)
	for {
		if len(pending) > 0 {
			n, err := stdin.Write(pending)
			passed += n
			pending = pending[n:]
			if err != nil {
				// It has exited: what it did not take is the board's.
				p.raw = append(p.raw, pending...)
				pending = nil
			}
			if abortAfter > 0 && passed >= abortAfter {
				abortAfter = 0
				cmd.Process.Signal(syscall.SIGINT)
			}
			continue
		}
		select {
		case b := <-p.out:
			pending = b
			if os.Getenv("X84_BRIDGE_DEBUG") != "" {
				p.t.Logf("->%s %q", args[0], b[:min(len(b), 100)])
			}
		case err := <-done:
			stdin.Close()
			return stderr.String(), err
		case <-timeout:
			cmd.Process.Kill()
			p.t.Fatalf("%v did not finish; it said:\n%s", args, stderr.String())
		}
	}
}

// dbgWriter logs what a bridged program writes, with X84_BRIDGE_DEBUG=1:
// how a transfer that hangs was found to meet ssh's escape character.
type dbgWriter struct {
	t   testing.TB
	tag string
}

func (d dbgWriter) Write(b []byte) (int, error) {
	d.t.Logf("%s %q", d.tag, b[:min(len(b), 100)])
	return len(b), nil
}
