package sshd

import (
	"errors"
	"maps"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/term"
)

// What a session channel asked to start.
type startKind uint8

const (
	startShell startKind = iota + 1
	startExec
	startSubsystem
)

type startReq struct {
	kind startKind
}

// Limits on what a client may send in channel requests.
const (
	maxEnv     = 16
	maxEnvSize = 256
)

// chanState is what the requests of one session channel have set up. It
// is written by serve and read by the connection's goroutine.
type chanState struct {
	mu      sync.Mutex
	pty     bool
	term    string
	size    term.Size
	env     map[string]string
	started bool

	resized  chan term.Size
	start    chan startReq
	finished chan struct{} // closed when the channel's requests end
}

func newChanState() *chanState {
	return &chanState{resized: make(chan term.Size, 1), start: make(chan startReq, 1), finished: make(chan struct{})}
}

func (s *chanState) hasPty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pty
}

// serve is the one goroutine a connection has besides x/crypto/ssh's and
// the session's: it answers the session channel's requests, refuses the
// connection's global requests (keepalives) and any further channel (one
// session per connection), until the connection closes.
//
// A shell, exec or subsystem request is answered before the connection's
// goroutine hears of it: what it does next (a line, an exit status, the
// channel closed) must not reach the client ahead of the answer, or the
// client takes the closed channel for a refused request.
func (s *chanState) serve(p *Protocol, who caller, creqs, reqs <-chan *ssh.Request, chans <-chan ssh.NewChannel) {
	for creqs != nil || reqs != nil || chans != nil {
		select {
		case req, ok := <-creqs:
			if !ok {
				creqs = nil
				close(s.finished)
				continue
			}
			ok, start := s.handle(req, p, who)
			if req.WantReply {
				req.Reply(ok, nil)
			}
			if start != 0 {
				s.start <- startReq{kind: start}
			}
		case req, ok := <-reqs:
			if !ok {
				reqs = nil
			} else if req.WantReply {
				req.Reply(false, nil)
			}
		case nc, ok := <-chans:
			if !ok {
				chans = nil
			} else {
				nc.Reject(ssh.Prohibited, "x84 serves one session per connection")
			}
		}
	}
}

// handle applies one request, and returns whether it was accepted and
// what it starts, if anything.
func (s *chanState) handle(req *ssh.Request, p *Protocol, who caller) (bool, startKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.Type {
	case "pty-req":
		var m struct {
			Term             string
			Cols, Rows, W, H uint32
			Modes            string
		}
		if s.started || ssh.Unmarshal(req.Payload, &m) != nil {
			return false, 0
		}
		s.pty, s.term = true, sanitizeTerm(m.Term)
		s.size = sizeOf(m.Cols, m.Rows)
		return true, 0
	case "env":
		var m struct{ Name, Value string }
		if ssh.Unmarshal(req.Payload, &m) != nil || len(m.Name)+len(m.Value) > maxEnvSize {
			return false, 0
		}
		if s.env == nil {
			s.env = make(map[string]string)
		}
		if _, ok := s.env[m.Name]; !ok && len(s.env) >= maxEnv {
			return false, 0
		}
		s.env[m.Name] = m.Value
		return true, 0
	case "window-change":
		var m struct{ Cols, Rows, W, H uint32 }
		if ssh.Unmarshal(req.Payload, &m) != nil {
			return false, 0
		}
		sz := sizeOf(m.Cols, m.Rows)
		s.size = sz
		if s.started {
			term.SendSize(s.resized, sz) // serveRequests is the only sender
		}
		return true, 0
	case "shell", "exec":
		if s.started {
			return false, 0
		}
		s.started = true
		if req.Type == "exec" {
			return true, startExec
		}
		return true, startShell
	case "subsystem":
		var m struct{ Name string }
		if s.started || ssh.Unmarshal(req.Payload, &m) != nil || m.Name != "sftp" ||
			p.cfg.Files == nil || who.handle == "" {
			return false, 0
		}
		s.started = true
		return true, startSubsystem
	}
	return false, 0
}

func sizeOf(cols, rows uint32) term.Size {
	if cols == 0 || rows == 0 || cols > 10000 || rows > 10000 {
		return term.Size{}
	}
	return term.Size{Cols: int(cols), Rows: int(rows)}
}

// sanitizeTerm keeps a terminal type to printable ASCII, lower case.
func sanitizeTerm(t string) string {
	b := make([]byte, 0, min(len(t), 64))
	for i := 0; i < len(t) && len(b) < 64; i++ {
		if c := t[i]; c > ' ' && c < 0x7f {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
	}
	return string(b)
}

// conn is an ssh session channel seen as a terminal.
type conn struct {
	sconn   *ssh.ServerConn
	ch      ssh.Channel
	info    term.Info
	resized <-chan term.Size
	timeout time.Duration

	wmu    sync.Mutex
	prevCR bool
	// transparent: SetTransparent's mode, newlines sent as they are.
	transparent bool
	werr        error
	closed      sync.Once
}

func newConn(sconn *ssh.ServerConn, ch ssh.Channel, s *chanState, who caller, timeout time.Duration) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := term.Info{
		Kind:       term.KindSSH,
		RemoteAddr: sconn.RemoteAddr(),
		Term:       s.term,
		Size:       s.size,
		Env:        maps.Clone(s.env), // env requests may still come: the session's copy is its own
		User:       who.name(),
	}
	info.UserVerified = who.handle != ""
	if info.Term == "" {
		info.Term = term.UnknownTerm
	}
	if info.Size == (term.Size{}) {
		info.Size = term.DefaultSize
	}
	info.Encoding = chooseEncoding(info.Term, s.env)
	return &conn{sconn: sconn, ch: ch, info: info, resized: s.resized, timeout: timeout}
}

// chooseEncoding: ssh clients are 8-bit clean, so UTF-8, unless the
// locale names another character set or the terminal is an ANSI-BBS one.
func chooseEncoding(termType string, env map[string]string) term.Encoding {
	if term.IsBBSTerm(termType) {
		return term.CP437
	}
	locale := env["LC_ALL"]
	if locale == "" {
		locale = env["LANG"]
	}
	switch {
	case locale == "", locale == "C", locale == "POSIX", term.EncodingFromLocale(locale) == term.UTF8:
		return term.UTF8
	}
	return term.CP437
}

func (c *conn) Info() term.Info           { return c.info }
func (c *conn) Resized() <-chan term.Size { return c.resized }
func (c *conn) Read(p []byte) (int, error) {
	return c.ch.Read(p)
}

// Write sends p with each newline as CR LF (there is no pty to do it) and
// gives up on a client that stops reading for the write timeout.
func (c *conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return 0, c.werr
	}
	out := p
	if !c.transparent {
		out = c.crlf(p)
	}
	// The channel has no deadline, and a client that stops reading
	// leaves Write waiting for window space: close it after the timeout.
	t := time.AfterFunc(c.timeout, func() { c.ch.Close() })
	_, err := c.ch.Write(out)
	if !t.Stop() && err == nil {
		err = errWriteTimeout
	}
	if err != nil {
		c.werr = err
		return 0, err
	}
	return len(p), nil
}

// SetTransparent stops (or restarts) turning newlines into CR LF, for a
// file transfer: an ssh channel carries every byte as it is.
func (c *conn) SetTransparent(on bool) {
	c.wmu.Lock()
	c.transparent, c.prevCR = on, false
	c.wmu.Unlock()
}

// crlf returns p with each newline as CR LF. Called with wmu held.
func (c *conn) crlf(p []byte) []byte {
	out := make([]byte, 0, len(p)+len(p)/16)
	for _, b := range p {
		if b == '\n' && !c.prevCR {
			out = append(out, '\r')
		}
		out = append(out, b)
		c.prevCR = b == '\r'
	}
	return out
}

var errWriteTimeout = errors.New("sshd: the caller stopped reading")

// Close reports exit status 0 and hangs up.
func (c *conn) Close() error {
	c.closed.Do(func() { hangUp(c.sconn, c.ch, 0) })
	return nil
}
