package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"golang.org/x/time/rate"

	"github.com/x84bbs/x84/internal/config"
)

// The TLS modes of Config.TLS.
const (
	// StartTLS turns the connection to TLS before anything is sent, and
	// refuses a server that does not offer it (the default).
	StartTLS = "starttls"
	// TLS speaks TLS from the start (port 465).
	TLS = "tls"
	// NoTLS sends in clear: only to a loopback host.
	NoTLS = "none"
)

// Config configures a Sender. Host and From are required.
type Config struct {
	// Host is the SMTP server's host name or IP address.
	Host string
	// Port is its port; 0 means 587 for StartTLS, 465 for TLS and 25 for
	// NoTLS.
	Port int
	// TLS is StartTLS, TLS or NoTLS; "" means StartTLS.
	TLS string
	// User and Password, if User is set, log in to the server.
	User, Password string
	// From is the sender: "bbs@example.org" or "x84 <bbs@example.org>".
	From string
	// Timeout bounds one mail's delivery. Default 30 s.
	Timeout time.Duration
	// Queue is how many mails may wait to be sent. Default 100.
	Queue int
	// TLSConfig, if non-nil, checks the server's certificate instead of
	// the system's roots (a private CA; tests). Its ServerName defaults
	// to Host.
	TLSConfig *tls.Config
	// Logger receives the Sender's log. Default: none.
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultTimeout = 30 * time.Second
	DefaultQueue   = 100
)

// Errors of Send.
var (
	// ErrQueueFull means the mail was dropped: too many are waiting.
	ErrQueueFull = errors.New("mail: queue full; mail dropped")
	// ErrClosed means the Sender was shut down.
	ErrClosed = errors.New("mail: sender shut down")
)

// Sender delivers mail from a queue. Build one with New; stop it with
// Shutdown.
type Sender struct {
	cfg  Config
	log  *slog.Logger
	tls  *tls.Config
	from string

	// mu guards closed and sends to queue, so that Shutdown closes the
	// queue after the last Send.
	mu     sync.Mutex
	closed bool
	queue  chan message

	// ctx ends the deliveries: cancelled when Shutdown's context ends.
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker ends

	conn    connHolder // the worker's connection in progress
	dropped atomic.Int64
	dropLog rate.Sometimes
}

// message is one mail in the queue.
type message struct{ to, subject, body string }

// New checks cfg and starts the Sender's worker.
func New(cfg Config) (*Sender, error) {
	if cfg.TLS == "" {
		cfg.TLS = StartTLS
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{StartTLS: 587, TLS: 465, NoTLS: 25}[cfg.TLS]
	}
	switch {
	case cfg.Host == "":
		return nil, errors.New("mail: Config.Host is required")
	case cfg.TLS != StartTLS && cfg.TLS != TLS && cfg.TLS != NoTLS:
		return nil, fmt.Errorf("mail: TLS mode %q is not starttls, tls or none", cfg.TLS)
	case cfg.TLS == NoTLS && !config.LoopbackHost(cfg.Host):
		return nil, fmt.Errorf("mail: TLS mode none sends in clear, so it is allowed only for a loopback host (localhost, 127.0.0.1, ::1), not %q", cfg.Host)
	case cfg.Port < 1 || cfg.Port > 65535:
		return nil, fmt.Errorf("mail: port %d is out of range", cfg.Port)
	case cfg.Password != "" && cfg.User == "":
		return nil, errors.New("mail: a password needs a user")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", cfg.From, err)
	}
	s := &Sender{cfg: cfg, log: cfg.Logger, from: from.String(), queue: make(chan message, cfg.Queue),
		done: make(chan struct{}), dropLog: rate.Sometimes{Interval: time.Minute}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		s.tls = cfg.TLSConfig.Clone()
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = strings.Trim(cfg.Host, "[]")
	}
	client, err := s.client()
	if err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	go s.work(client)
	return s, nil
}

// Send queues a plain-text mail to one address and returns at once:
// ErrQueueFull if it was dropped, ErrClosed after Shutdown, or an error
// for an address or subject that cannot be sent. Whether the server took
// it is only logged.
func (s *Sender) Send(ctx context.Context, to, subject, body string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	addr, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	if strings.ContainsFunc(subject, unicode.IsControl) {
		return errors.New("mail: the subject has control characters")
	}
	if !s.enqueue(message{to: addr.Address, subject: subject, body: body}) {
		if s.isClosed() {
			return ErrClosed
		}
		s.drop("mail queue full: mail dropped")
		return ErrQueueFull
	}
	return nil
}

// enqueue queues m unless the queue is full or closed; it never waits.
func (s *Sender) enqueue(m message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	select {
	case s.queue <- m:
		return true
	default:
		return false
	}
}

func (s *Sender) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// drop counts a dropped mail and logs, at most once a minute, how many
// were dropped since the last line.
func (s *Sender) drop(msg string) {
	s.dropped.Add(1)
	s.dropLog.Do(func() {
		s.log.Warn(msg, "dropped", s.dropped.Swap(0), "queue", s.cfg.Queue)
	})
}

// Shutdown stops taking mail and lets the worker deliver what is queued
// until ctx ends; then it breaks the delivery in progress, drops the
// rest, waits for the worker and returns ctx's error.
func (s *Sender) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	select {
	case <-s.done:
		s.cancel()
		return nil
	case <-ctx.Done():
	}
	s.cancel()
	<-s.done
	return ctx.Err()
}
