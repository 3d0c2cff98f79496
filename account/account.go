package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/store"
)

// Passwords hashes passwords and checks them against stored hashes.
// x84's is argon2id, with bcrypt hashes from imports accepted.
type Passwords interface {
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches hash, and whether the hash
	// should be replaced by a fresh one (older scheme or parameters).
	Verify(ctx context.Context, hash, password string) (ok, rehash bool, err error)
}

// Rules checks account fields. An error with a UserMessage() string
// method is shown to the caller by that text.
type Rules interface {
	CheckHandle(handle string) error
	CheckPassword(password string) error
	CheckRealName(name string) error
	CheckLocation(location string) error
	CheckEmail(email string) error
}

// Bans counts failed logins per address and holds the sysop's bans.
type Bans interface {
	// Check returns an error if addr is banned.
	Check(addr netip.Addr) error
	// Failed records a failed login and reports whether addr is now
	// banned.
	Failed(ctx context.Context, addr netip.Addr) (banned bool, err error)
	// Ban bans prefix for d, or for ever when d is 0.
	Ban(ctx context.Context, prefix netip.Prefix, d time.Duration, reason string) error
	// Unban lifts a ban on exactly prefix, or returns an error wrapping
	// store.ErrNotFound.
	Unban(ctx context.Context, prefix netip.Prefix) error
}

// Sessions ends the calls of a user who may no longer use the board.
type Sessions interface {
	// DisconnectUser writes line to every session of the user with the
	// handle, closes them, and returns how many there were.
	DisconnectUser(handle, line string) int
}

// Config configures a Service. Users is required; the rest have
// defaults.
type Config struct {
	Users store.Users
	// Keys holds ssh public keys. If nil, no key logs anyone in, users
	// have none, and adding or deleting one fails.
	Keys store.Keys
	// Passwords hashes passwords. Default: argon2id with the default
	// parameters.
	Passwords Passwords
	// Rules checks handles, passwords and profile fields. Default: the
	// default rules (handles of 3 to 16 letters and digits…).
	Rules Rules
	// Bans, if non-nil, counts failed logins and holds bans.
	Bans Bans
	// Sessions, if non-nil, ends the calls of a locked or deleted
	// account.
	Sessions Sessions
	// AllowAnonymous lets callers in as "anonymous", with no account.
	AllowAnonymous bool
	// NewLevel is the security level of new accounts other than sysops'
	// (who get store.MaxLevel). Default (0) store.DefaultLevel; LevelZero
	// asks for level 0.
	NewLevel int
	// Validation makes applicants wait for a sysop's validation
	// (store.GroupUnvalidated; see Validate).
	Validation bool
	// FailDelay is the pause after a failed login. Default 700 ms;
	// negative means none.
	FailDelay time.Duration
	// OnLogin, if non-nil, hears of every password login decided (ok or
	// not) and of every key login of a proved key (an offered key that is
	// not registered is no login: clients try their keys in turn), and
	// OnBan of every address banned by failed logins (for metrics). For
	// an account with two-factor login, a right password or key is not a
	// login yet: OnLogin hears of it when the code is decided
	// (LoginSecondFactor).
	OnLogin func(ok bool)
	OnBan   func()
	// Logger receives the service's log. Default: none.
	Logger *slog.Logger
	// Reset configures password reset by e-mail (reset.go): none
	// without Reset.Mailer. A Service with one has a worker that
	// Shutdown stops.
	Reset ResetConfig
	// Issuer names the board in the authenticator apps of users who turn
	// on two-factor login (NewTOTP). Default "x84".
	Issuer string
	// Now, if non-nil, is the clock that TOTP codes are checked against
	// (for tests). Default time.Now.
	Now func() time.Time
	// TOTPMaxFailures wrong second-factor codes of one account within
	// TOTPWindow of the first stop its codes being checked until the
	// window ends (totp_throttle.go). Defaults DefaultTOTPMaxFailures and
	// DefaultTOTPWindow.
	TOTPMaxFailures int
	TOTPWindow      time.Duration
}

// DefaultFailDelay is the pause after a failed login.
const DefaultFailDelay = 700 * time.Millisecond

// Errors of the Service; match them with errors.Is.
var (
	// ErrLoginFailed means no such handle or a wrong password (callers
	// are not told which).
	ErrLoginFailed = errors.New("account: login failed")
	// ErrBanned means the caller's address is banned: by this failure,
	// or before it.
	ErrBanned = errors.New("account: address banned after failed logins")
	// ErrLocked means a sysop locked the account of a caller who is in
	// already (Current). Logins never return it: a locked account is
	// answered as a wrong password, whatever the password.
	ErrLocked = errors.New("account: this account is locked")
	// ErrWrongPassword means the current password given to change it was
	// not the account's.
	ErrWrongPassword = errors.New("account: that is not the current password")
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("account: invalid")
	// ErrHandleTaken means another account has the handle (compared by
	// store.HandleKey). It matches store.ErrExists too.
	ErrHandleTaken error = existsError("account: that handle is taken")
	// ErrNoBans means the Service has no Bans to change.
	ErrNoBans = errors.New("account: bans are not kept here")
	// ErrSetupCode means a code given to become the sysop is not the
	// board's setup code, or no code is waiting: the board has a sysop
	// (see StartSetup).
	ErrSetupCode = errors.New("account: that is not the setup code")
)

// existsError is a sentinel that also matches store.ErrExists, so that
// callers who only know the store (the control socket's 409) match it.
type existsError string

func (e existsError) Error() string        { return string(e) }
func (e existsError) Is(target error) bool { return target == store.ErrExists }

// takenError names what is taken; it matches its sentinel (ErrHandleTaken,
// ErrKeyTaken) and store.ErrExists.
type takenError struct {
	sentinel error
	msg      string
}

func (e *takenError) Error() string        { return e.msg }
func (e *takenError) Is(target error) bool { return target == e.sentinel || target == store.ErrExists }

// notFoundError says what is missing, for the sysop, and matches
// store.ErrNotFound.
type notFoundError string

func (e notFoundError) Error() string        { return string(e) }
func (e notFoundError) Is(target error) bool { return target == store.ErrNotFound }

// InvalidError is a value the board's rules refuse.
type InvalidError struct {
	// Field names what was refused: "handle", "password", "real name",
	// "location", "e-mail", "signature", "encoding", "key", "address".
	Field string
	// Msg says why, for the caller, in English: "Handles are 3 to 16
	// characters long."
	Msg string
	// ID names Msg in the board's message catalogs, to show it in the
	// caller's language ("rules.handle_length"), and Args are the values
	// of its placeholders in pairs: name, value, … ID is "" when Msg is
	// no catalog's (a sysop's own words, a custom Rules' error).
	ID   string
	Args []string
}

func (e *InvalidError) Error() string { return "account: " + e.Field + ": " + e.Msg }

// Is makes every InvalidError match ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// UserMessage returns the text for the caller.
func (e *InvalidError) UserMessage() string { return e.Msg }

// Message returns the text to show a caller for err: the rule's own words
// for a refused value, "" for other errors.
func Message(err error) string {
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		return um.UserMessage()
	}
	return ""
}

// MessageID returns the message id and placeholder pairs of the rule
// err breaks (an *InvalidError or an *auth.RuleError in its chain), for
// showing Message(err) in the caller's language: Printer.T(id,
// pairs...) gives, in English, the same text. ok is false when err
// holds neither, or its text has no message id (a sysop's own words);
// then Message(err) is shown as it is.
func MessageID(err error) (id string, pairs []string, ok bool) {
	var ie *InvalidError
	if errors.As(err, &ie) {
		return ie.ID, ie.Args, ie.ID != ""
	}
	var re *auth.RuleError
	if errors.As(err, &re) {
		return re.ID, re.Args, re.ID != ""
	}
	return "", nil, false
}

// invalid wraps a rule's error for field.
func invalid(field string, err error) error {
	if err == nil {
		return nil
	}
	msg := Message(err)
	id, args, _ := MessageID(err)
	if msg == "" {
		msg, id, args = "That is not allowed.", "rules.not_allowed", nil
	}
	return &InvalidError{Field: field, Msg: msg, ID: id, Args: args}
}

// Service is the account service. Build one with New.
type Service struct {
	cfg   Config
	log   *slog.Logger
	dummy string // a hash checked for unknown handles, so they cost the same

	// setupMu guards setupCode and serialises the applications that give
	// a code, so that one code makes one sysop.
	setupMu sync.Mutex
	// setupCode is the one-time code that makes an applicant the sysop,
	// normalised (setupKey); "" when there is none: never made, spent, or
	// the board has a sysop.
	setupCode string

	reset *resets // nil without a Mailer
	codes *codeThrottle
}

// New checks cfg, fills in its defaults and makes the dummy hash that
// unknown handles are checked against (once, here, so that the first
// unknown handle costs no more than the next).
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Users == nil {
		return nil, errors.New("account: Config.Users is required")
	}
	if cfg.Passwords == nil {
		cfg.Passwords = &auth.Hasher{}
	}
	if cfg.Rules == nil {
		v, err := auth.NewValidator(auth.Rules{})
		if err != nil {
			return nil, fmt.Errorf("account: %w", err)
		}
		cfg.Rules = v
	}
	if cfg.FailDelay == 0 {
		cfg.FailDelay = DefaultFailDelay
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "x84"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TOTPMaxFailures <= 0 {
		cfg.TOTPMaxFailures = DefaultTOTPMaxFailures
	}
	if cfg.TOTPWindow <= 0 {
		cfg.TOTPWindow = DefaultTOTPWindow
	}
	if err := defaultNewLevel(&cfg.NewLevel); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	dummy, err := cfg.Passwords.Hash(ctx, rand.Text())
	if err != nil {
		return nil, fmt.Errorf("account: making the dummy hash: %w", err)
	}
	s.dummy = dummy
	s.codes = newCodeThrottle(cfg.TOTPMaxFailures, cfg.TOTPWindow, s.log)
	s.reset = startResets(s, cfg.Reset) // last: nothing fails after it
	s.warnLoginShadows(ctx)
	return s, nil
}

// AllowAnonymous reports whether callers may come in as "anonymous".
func (s *Service) AllowAnonymous() bool { return s.cfg.AllowAnonymous }
