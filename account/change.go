package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Field is a profile field a user may change.
type Field int

// Profile fields.
const (
	RealName Field = iota + 1
	Location
	Email
	// Signature is shown under the user's messages.
	Signature
	// Encoding is the user's preference: store.EncodingAuto,
	// EncodingUTF8 or EncodingCP437.
	Encoding
)

// SignatureMax is the longest signature, in characters.
const SignatureMax = 72

var fieldNames = [...]string{RealName: "real name", Location: "location", Email: "e-mail", Signature: "signature", Encoding: "encoding"}

func (f Field) String() string {
	if f > 0 && int(f) < len(fieldNames) {
		return fieldNames[f]
	}
	return fmt.Sprintf("Field(%d)", int(f))
}

// CheckField checks a value for a profile field against the rules. An
// empty e-mail address or signature clears it; whether a real name or
// location may be empty is the Rules' call (the default rules allow it).
func (s *Service) CheckField(f Field, value string) error {
	var err error
	switch f {
	case RealName:
		err = s.cfg.Rules.CheckRealName(value)
	case Location:
		err = s.cfg.Rules.CheckLocation(value)
	case Email:
		if value != "" {
			err = s.cfg.Rules.CheckEmail(value)
		}
	case Signature:
		if utf8.RuneCountInString(value) > SignatureMax {
			return &InvalidError{Field: f.String(), Msg: fmt.Sprintf("Signatures can have at most %d characters.", SignatureMax),
				ID: "rules.signature_long", Args: []string{"max", strconv.Itoa(SignatureMax)}}
		}
	case Encoding:
		switch value {
		case store.EncodingAuto, store.EncodingUTF8, store.EncodingCP437:
		default:
			return &InvalidError{Field: f.String(), Msg: "The encoding is auto, utf-8 or cp437.", ID: "rules.encoding"}
		}
	default:
		return &InvalidError{Field: f.String(), Msg: "That cannot be changed.", ID: "rules.not_changeable"}
	}
	return invalid(f.String(), err)
}

// SetField changes one profile field of the account with the ID, after
// trimming the value (and removing terminal control sequences from a
// signature) and checking it against the rules. It returns the account
// as stored.
func (s *Service) SetField(ctx context.Context, id int64, f Field, value string) (*store.User, error) {
	value = strings.TrimSpace(value)
	if f == Signature {
		value = strings.TrimSpace(term.Sanitize(value))
	}
	if err := s.CheckField(f, value); err != nil {
		return nil, err
	}
	return s.modify(ctx, id, func(u *store.User) {
		switch f {
		case RealName:
			u.RealName = value
		case Location:
			u.Location = value
		case Email:
			if u.Email != value {
				// A code mailed to the old address must not outlive it.
				u.Reset.Hash, u.Reset.Expires = "", time.Time{}
			}
			u.Email = value
		case Signature:
			u.Signature = value
		case Encoding:
			u.Encoding = value
		}
	})
}

// modify changes the account with the ID in one write transaction.
func (s *Service) modify(ctx context.Context, id int64, set func(*store.User)) (*store.User, error) {
	u, err := s.cfg.Users.ModifyUser(ctx, id, func(u *store.User) error { set(u); return nil })
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	return u, nil
}

// ChangePassword changes the password of the user with the handle, for
// its owner, calling from remote, who must give the current one
// (ErrWrongPassword, after the failure pause; checked as VerifyFrom
// does, so guesses count toward the caller's ban). The new one is
// checked first, so that a refused one costs no hash.
func (s *Service) ChangePassword(ctx context.Context, handle, current, fresh string, remote netip.Addr) (*store.User, error) {
	if err := s.CheckPassword(fresh); err != nil {
		return nil, err
	}
	if err := s.VerifyFrom(ctx, handle, current, remote); err != nil {
		return nil, err
	}
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	return s.setPassword(ctx, u.ID, fresh)
}

// SetPassword replaces the password of the user with the handle, for the
// sysop.
func (s *Service) SetPassword(ctx context.Context, handle, password string) error {
	if err := s.CheckPassword(password); err != nil {
		return err
	}
	u, err := s.User(ctx, handle)
	if err != nil {
		return err
	}
	_, err = s.setPassword(ctx, u.ID, password)
	return err
}

// setPassword stores a hash of a password its callers checked, and
// spends any pending reset code: a code mailed before the change must not
// undo it.
func (s *Service) setPassword(ctx context.Context, id int64, password string) (*store.User, error) {
	hash, err := s.cfg.Passwords.Hash(ctx, password)
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	return s.modify(ctx, id, func(u *store.User) {
		u.Password = hash
		u.Reset.Hash, u.Reset.Expires = "", time.Time{}
	})
}

// SetSysop makes the user with the handle a sysop, at store.MaxLevel and
// validated, or no longer one: a sysop demoted goes back to
// Config.NewLevel, as a new account (SetLevel changes it after), so that
// a former sysop keeps no sysop's level. An account that was not a sysop
// keeps its level.
func (s *Service) SetSysop(ctx context.Context, handle string, sysop bool) (*store.User, error) {
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	return s.modify(ctx, u.ID, func(u *store.User) {
		demoted := !sysop && u.Sysop()
		u.Groups = withGroup(u.Groups, store.GroupSysop, sysop)
		switch {
		case sysop:
			s.grant(u, false)
		case demoted:
			u.Level = s.cfg.NewLevel
		}
	})
}

// SetLocked locks the account with the handle, or unlocks it. A locked
// account cannot log in, and its calls end at once.
func (s *Service) SetLocked(ctx context.Context, handle string, locked bool) (*store.User, error) {
	u, err := s.setGroup(ctx, handle, store.GroupLocked, locked)
	if err == nil && locked && s.cfg.Sessions != nil {
		s.cfg.Sessions.DisconnectUser(u.Handle, session.MessageLine("call.locked_by_sysop"))
	}
	return u, err
}

func (s *Service) setGroup(ctx context.Context, handle, group string, in bool) (*store.User, error) {
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	// in is what the caller wants; the groups changed are those stored
	// now, not a copy read earlier.
	return s.modify(ctx, u.ID, func(u *store.User) { u.Groups = withGroup(u.Groups, group, in) })
}

// Delete removes the account with the handle; the calls, one-liners and
// messages it wrote stay. Its calls in progress end.
func (s *Service) Delete(ctx context.Context, handle string) error {
	if err := s.cfg.Users.DeleteUser(ctx, handle); err != nil {
		return noSuchUser(handle, err)
	}
	s.log.Info("account deleted", "user", term.Sanitize(handle))
	if s.cfg.Sessions != nil {
		s.cfg.Sessions.DisconnectUser(handle, session.MessageLine("call.removed_by_sysop"))
	}
	return nil
}

// User returns the account with the handle, or an error matching
// store.ErrNotFound.
func (s *Service) User(ctx context.Context, handle string) (*store.User, error) {
	u, err := s.cfg.Users.User(ctx, handle)
	if err != nil {
		return nil, noSuchUser(handle, err)
	}
	return u, nil
}

// Current returns the account of a caller who is in already (logged in
// by a protocol, or some screens ago): the account as stored now, or
// ErrLocked if a sysop locked it meanwhile, or an error matching
// store.ErrNotFound if it was deleted.
func (s *Service) Current(ctx context.Context, handle string) (*store.User, error) {
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	if u.InGroup(store.GroupLocked) {
		return nil, ErrLocked
	}
	return u, nil
}

// List returns every account, sorted by handle.
func (s *Service) List(ctx context.Context) ([]*store.User, error) {
	list, err := s.cfg.Users.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	return list, nil
}

func noSuchUser(handle string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFoundError(fmt.Sprintf("no user %q", term.Sanitize(handle)))
	}
	return fmt.Errorf("account: %w", err)
}
