package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// authMechanisms are the SMTP AUTH mechanisms tried, strongest first.
// PLAIN and LOGIN refuse by themselves to send the password in clear,
// but to a loopback host.
var authMechanisms = []gomail.SMTPAuthType{
	gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
	gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1,
	gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin,
}

// client makes the go-mail client the worker uses for every mail. It
// dials through s.dial, so that Shutdown can break a connection in
// progress.
func (s *Sender) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(s.tls),
		gomail.WithDialContextFunc(s.dial),
	}
	switch s.cfg.TLS {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLS:
		// s.dial speaks TLS; SSL mode keeps go-mail from asking for
		// STARTTLS on top.
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.User != "" {
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(authMechanisms...),
			gomail.WithUsername(s.cfg.User), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return c, nil
}

// dial connects to the server, in TLS from the start in TLS mode, and
// holds the connection so that Shutdown can break it.
func (s *Sender) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	s.conn.set(c)
	// A cancel that came before set found no connection to break.
	if err := ctx.Err(); err != nil {
		c.Close()
		return nil, err
	}
	if s.cfg.TLS != TLS {
		return c, nil
	}
	tc := tls.Client(c, s.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return tc, nil
}

// work delivers the queued mails until the queue is closed and empty;
// once s.ctx ends, it drops what is left.
func (s *Sender) work(client *gomail.Client) {
	defer close(s.done)
	for m := range s.queue {
		if s.ctx.Err() != nil {
			s.drop("mail dropped: the board is shutting down")
			continue
		}
		s.deliver(client, m)
	}
}

// deliver sends one mail on a connection of its own and logs how it went.
func (s *Sender) deliver(client *gomail.Client, m message) {
	start := time.Now()
	msg, err := s.message(m)
	if err == nil {
		ctx, cancel := context.WithTimeout(s.ctx, s.cfg.Timeout)
		stop := context.AfterFunc(ctx, s.conn.close)
		err = client.DialAndSendWithContext(ctx, msg)
		stop()
		cancel()
		s.conn.set(nil)
	}
	if err != nil {
		// go-mail's errors hold the server's replies, not what was sent.
		s.log.Warn("mail not sent", "to", m.to, "subject", m.subject, "err", err, "dur", time.Since(start))
		return
	}
	s.log.Info("mail sent", "to", m.to, "subject", m.subject, "dur", time.Since(start))
}

// message builds a plain-text mail.
func (s *Sender) message(m message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.from); err != nil {
		return nil, err
	}
	if err := msg.To(m.to); err != nil {
		return nil, err
	}
	msg.Subject(m.subject)
	msg.SetDate()
	msg.SetMessageID()
	// RFC 3834: no vacation replies to a machine's mail.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.body)
	return msg, nil
}

// connHolder holds the worker's connection in progress.
type connHolder struct {
	mu sync.Mutex
	c  net.Conn
}

func (h *connHolder) set(c net.Conn) {
	h.mu.Lock()
	h.c = c
	h.mu.Unlock()
}

// close breaks the connection in progress, if any: the delivery's
// context ended (timeout or Shutdown).
func (h *connHolder) close() {
	h.mu.Lock()
	c := h.c
	h.mu.Unlock()
	if c != nil {
		c.Close()
	}
}
