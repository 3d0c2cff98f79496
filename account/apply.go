package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Application is what a new account is made of.
type Application struct {
	Handle   string
	Password string
	// Optional.
	RealName, Location, Email string
	// SetupCode is the code an applicant gives to become the board's
	// sysop (see StartSetup); "" for none.
	SetupCode string
}

// Apply makes the account a caller applied for, after checking the
// board's rules (ErrInvalid, ErrHandleTaken). It is an ordinary account
// unless the application gives the setup code while the board has no
// sysop (StartSetup): then it is the sysop's, and the code is spent. A
// wrong code makes an ordinary account too, after the failure pause;
// applying first makes no one the sysop.
func (s *Service) Apply(ctx context.Context, a Application) (*store.User, error) {
	u, err := s.newUser(ctx, a, false)
	if err != nil {
		return nil, err
	}
	s.grant(u, true)
	if a.SetupCode != "" {
		return s.applyWithCode(ctx, u, a.SetupCode)
	}
	return s.insert(ctx, u)
}

// Create makes an account for the sysop (`x84 user add`), after checking
// the same rules; sysop makes it a sysop, which spends the setup code.
func (s *Service) Create(ctx context.Context, a Application, sysop bool) (*store.User, error) {
	u, err := s.newUser(ctx, a, sysop)
	if err != nil {
		return nil, err
	}
	s.grant(u, false)
	if u, err = s.insert(ctx, u); err != nil {
		return nil, err
	}
	if sysop {
		s.setupMu.Lock()
		if s.setupCode != "" {
			s.setupCode = ""
			s.log.Info("the board has a sysop; the setup code is spent", "user", u.Handle)
		}
		s.setupMu.Unlock()
	}
	return u, nil
}

// newUser checks an application and makes the account to store.
func (s *Service) newUser(ctx context.Context, a Application, sysop bool) (*store.User, error) {
	a.Handle = strings.TrimSpace(a.Handle)
	a.RealName, a.Location, a.Email = strings.TrimSpace(a.RealName), strings.TrimSpace(a.Location), strings.TrimSpace(a.Email)
	if err := s.checkApplication(a); err != nil {
		return nil, err
	}
	hash, err := s.cfg.Passwords.Hash(ctx, a.Password)
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	u := &store.User{Handle: a.Handle, Password: hash, RealName: a.RealName, Location: a.Location,
		Email: a.Email, Encoding: store.EncodingAuto, Created: time.Now()}
	if sysop {
		u.Groups = []string{store.GroupSysop}
	}
	return u, nil
}

// insert stores a new account.
func (s *Service) insert(ctx context.Context, u *store.User) (*store.User, error) {
	if err := s.cfg.Users.CreateUser(ctx, u); errors.Is(err, store.ErrExists) {
		return nil, &takenError{ErrHandleTaken, fmt.Sprintf("account: the handle %q is taken", term.Sanitize(u.Handle))}
	} else if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	s.log.Info("new account", "user", u.Handle, "sysop", u.InGroup(store.GroupSysop))
	return u, nil
}

// applyWithCode stores u, as the sysop if code is the setup code. The
// applications that give a code go one at a time, so the code makes one
// sysop however many give it at once.
func (s *Service) applyWithCode(ctx context.Context, u *store.User, code string) (*store.User, error) {
	s.setupMu.Lock()
	ok, err := s.setupCodeLocked(ctx, code)
	if err != nil || !ok {
		s.setupMu.Unlock()
		if err != nil {
			return nil, err
		}
		s.log.Info("wrong setup code; an ordinary account", "user", u.Handle)
		if err := sleep(ctx, s.cfg.FailDelay); err != nil {
			return nil, err
		}
		return s.insert(ctx, u)
	}
	defer s.setupMu.Unlock()
	u.Groups = append(u.Groups, store.GroupSysop)
	s.grant(u, true)
	if u, err = s.insert(ctx, u); err != nil {
		return nil, err // not spent: the applicant may choose another handle
	}
	s.setupCode = ""
	s.log.Warn("setup code used; the board has its sysop", "user", u.Handle)
	return u, nil
}

// The setup code is setupCodeGroups groups of 4 characters of the base32
// alphabet (A to Z, 2 to 7), from crypto/rand: 60 bits.
const setupCodeGroups = 3

// StartSetup makes the board's one-time setup code, if it has no sysop,
// and returns it ("" if it has one) for the server to show its operator.
// While it is waiting, an application that gives it makes the board's
// sysop (Apply); it is spent then, or when a sysop is made another way
// (Create, SetSysop). A second call returns the same code while it waits.
// A Service whose StartSetup is never called makes no sysop by Apply.
func (s *Service) StartSetup(ctx context.Context) (string, error) {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	has, err := s.hasSysop(ctx)
	if err != nil {
		return "", err
	}
	if has {
		s.setupCode = ""
		return "", nil
	}
	if s.setupCode == "" {
		s.setupCode = rand.Text()[:4*setupCodeGroups]
	}
	var b strings.Builder
	for i := 0; i < len(s.setupCode); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s.setupCode[i : i+4])
	}
	return b.String(), nil
}

// SetupWaiting reports whether the setup code is waiting: made by
// StartSetup, not spent, and the board still has no sysop. The
// application asks for the code only then.
func (s *Service) SetupWaiting(ctx context.Context) (bool, error) {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.setupCode == "" {
		return false, nil
	}
	has, err := s.hasSysop(ctx)
	if err != nil {
		return false, err
	}
	if has {
		s.setupCode = ""
	}
	return !has, nil
}

// CheckSetupCode tells an applicant whether code is the setup code while
// it waits: nil, or ErrSetupCode after the failure pause. A wrong code is
// no strike toward a ban (it is not a password; see the package
// documentation). Letters may be typed in either case, and spaces and
// dashes are ignored.
func (s *Service) CheckSetupCode(ctx context.Context, code string) error {
	s.setupMu.Lock()
	ok, err := s.setupCodeLocked(ctx, code)
	s.setupMu.Unlock()
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	s.log.Info("wrong setup code")
	if err := sleep(ctx, s.cfg.FailDelay); err != nil {
		return err
	}
	return ErrSetupCode
}

// setupCodeLocked reports whether code is the waiting setup code, the
// board having no sysop yet. The code is compared in constant time.
func (s *Service) setupCodeLocked(ctx context.Context, code string) (bool, error) {
	if s.setupCode == "" {
		return false, nil
	}
	if subtle.ConstantTimeCompare([]byte(setupKey(code)), []byte(s.setupCode)) != 1 {
		return false, nil
	}
	has, err := s.hasSysop(ctx)
	if err != nil {
		return false, err
	}
	if has {
		s.setupCode = "" // a sysop made elsewhere (offline, another node)
	}
	return !has, nil
}

// setupKey is a typed setup code as it is compared: upper case, without
// spaces or dashes, and with the digits 0 and 1, which the code never
// has, read as the letters O and I they look like.
func setupKey(code string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t':
			return -1
		case '0':
			return 'O'
		case '1':
			return 'I'
		}
		return unicode.ToUpper(r)
	}, code)
}

// hasSysop reports whether any account is a sysop's.
func (s *Service) hasSysop(ctx context.Context) (bool, error) {
	all, err := s.cfg.Users.ListUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("account: %w", err)
	}
	for _, u := range all {
		if u.InGroup(store.GroupSysop) {
			return true, nil
		}
	}
	return false, nil
}

func (s *Service) checkApplication(a Application) error {
	if err := s.checkNewHandle(a.Handle); err != nil {
		return err
	}
	if err := s.CheckPassword(a.Password); err != nil {
		return err
	}
	for _, f := range []struct {
		field Field
		value string
	}{{RealName, a.RealName}, {Location, a.Location}, {Email, a.Email}} {
		if err := s.CheckField(f.field, f.value); err != nil {
			return err
		}
	}
	return nil
}

// CheckHandle tells an applicant whether a handle would do: the rules'
// refusal (ErrInvalid), ErrHandleTaken, or nil.
func (s *Service) CheckHandle(ctx context.Context, handle string) error {
	handle = strings.TrimSpace(handle)
	if err := s.checkNewHandle(handle); err != nil {
		return err
	}
	switch _, err := s.cfg.Users.User(ctx, handle); {
	case err == nil:
		return ErrHandleTaken
	case errors.Is(err, store.ErrNotFound):
		return nil
	default:
		return fmt.Errorf("account: %w", err)
	}
}

// checkNewHandle checks a new account's handle against the rules, and
// refuses the words of the login prompt whatever the rules reserve: an
// account named "forgot" or "guest" could not log in at the login screen
// once [mail] or anonymous callers are turned on.
func (s *Service) checkNewHandle(handle string) error {
	if err := invalid("handle", s.cfg.Rules.CheckHandle(handle)); err != nil {
		return err
	}
	if s.Intent(handle) != IntentLogin || loginWord(handle) {
		return &InvalidError{Field: "handle", Msg: "That name is reserved.", ID: "rules.reserved"}
	}
	return nil
}

// CheckPassword checks a new password against the rules.
func (s *Service) CheckPassword(password string) error {
	return invalid("password", s.cfg.Rules.CheckPassword(password))
}
