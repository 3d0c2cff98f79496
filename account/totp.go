package account

import (
	"context"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Two-factor login follows RFC 6238 with the parameters every
// authenticator app assumes: HMAC-SHA1, 6 digits, 30-second steps. A code
// of the step before or after the current one is accepted too, for
// clocks that differ a little and for a code typed as it changes.
const (
	totpPeriod = 30
	totpSkew   = 1
	totpDigits = 6
	// totpSecretBytes is the size of a new secret: 160 bits, as RFC 4226
	// recommends (it requires at least 128, which is what a secret given
	// back to EnableTOTP must have).
	totpSecretBytes = 20
	totpSecretMin   = 16
	// maxCodeInput bounds what is read of a code typed or sent: longer
	// is no code.
	maxCodeInput = 64
)

var totpOptions = totp.ValidateOpts{Period: totpPeriod, Skew: totpSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Errors of two-factor login; match them with errors.Is.
var (
	// ErrWrongCode means a code given to turn two-factor login on or
	// off is not right (or was used already).
	ErrWrongCode = errors.New("account: that code is not right")
	// ErrTOTPOn means the account has two-factor login already: turn it
	// off first.
	ErrTOTPOn = errors.New("account: two-factor login is on already")
	// ErrTOTPOff means the account has no two-factor login to remove. It
	// matches store.ErrNotFound too.
	ErrTOTPOff = errors.New("account: two-factor login is not on")
)

// totpOffError names the account with no second factor; it matches
// ErrTOTPOff and store.ErrNotFound.
type totpOffError string

func (e totpOffError) Error() string { return string(e) + " has no two-factor login" }
func (e totpOffError) Is(target error) bool {
	return target == ErrTOTPOff || target == store.ErrNotFound
}

// HasTOTP reports whether the account logs in with a second factor: a
// code from an authenticator app (or a recovery code) after the password
// or ssh key.
func HasTOTP(u *store.User) bool { return u != nil && u.TOTP.Secret != "" }

// TOTPEnrolment is a second factor being set up: a fresh secret, not
// saved until the user proves with a code that their app has it
// (EnableTOTP). Both fields are secrets: show them to the user only.
type TOTPEnrolment struct {
	// Secret is the shared key in base32 (RFC 4648, upper case, no
	// padding), for typing into an app.
	Secret string
	// URL is the otpauth:// URL an app reads from a QR code: the board
	// (Config.Issuer) and the handle name the entry.
	URL string
}

// NewTOTP makes a fresh secret for the user with the handle to enrol in
// an authenticator app. Nothing is saved. It returns ErrTOTPOn if the
// account has a second factor already.
func (s *Service) NewTOTP(ctx context.Context, handle string) (*TOTPEnrolment, error) {
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	if HasTOTP(u) {
		return nil, ErrTOTPOn
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.Issuer, AccountName: u.Handle, SecretSize: totpSecretBytes})
	if err != nil {
		return nil, fmt.Errorf("account: making a TOTP secret: %w", err)
	}
	return &TOTPEnrolment{Secret: key.Secret(), URL: otpauthURL(s.cfg.Issuer, u.Handle, key.Secret())}, nil
}

// otpauthURL is the Key URI an authenticator reads ("otpauth://totp/
// ISSUER:HANDLE?secret=…&issuer=ISSUER"), with only what differs from the
// format's defaults (SHA1, 6 digits, 30 s): the shorter the URL, the
// smaller the QR code, which must fit a 24-line terminal. The board's
// name and the handle are escaped, so that "Bits & Bytes+BBS=1" stays
// one name; a space is %20, never "+", which some apps would show.
func otpauthURL(issuer, handle, secret string) string {
	label := labelEscape(strings.ReplaceAll(issuer, ":", "")) + ":" + labelEscape(handle)
	return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + strings.ReplaceAll(url.QueryEscape(issuer), "+", "%20")
}

// labelEscape escapes a part of the Key URI's label: as a path segment,
// and "+" and ":" too, which apps read as a space and as the end of
// the issuer.
func labelEscape(s string) string {
	return strings.NewReplacer("+", "%2B", ":", "%3A").Replace(url.PathEscape(s))
}

// EnableTOTP turns on two-factor login for the user with the handle, with
// a secret from NewTOTP, once code shows that the user's app makes the
// same codes (ErrWrongCode if not: the user is logged in already, so this
// is no login and no strike). The code is spent: it cannot log in. It
// returns RecoveryCodes fresh recovery codes, in clear this once; only
// their hashes are kept.
func (s *Service) EnableTOTP(ctx context.Context, handle, secret, code string) (recovery []string, err error) {
	secret = strings.ToUpper(strings.TrimSpace(secret))
	if !validSecret(secret) {
		return nil, &InvalidError{Field: "secret", Msg: "That is not a secret made by NewTOTP.", ID: "rules.totp_secret"}
	}
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	kind, typed := parseCode(code)
	if kind != totpCode {
		return nil, ErrWrongCode
	}
	step, ok := matchStep(secret, typed, s.cfg.Now())
	if !ok {
		return nil, ErrWrongCode
	}
	codes, hashes := newRecoveryCodes()
	_, err = s.cfg.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
		if HasTOTP(u) {
			return ErrTOTPOn
		}
		u.TOTP = store.TOTP{Secret: secret, LastStep: step, Recovery: hashes}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrTOTPOn) {
			return nil, ErrTOTPOn // without the store's words around it
		}
		return nil, noSuchUser(handle, err)
	}
	s.log.Info("two-factor login turned on", "user", u.Handle)
	return codes, nil
}

// validSecret reports whether secret is base32 of at least 128 bits.
func validSecret(secret string) bool {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	return err == nil && len(key) >= totpSecretMin
}

// LoginSecondFactor finishes the login of the user with the handle, whose
// password (or ssh key) was right and who has two-factor login (HasTOTP),
// with a code from their app or an unused recovery code, from the
// address remote. It returns the account, or ErrLoginFailed, ErrBanned,
// ctx's error or a store error.
//
// A code is accepted once: the step it belongs to must come after the
// last one accepted, and that step is saved in the same write that
// checks it, so that two logins racing with one code cannot both pass
// (RFC 6238 §5.2). A recovery code is removed as it is used. A wrong,
// spent or expired code is a failed login, as a wrong password is: the
// pause, a strike toward the caller's ban, and the checks in flight
// counted (see Login). So is any code for an account that is locked or
// has no second factor, and any code of an account whose codes are
// throttled (Config.TOTPMaxFailures), which is not checked. Neither the
// code nor which part was wrong is logged or told. OnLogin hears of the
// login decided here.
func (s *Service) LoginSecondFactor(ctx context.Context, handle, code string, remote netip.Addr) (*store.User, error) {
	return s.secondFactor(ctx, handle, code, remote, true)
}

// secondFactor checks and spends a code as LoginSecondFactor says; login
// tells whether it is a login (for OnLogin) or the check of a caller
// logged in already.
func (s *Service) secondFactor(ctx context.Context, handle, code string, remote netip.Addr, login bool) (*store.User, error) {
	if s.cfg.Bans != nil && s.cfg.Bans.Check(remote) != nil {
		return nil, ErrBanned
	}
	a, ok := s.begin(remote)
	if !ok {
		return nil, s.notChecked(ctx, remote, ErrLoginFailed)
	}
	defer a.release() // unless failed
	u, how, err := s.spendCode(ctx, handle, code)
	if err != nil {
		return nil, err
	}
	if login {
		s.decided(u != nil)
	}
	if u == nil {
		s.log.Info("second factor refused", "user", term.Sanitize(handle), "remote", remote.String())
		return nil, s.failed(ctx, a, ErrLoginFailed)
	}
	a.release()
	s.log.Info("second factor accepted", "user", u.Handle, "remote", remote.String(), "with", how,
		"recovery_codes_left", len(u.TOTP.Recovery))
	return u, nil
}

// errCodeRefused ends spendCode's change without saving.
var errCodeRefused = errors.New("account: code refused")

// spendCode checks code for the account with the handle and, if it is
// right, spends it in the same write. It returns the account as saved
// and "totp" or "recovery code"; nil for a code refused or not checked
// (the account's codes are throttled), or an account missing, locked or
// without a second factor; an error only when the store failed.
func (s *Service) spendCode(ctx context.Context, handle, code string) (*store.User, string, error) {
	kind, typed := parseCode(code)
	u, err := s.cfg.Users.User(ctx, handle)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, "", nil
	case err != nil:
		return nil, "", fmt.Errorf("account: second factor: %w", err)
	}
	now := s.cfg.Now()
	if !s.codes.begin(u.ID, now) {
		return nil, "", nil
	}
	if kind == notACode {
		s.codes.failed(u.ID, u.Handle, now)
		return nil, "", nil
	}
	fresh, err := s.cfg.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
		if !HasTOTP(u) || u.InGroup(store.GroupLocked) {
			return errCodeRefused
		}
		switch kind {
		case totpCode:
			step, ok := matchStep(u.TOTP.Secret, typed, now)
			if !ok || step <= u.TOTP.LastStep {
				return errCodeRefused
			}
			u.TOTP.LastStep = step
		case recoveryCode:
			i := matchRecovery(u.TOTP.Recovery, typed)
			if i < 0 {
				return errCodeRefused
			}
			u.TOTP.Recovery = slices.Delete(slices.Clone(u.TOTP.Recovery), i, i+1)
		}
		return nil
	})
	switch {
	case errors.Is(err, errCodeRefused), errors.Is(err, store.ErrNotFound):
		s.codes.failed(u.ID, u.Handle, now)
		return nil, "", nil
	case err != nil:
		s.codes.cancel(u.ID)
		return nil, "", fmt.Errorf("account: second factor: %w", err)
	}
	s.codes.succeeded(u.ID)
	if kind == recoveryCode {
		return fresh, "recovery code", nil
	}
	return fresh, "totp", nil
}

// codeKind is what a typed code looks like.
type codeKind int

const (
	notACode     codeKind = iota
	totpCode              // 6 digits
	recoveryCode          // 16 base32 letters
)

// parseCode reads a code as typed: spaces and dashes are ignored, and
// letters compared in lower case ("123 456", "ABCD-EFGH-IJKL-MNOP").
func parseCode(code string) (codeKind, string) {
	if len(code) > maxCodeInput {
		return notACode, ""
	}
	c := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, code)
	switch {
	case len(c) == totpDigits && strings.Trim(c, "0123456789") == "":
		return totpCode, c
	case len(c) == recoveryLen:
		return recoveryCode, c
	}
	return notACode, ""
}

// matchStep returns the latest time step, within the skew around now,
// whose code for secret is code; false if none. Every step is computed
// and compared in constant time.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	current := now.Unix() / totpPeriod
	found := int64(-1)
	for step := current - totpSkew; step <= current+totpSkew; step++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOptions)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			found = max(found, step)
		}
	}
	return found, found >= 0
}

// RemoveTOTP turns off two-factor login for the user with the handle,
// with its recovery codes: the sysop's removal (user editor, `x84 user
// totp-off`), or the user's own once DisableTOTP has checked them. An
// account without it gets an error matching ErrTOTPOff (and
// store.ErrNotFound).
func (s *Service) RemoveTOTP(ctx context.Context, handle string) (*store.User, error) {
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	fresh, err := s.cfg.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
		if !HasTOTP(u) {
			return totpOffError(term.Sanitize(u.Handle))
		}
		u.TOTP = store.TOTP{}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrTOTPOff) {
			return nil, totpOffError(term.Sanitize(u.Handle)) // without the store's words around it
		}
		return nil, noSuchUser(handle, err)
	}
	s.log.Info("two-factor login turned off", "user", fresh.Handle)
	return fresh, nil
}

// DisableTOTP turns off two-factor login for its owner, calling from
// remote, who must give the password (ErrWrongPassword) and a code or a
// recovery code (ErrWrongCode): someone at a terminal left logged in
// cannot. Both are checked as at login: each wrong one pauses and is a
// strike toward the caller's ban, and a right code is spent. An account
// whose second factor is gone already (a sysop removed it meanwhile)
// gets an error matching ErrTOTPOff at once, with nothing checked.
func (s *Service) DisableTOTP(ctx context.Context, handle, password, code string, remote netip.Addr) (*store.User, error) {
	if err := s.totpOn(ctx, handle); err != nil {
		return nil, err
	}
	if err := s.VerifyFrom(ctx, handle, password, remote); err != nil {
		return nil, err
	}
	if _, err := s.secondFactor(ctx, handle, code, remote, false); err != nil {
		if errors.Is(err, ErrLoginFailed) || errors.Is(err, ErrBanned) {
			return nil, ErrWrongCode
		}
		return nil, err
	}
	return s.RemoveTOTP(ctx, handle)
}

// totpOn returns nil if the user with the handle has two-factor login,
// else an error matching ErrTOTPOff, or the store's.
func (s *Service) totpOn(ctx context.Context, handle string) error {
	u, err := s.User(ctx, handle)
	if err != nil {
		return err
	}
	if !HasTOTP(u) {
		return totpOffError(term.Sanitize(u.Handle))
	}
	return nil
}

// RegenerateRecovery replaces the recovery codes of the user with the
// handle, who has two-factor login and proves it with a code (checked
// and spent as at login; ErrWrongCode), by RecoveryCodes fresh ones,
// returned in clear this once. An account whose second factor is gone
// (a sysop removed it meanwhile) gets an error matching ErrTOTPOff, with
// nothing checked.
func (s *Service) RegenerateRecovery(ctx context.Context, handle, code string, remote netip.Addr) ([]string, error) {
	if err := s.totpOn(ctx, handle); err != nil {
		return nil, err
	}
	u, err := s.secondFactor(ctx, handle, code, remote, false)
	if err != nil {
		if errors.Is(err, ErrLoginFailed) || errors.Is(err, ErrBanned) {
			return nil, ErrWrongCode
		}
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	_, err = s.cfg.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
		if !HasTOTP(u) {
			return totpOffError(term.Sanitize(u.Handle))
		}
		u.TOTP.Recovery = hashes
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrTOTPOff) {
			return nil, totpOffError(term.Sanitize(u.Handle)) // without the store's words around it
		}
		return nil, noSuchUser(handle, err)
	}
	s.log.Info("recovery codes replaced", "user", u.Handle)
	return codes, nil
}

// GroupSecret writes a TOTP secret in groups of four letters, as it is
// shown for typing into an app ("ABCD EFGH …").
func GroupSecret(secret string) string { return groupsOf4(secret, " ") }
