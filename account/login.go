package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Login checks a handle and password from the address remote (invalid
// for a caller not on IP). It returns the account, or ErrLoginFailed,
// ErrBanned, ErrLocked, ctx's error, or a store error.
//
// An unknown handle costs the same hashing as a wrong password and gets
// the same answer after the same pause; the failure counts toward the
// caller's ban, even when the caller goes away during the pause. A caller banned meanwhile (a second connection's
// failures) is refused without a try. A right password for a locked
// account is ErrLocked, without a pause and without a strike. A stored
// hash with old parameters is replaced after a success.
func (s *Service) Login(ctx context.Context, handle, password string, remote netip.Addr) (*store.User, error) {
	if s.cfg.Bans != nil && s.cfg.Bans.Check(remote) != nil {
		return nil, ErrBanned
	}
	u, err := s.cfg.Users.User(ctx, handle)
	hash := s.dummy
	switch {
	case err == nil:
		hash = u.Password
	case !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("account: login: %w", err)
	}
	ok, rehash, verr := s.cfg.Passwords.Verify(ctx, hash, password)
	if verr != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.log.Error("checking a password", "user", term.Sanitize(handle), "err", verr)
	}
	ok = ok && err == nil && verr == nil
	switch {
	case ok && u.InGroup(store.GroupLocked):
		s.decided(false)
		return nil, ErrLocked
	case ok:
		s.decided(true)
		if rehash {
			if fresh, err := store.Rehash(ctx, s.cfg.Users, u, password, s.cfg.Passwords.Hash); err != nil {
				s.log.Error("storing a rehashed password", "user", u.Handle, "err", err)
			} else {
				u = fresh
			}
		}
		return u, nil
	}
	s.decided(false)
	return nil, s.failed(ctx, remote)
}

// failed counts a failed login toward remote's ban, then pauses. The
// strike comes first and is recorded even if ctx ends: a caller who hangs
// up as soon as no welcome comes must not guess for free.
func (s *Service) failed(ctx context.Context, remote netip.Addr) error {
	banned := s.strike(context.WithoutCancel(ctx), remote)
	if err := sleep(ctx, s.cfg.FailDelay); err != nil {
		return err
	}
	if banned {
		return ErrBanned
	}
	return ErrLoginFailed
}

// strike records a failed login from remote and reports whether it is
// banned now.
func (s *Service) strike(ctx context.Context, remote netip.Addr) bool {
	if s.cfg.Bans == nil || !remote.IsValid() {
		return false
	}
	banned, err := s.cfg.Bans.Failed(ctx, remote)
	if err != nil {
		s.log.Error("recording a failed login", "remote", remote.String(), "err", err)
	}
	if banned {
		s.log.Info("address banned after failed logins", "remote", remote.String())
		if s.cfg.OnBan != nil {
			s.cfg.OnBan()
		}
	}
	return banned
}

func (s *Service) decided(ok bool) {
	if s.cfg.OnLogin != nil {
		s.cfg.OnLogin(ok)
	}
}

// KeyRegistered reports whether the user with the handle registered the
// ssh key with the fingerprint (ssh.FingerprintSHA256). It decides
// nothing: the caller has yet to prove that it holds the key.
func (s *Service) KeyRegistered(ctx context.Context, handle, fingerprint string) (bool, error) {
	if s.cfg.Keys == nil {
		return false, nil
	}
	keys, err := s.cfg.Keys.Keys(ctx, handle)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(keys, func(k store.PublicKey) bool { return k.Fingerprint == fingerprint }), nil
}

// LoginKey logs in the user with the handle once the protocol has seen
// the caller prove that it holds the ssh key with the fingerprint. It
// returns the account, ErrLoginFailed if the key is not the user's (any
// more), or ErrLocked.
func (s *Service) LoginKey(ctx context.Context, handle, fingerprint string) (*store.User, error) {
	ok, err := s.KeyRegistered(ctx, handle, fingerprint)
	if err != nil {
		return nil, fmt.Errorf("account: key login: %w", err)
	}
	if !ok {
		return nil, ErrLoginFailed
	}
	u, err := s.Current(ctx, handle)
	switch {
	case errors.Is(err, ErrLocked):
		s.decided(false)
		return nil, ErrLocked
	case errors.Is(err, store.ErrNotFound):
		return nil, ErrLoginFailed
	case err != nil:
		return nil, fmt.Errorf("account: key login: %w", err)
	}
	s.decided(true)
	return u, nil
}

// Intent is what a name typed at a login prompt (or given to ssh or
// rlogin as the user name) asks for.
type Intent int

// Intents.
const (
	// IntentLogin: a handle; a password follows.
	IntentLogin Intent = iota
	// IntentApply: "new" or "apply": the new-user application.
	IntentApply
	// IntentLeave: "bye", "logoff", "quit"…: the caller changed their mind.
	IntentLeave
	// IntentGuest: "anonymous" or "guest", where anonymous callers are
	// allowed: in without an account.
	IntentGuest
)

// Words callers may type instead of a handle.
var (
	applyWords = []string{"new", "apply"}
	leaveWords = []string{"bye", "logoff", "logout", "quit", "exit", "g"}
	guestWords = []string{"anonymous", "guest"}
)

// Intent says what a name asks for. The words are compared without
// regard to case and surrounding spaces.
func (s *Service) Intent(name string) Intent {
	w := strings.ToLower(strings.TrimSpace(name))
	switch {
	case slices.Contains(applyWords, w):
		return IntentApply
	case slices.Contains(leaveWords, w):
		return IntentLeave
	case s.cfg.AllowAnonymous && slices.Contains(guestWords, w):
		return IntentGuest
	}
	return IntentLogin
}

// Guest returns the account of an anonymous caller: not stored, ID 0.
func Guest() *store.User {
	return &store.User{Handle: "anonymous", Encoding: store.EncodingAuto}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Verify checks the password of the user with the handle, for a caller
// already logged in who confirms who they are (before changing their
// password): nil, or ErrWrongPassword after the failure pause.
func (s *Service) Verify(ctx context.Context, handle, password string) error {
	u, err := s.User(ctx, handle)
	if err != nil {
		return err
	}
	if ok, _, err := s.cfg.Passwords.Verify(ctx, u.Password, password); err == nil && ok {
		return nil
	}
	if err := sleep(ctx, s.cfg.FailDelay); err != nil {
		return err
	}
	return ErrWrongPassword
}
