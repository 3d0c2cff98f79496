package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Mailer sends the account service's mail: password reset codes.
// internal/mail's Sender is one. Send must return at once (queue the
// mail); whether it was delivered is the Mailer's to log.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// ResetConfig configures password reset by e-mail. Without a Mailer there
// is none: RequestReset and ResetPassword return ErrNoReset, and "forgot"
// is a handle like any other.
type ResetConfig struct {
	Mailer Mailer
	// Board names the board in the mail. Default "x84".
	Board string
	// Lifetime is how long a code works. Default 15 minutes.
	Lifetime time.Duration
	// Interval is the least time between two mails to one account.
	// Default 10 minutes; negative means none: then every request that
	// passes the other limits mails a new code, which replaces the
	// account's pending one.
	Interval time.Duration
	// PerAddress is how many requests one caller (an IPv4 address or an
	// IPv6 /64) may make within Window; more are answered the same and
	// send nothing. Defaults 5 and an hour.
	PerAddress int
	Window     time.Duration
	// PerNetwork is how many requests the callers of one network (an
	// IPv4 /24 or an IPv6 /48) may make together within Window, counted
	// once a request passes its caller's PerAddress. Default 20.
	PerNetwork int
	// MailsPerHour bounds the reset mails of the whole board (a token
	// bucket that holds an hour's worth); past it, requests send
	// nothing and the log says so, at most once a minute. Default 100.
	MailsPerHour int
	// Queue is how many requests may wait for the worker that looks the
	// accounts up; more are dropped, and logged. Default 100.
	Queue int
}

// Defaults of ResetConfig.
const (
	DefaultResetLifetime     = 15 * time.Minute
	DefaultResetInterval     = 10 * time.Minute
	DefaultResetPerAddress   = 5
	DefaultResetWindow       = time.Hour
	DefaultResetQueue        = 100
	DefaultResetPerNetwork   = 20
	DefaultResetMailsPerHour = 100
)

var (
	// ErrNoReset means the board offers no password reset by e-mail: it
	// has no mail configured.
	ErrNoReset = errors.New("account: password reset by e-mail is not offered")
	// ErrResetCode means a reset code is not the one mailed to the
	// account (or there is no such account), was used, or expired; the
	// caller is not told which.
	ErrResetCode = errors.New("account: that code is wrong, used or expired")
)

// ResetOffered reports whether the board offers password reset by
// e-mail.
func (s *Service) ResetOffered() bool { return s.reset != nil }

// RequestReset asks for a reset code to be mailed to the account with
// the handle, for a caller at the address remote. Its answer is nil
// whether or not the account exists, has an e-mail address, was mailed a
// code recently or the caller asked too often, and it takes the same
// time in every case: it only counts the request against the caller's
// limit and queues it. A worker then looks the account up and mails the
// code. It returns ErrNoReset when the board has no mail, or ctx's error.
func (s *Service) RequestReset(ctx context.Context, handle string, remote netip.Addr) error {
	if s.reset == nil {
		return ErrNoReset
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.reset.request(handle, remote)
	return nil
}

// ResetPassword sets a new password for the account with the handle, for
// a caller at remote who gives the code mailed by RequestReset. The new
// password is checked against the rules first (an *InvalidError, and the
// code stays good). A code that is wrong, used or expired, or an unknown
// handle or a locked account, is ErrResetCode after the failure pause,
// and counts as a failed login toward the caller's ban (ErrBanned when it
// bans) and for OnLogin. The code works once: two callers racing with it
// cannot both succeed. Codes are compared in constant time.
func (s *Service) ResetPassword(ctx context.Context, handle, token, password string, remote netip.Addr) error {
	if s.reset == nil {
		return ErrNoReset
	}
	if err := s.CheckPassword(password); err != nil {
		return err
	}
	if s.cfg.Bans != nil && s.cfg.Bans.Check(remote) != nil {
		return ErrBanned
	}
	a, ok := s.begin(remote)
	if !ok {
		return s.notChecked(ctx, remote, ErrResetCode)
	}
	defer a.release() // unless failed
	typed := resetHash(token)
	u, err := s.cfg.Users.User(ctx, handle)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("account: reset: %w", err)
	}
	found := err == nil
	if !found {
		u = &store.User{} // checked all the same, for the same time
	}
	now := s.cfg.Now()
	if !resetGood(u, typed, now) || !found {
		s.log.Info("password reset refused: wrong, used or expired code", "user", term.Sanitize(handle), "remote", remote.String())
		s.decided(false)
		return s.failed(ctx, a, ErrResetCode)
	}
	hash, err := s.cfg.Passwords.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("account: reset: %w", err)
	}
	// The code is checked again and spent in the same write: of two
	// callers racing with it, the second finds it gone.
	_, err = s.cfg.Users.ModifyUser(ctx, u.ID, func(cur *store.User) error {
		if !resetGood(cur, typed, now) {
			return ErrResetCode
		}
		cur.Password = hash
		cur.Reset.Hash, cur.Reset.Expires = "", time.Time{}
		return nil
	})
	if errors.Is(err, ErrResetCode) {
		s.log.Info("password reset refused: the code was used meanwhile", "user", u.Handle, "remote", remote.String())
		s.decided(false)
		return s.failed(ctx, a, ErrResetCode)
	}
	if err != nil {
		return fmt.Errorf("account: reset: %w", err)
	}
	s.log.Info("password reset", "user", u.Handle, "remote", remote.String())
	return nil
}

// resetGood reports whether typed is the hash of u's pending code, still
// good at now, and u may log in. The hashes are compared in constant
// time, against a dummy when u has no code, so that no account takes
// less time than another.
func resetGood(u *store.User, typed string, now time.Time) bool {
	stored := u.Reset.Hash
	if len(stored) != len(typed) {
		stored = noResetHash
	}
	same := subtle.ConstantTimeCompare([]byte(stored), []byte(typed)) == 1
	return same && u.Reset.Hash != "" && now.Before(u.Reset.Expires) && !u.InGroup(store.GroupLocked)
}

// noResetHash stands in for the hash of an account with no code pending:
// no code hashes to it.
var noResetHash = strings.Repeat("-", sha256.Size*2)

// newResetCode makes a code: 140 random bits as 28 base32 letters and
// digits, in groups of four ("abcd-efgh-…"), for the mail; and its hash,
// for the store.
func newResetCode() (code, hash string) {
	plain := strings.ToLower(rand.Text() + rand.Text())[:28]
	var b strings.Builder
	for i := 0; i < len(plain); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(plain[i : i+4])
	}
	return b.String(), resetHash(plain)
}

// resetHash is how a code is stored: the SHA-256 of its letters in lower
// case without spaces or dashes, in hex. A code has 140 random bits, so a
// fast hash without salt is enough: there is no dictionary to try.
func resetHash(code string) string {
	norm := strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, code)
	h := sha256.Sum256([]byte("x84 password reset:" + norm))
	return hex.EncodeToString(h[:])
}

// resetMail is the mail that carries a code.
func resetMail(board, handle, code string, remote netip.Addr, expires time.Time, lifetime time.Duration) (subject, body string) {
	from := "an unknown address"
	if remote.IsValid() {
		from = remote.String()
	}
	subject = "Password reset for " + board
	body = fmt.Sprintf(`Someone, perhaps you, asked to reset the password of the account
%s on %s, from %s.

Your code is:

    %s

At the login screen, type "forgot", choose "I have a code", and give
your handle and this code. It works once, until %s
(%s from when it was sent).

If you did not ask for this, ignore this mail: your password stays as
it is.
`, handle, board, from, code, expires.UTC().Format("15:04 MST, 2 January 2006"), spelledDuration(lifetime))
	return subject, body
}

// spelledDuration writes d for people: "15 minutes", "1 hour 30
// minutes", rather than "15m0s".
func spelledDuration(d time.Duration) string {
	d = d.Round(time.Second)
	var parts []string
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		n := d / u.unit
		d -= n * u.unit
		switch {
		case n == 1:
			parts = append(parts, "1 "+u.name)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", n, u.name))
		}
	}
	if len(parts) == 0 {
		return "0 seconds"
	}
	return strings.Join(parts, " ")
}
