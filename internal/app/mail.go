package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/internal/mail"
)

// MailPasswordEnv names the environment variable that, when set, takes
// the place of [mail] password: a secret kept out of the file.
const MailPasswordEnv = "X84_MAIL_PASSWORD"

// mailParts is the board's mail, when [mail] has a host: the sender of
// the password reset codes, and how long it may go on at shutdown.
type mailParts struct {
	sender *mail.Sender // nil without mail
	grace  time.Duration
}

// openMail starts the mail sender that [mail] describes, if any.
func (p *Parts) openMail(cfg config.Config) error {
	m := cfg.Mail
	if !m.Enabled() {
		return nil
	}
	password := m.Password
	if env := os.Getenv(MailPasswordEnv); env != "" {
		// Checked as the file's password is; never quoted back.
		if strings.ContainsFunc(env, unicode.IsControl) {
			return fmt.Errorf("x84: %s must not contain control characters", MailPasswordEnv)
		}
		password = env
	}
	s, err := mail.New(mail.Config{
		Host: m.Host, Port: m.Port, TLS: m.TLS, User: m.User, Password: password, From: m.From,
		Timeout: m.Timeout.D(), Queue: m.Queue, Logger: p.Log,
	})
	if err != nil {
		return fmt.Errorf("x84: %w", err)
	}
	p.mail = mailParts{sender: s, grace: cfg.Server.ShutdownGrace.D()}
	p.Log.Info("password reset by e-mail offered", "smtp", m.Host, "tls", m.TLS)
	return nil
}

// resetConfig is the account service's password reset by e-mail: none
// without mail.
func (p *Parts) resetConfig(cfg config.Config) account.ResetConfig {
	if p.mail.sender == nil {
		return account.ResetConfig{} // no Mailer, not a nil *mail.Sender in one
	}
	m := cfg.Mail
	interval := m.ResetInterval.D()
	if interval == 0 {
		interval = -1 // the file's "0" is none; the service's zero is its default
	}
	return account.ResetConfig{
		Mailer: p.mail.sender, Board: cfg.Board.Name,
		Lifetime: m.ResetLifetime.D(), Interval: interval,
		PerAddress: m.ResetPerAddress, Window: m.ResetWindow.D(),
		PerNetwork: m.ResetPerNetwork, MailsPerHour: m.ResetMailsPerHour,
		Queue: m.Queue,
	}
}

// closeMail stops the reset worker, then the sender, which may deliver
// what is queued within the shutdown grace.
func (p *Parts) closeMail() error {
	if p.mail.sender == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.mail.grace)
	defer cancel()
	if p.Accounts != nil {
		if err := p.Accounts.Shutdown(ctx); err != nil {
			p.Log.Warn("password reset requests dropped at shutdown")
		}
	}
	if err := p.mail.sender.Shutdown(ctx); err != nil {
		p.Log.Warn("mail dropped at shutdown: the SMTP server took longer than the shutdown grace", "grace", p.mail.grace)
	}
	return nil
}
