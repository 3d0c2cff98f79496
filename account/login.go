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
// ErrBanned, ctx's error, or a store error.
//
// An unknown handle costs the same hashing as a wrong password and gets
// the same answer after the same pause; the failure counts toward the
// caller's ban, even when the caller goes away during the pause. A
// locked account is answered as a wrong password, whatever the password,
// with the pause and the strike, so that its password can be neither
// guessed nor confirmed. A caller banned meanwhile (a second
// connection's failures) is refused without a try. A caller whose
// logins in flight and failures already reach the ban's limit (many
// connections at once) is not checked either: it gets the answer and the
// pause of a wrong password, and no strike. A stored hash with old
// parameters is replaced after a success.
func (s *Service) Login(ctx context.Context, handle, password string, remote netip.Addr) (*store.User, error) {
	if s.cfg.Bans != nil && s.cfg.Bans.Check(remote) != nil {
		return nil, ErrBanned
	}
	a, ok := s.begin(remote)
	if !ok {
		return nil, s.notChecked(ctx, remote, ErrLoginFailed)
	}
	defer a.release() // unless failed, whatever happens
	u, ok, rehash, err := s.check(ctx, handle, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		s.decided(false)
		return nil, s.failed(ctx, a, ErrLoginFailed)
	}
	a.release()
	if !HasTOTP(u) { // else decided by the code (LoginSecondFactor)
		s.decided(true)
	}
	if rehash {
		if fresh, err := store.Rehash(ctx, s.cfg.Users, u, password, s.cfg.Passwords.Hash); err != nil {
			s.log.Error("storing a rehashed password", "user", u.Handle, "err", err)
		} else {
			u = fresh
		}
	}
	return u, nil
}

// check checks password against the account with the handle, or against
// the dummy hash when there is none. ok is false for an unknown handle, a
// wrong password and a locked account alike. err is ctx's error or the
// store's: nothing was decided.
func (s *Service) check(ctx context.Context, handle, password string) (u *store.User, ok, rehash bool, err error) {
	u, err = s.cfg.Users.User(ctx, handle)
	hash := s.dummy
	switch {
	case err == nil:
		hash = u.Password
	case !errors.Is(err, store.ErrNotFound):
		return nil, false, false, fmt.Errorf("account: login: %w", err)
	}
	found := err == nil
	ok, rehash, verr := s.cfg.Passwords.Verify(ctx, hash, password)
	if verr != nil {
		if ctx.Err() != nil {
			return nil, false, false, ctx.Err()
		}
		s.log.Error("checking a password", "user", term.Sanitize(handle), "err", verr)
	}
	if !ok || !found || verr != nil || u.InGroup(store.GroupLocked) {
		return nil, false, false, nil
	}
	return u, true, rehash, nil
}

// Attempts is what a Bans may add so that the Service counts the password
// checks in flight per caller; auth.Banner has it. Without it,
// connections in parallel can have more passwords checked than the ban
// allows, and OnBan may hear of one ban more than once.
type Attempts interface {
	// Begin reports whether a password of a caller at addr may be
	// checked now: false when addr is banned, or when the caller's
	// checks in flight and recorded failures would pass the ban's limit.
	// A check Begin allows ends with one Release or one Fail.
	Begin(addr netip.Addr) bool
	// Release ends a check that did not fail.
	Release(addr netip.Addr)
	// Fail ends a check that failed, records the failure, and reports
	// whether addr is banned now and whether this failure banned it.
	Fail(ctx context.Context, addr netip.Addr) (banned, newBan bool, err error)
}

// attempt is one password check on behalf of a remote caller, counted
// by the Bans when they are Attempts. It ends once, by release or fail;
// a later release does nothing, so that release may be deferred.
type attempt struct {
	s       *Service
	remote  netip.Addr
	counted bool // Begin allowed it and it has not ended
	// start is when the check began: a failure is answered FailDelay
	// after it, not after the work, so that the answer takes as long
	// for an unknown handle (no account read) as for a known one.
	start time.Time
}

// begin starts a password check for remote; false means it must not be
// made.
func (s *Service) begin(remote netip.Addr) (*attempt, bool) {
	a := &attempt{s: s, remote: remote, start: time.Now()}
	if at, ok := s.cfg.Bans.(Attempts); ok && remote.IsValid() {
		if !at.Begin(remote) {
			return nil, false
		}
		a.counted = true
	}
	return a, true
}

// release ends a check that did not fail.
func (a *attempt) release() {
	if a.counted {
		a.counted = false
		a.s.cfg.Bans.(Attempts).Release(a.remote)
	}
}

// fail ends a check that failed: it records the failure toward the
// caller's ban and reports whether the caller is banned now. OnBan hears
// of a ban once, from the failure that made it.
func (a *attempt) fail(ctx context.Context) bool {
	s, remote := a.s, a.remote
	if s.cfg.Bans == nil || !remote.IsValid() {
		return false
	}
	var banned, newBan bool
	var err error
	if a.counted {
		a.counted = false
		banned, newBan, err = s.cfg.Bans.(Attempts).Fail(ctx, remote)
	} else {
		// Bans that do not count attempts: a ban already in force
		// before this failure is not a new one.
		before := s.cfg.Bans.Check(remote) != nil
		banned, err = s.cfg.Bans.Failed(ctx, remote)
		newBan = banned && !before
	}
	if err != nil {
		s.log.Error("recording a failed login", "remote", remote.String(), "err", err)
	}
	if newBan {
		s.log.Info("address banned after failed logins", "remote", remote.String())
		if s.cfg.OnBan != nil {
			s.cfg.OnBan()
		}
	}
	return banned
}

// failed ends a failed check: it counts the failure toward the caller's
// ban, then pauses until FailDelay after the check began, and returns
// ErrBanned if the caller is banned now, else wrong. The strike comes
// first and is recorded even if ctx ends: a caller who hangs up as soon
// as no welcome comes must not guess for free.
func (s *Service) failed(ctx context.Context, a *attempt, wrong error) error {
	banned := a.fail(context.WithoutCancel(ctx))
	if err := sleep(ctx, time.Until(a.start.Add(s.cfg.FailDelay))); err != nil {
		return err
	}
	if banned {
		return ErrBanned
	}
	return wrong
}

// notChecked answers a check that Begin refused as a failure would be
// answered: after the pause, ErrBanned if the caller is banned by then
// (by the checks that were in flight), else wrong. No password was
// checked, so there is no strike.
func (s *Service) notChecked(ctx context.Context, remote netip.Addr, wrong error) error {
	s.log.Info("password not checked: too many logins at once from the caller", "remote", remote.String())
	if err := sleep(ctx, s.cfg.FailDelay); err != nil {
		return err
	}
	if s.cfg.Bans.Check(remote) != nil {
		return ErrBanned
	}
	return wrong
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
// returns the account, or ErrLoginFailed if the key is not the user's
// (any more) or the account is locked: a locked account is answered as
// an unregistered key.
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
		return nil, ErrLoginFailed
	case errors.Is(err, store.ErrNotFound):
		return nil, ErrLoginFailed
	case err != nil:
		return nil, fmt.Errorf("account: key login: %w", err)
	}
	if !HasTOTP(u) { // else decided by the code (LoginSecondFactor)
		s.decided(true)
	}
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
	// IntentAccessible: "a": the screens as plain lines of text, for a
	// screen reader or a braille display (one letter, shorter than any
	// handle, so that it is quick to type on any terminal).
	IntentAccessible
	// IntentReset: "forgot", where password reset by e-mail is offered
	// (ResetOffered): the caller forgot their password. Front ends that
	// cannot ask for a code (ssh) take the word as a handle.
	IntentReset
)

// Words callers may type instead of a handle.
var (
	applyWords = []string{"new", "apply"}
	leaveWords = []string{"bye", "logoff", "logout", "quit", "exit", "g"}
	guestWords = []string{"anonymous", "guest"}
	plainWords = []string{"a"}
	resetWords = []string{"forgot"}
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
	case slices.Contains(plainWords, w):
		return IntentAccessible
	case s.reset != nil && slices.Contains(resetWords, w):
		return IntentReset
	}
	return IntentLogin
}

// loginWord reports whether name is one of the words of the login
// prompt, whether or not the board's configuration turns it on now
// ("forgot" without mail, "guest" without anonymous callers).
func loginWord(name string) bool {
	w := strings.ToLower(strings.TrimSpace(name))
	for _, words := range [][]string{applyWords, leaveWords, guestWords, plainWords, resetWords} {
		if slices.Contains(words, w) {
			return true
		}
	}
	return false
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
// password): nil, or ErrWrongPassword after the failure pause. It is
// VerifyFrom for a caller with no address, whose failures count toward
// no ban.
func (s *Service) Verify(ctx context.Context, handle, password string) error {
	return s.VerifyFrom(ctx, handle, password, netip.Addr{})
}

// VerifyFrom is Verify for a caller at the address remote: a wrong
// password is a strike toward the caller's ban, as at Login, and a
// caller that is banned, or whose checks in flight and failures reach
// the ban's limit, gets ErrWrongPassword after the pause without a
// check. A locked account's password is wrong, whatever it is. A missing
// account is an error matching store.ErrNotFound.
func (s *Service) VerifyFrom(ctx context.Context, handle, password string, remote netip.Addr) error {
	if _, err := s.User(ctx, handle); err != nil {
		return err
	}
	if s.cfg.Bans != nil && s.cfg.Bans.Check(remote) != nil {
		if err := sleep(ctx, s.cfg.FailDelay); err != nil {
			return err
		}
		return ErrWrongPassword
	}
	a, ok := s.begin(remote)
	if !ok {
		return wrongPassword(s.notChecked(ctx, remote, ErrWrongPassword))
	}
	defer a.release() // unless failed
	_, ok, _, err := s.check(ctx, handle, password)
	switch {
	case err != nil:
		return err
	case ok:
		return nil
	}
	return wrongPassword(s.failed(ctx, a, ErrWrongPassword))
}

// wrongPassword is ErrWrongPassword for a ban: a caller who confirms its
// password is logged in already, and is told of the ban at its next
// call.
func wrongPassword(err error) error {
	if errors.Is(err, ErrBanned) {
		return ErrWrongPassword
	}
	return err
}
