package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Application is what a new account is made of.
type Application struct {
	Handle   string
	Password string
	// Optional.
	RealName, Location, Email string
}

// Apply makes the account a caller applied for, after checking the
// board's rules (ErrInvalid, ErrHandleTaken). The board's first account
// becomes its sysop: whoever sets a board up applies first.
func (s *Service) Apply(ctx context.Context, a Application) (*store.User, error) {
	return s.create(ctx, a, false, true)
}

// Create makes an account for the sysop (`x84 user add`), after checking
// the same rules; sysop makes it a sysop. Unlike Apply, the sysop says
// who is one: the first account made this way is a sysop only if asked.
func (s *Service) Create(ctx context.Context, a Application, sysop bool) (*store.User, error) {
	return s.create(ctx, a, sysop, false)
}

func (s *Service) create(ctx context.Context, a Application, sysop, firstIsSysop bool) (*store.User, error) {
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
	n := 1
	if firstIsSysop && !sysop {
		if n, err = s.cfg.Users.CountUsers(ctx); err != nil {
			return nil, fmt.Errorf("account: %w", err)
		}
	}
	if err := s.cfg.Users.CreateUser(ctx, u); errors.Is(err, store.ErrExists) {
		return nil, &takenError{ErrHandleTaken, fmt.Sprintf("account: the handle %q is taken", term.Sanitize(a.Handle))}
	} else if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	if n == 0 {
		if u, err = s.grantFirstSysop(ctx, u); err != nil {
			return nil, fmt.Errorf("account: %w", err)
		}
	}
	s.log.Info("new account", "user", u.Handle, "sysop", u.InGroup(store.GroupSysop))
	return u, nil
}

func (s *Service) checkApplication(a Application) error {
	if err := invalid("handle", s.cfg.Rules.CheckHandle(a.Handle)); err != nil {
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

// grantFirstSysop makes u a sysop if it is the board's first account.
// Two applications may both have found the board empty: the one with the
// lowest ID wins, and only while no one is a sysop yet.
func (s *Service) grantFirstSysop(ctx context.Context, u *store.User) (*store.User, error) {
	all, err := s.cfg.Users.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.ID < u.ID || o.InGroup(store.GroupSysop) {
			return u, nil
		}
	}
	return s.cfg.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
		u.Groups = append(u.Groups, store.GroupSysop)
		return nil
	})
}

// CheckHandle tells an applicant whether a handle would do: the rules'
// refusal (ErrInvalid), ErrHandleTaken, or nil.
func (s *Service) CheckHandle(ctx context.Context, handle string) error {
	handle = strings.TrimSpace(handle)
	if err := invalid("handle", s.cfg.Rules.CheckHandle(handle)); err != nil {
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

// CheckPassword checks a new password against the rules.
func (s *Service) CheckPassword(password string) error {
	return invalid("password", s.cfg.Rules.CheckPassword(password))
}
