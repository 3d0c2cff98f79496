// Package accounts is the sysop's account administration, shared by the
// running server's control socket and by `x84 user …` when no server is
// running (then working on the database directly): add, list and delete
// accounts, set passwords, ban and unban addresses.
//
// Concurrency: a Service is safe for concurrent use; its parts are.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/store"
)

// Admin is what `x84 user` does, whether through the control socket or
// on the database.
type Admin interface {
	AddUser(ctx context.Context, handle, password string, sysop bool) error
	SetPassword(ctx context.Context, handle, password string) error
	ListUsers(ctx context.Context) ([]User, error)
	DeleteUser(ctx context.Context, handle string) error
	Ban(ctx context.Context, address string) (string, error)
	Unban(ctx context.Context, address string) (string, error)
	AddKey(ctx context.Context, handle, line string) (fingerprint string, err error)
	ListKeys(ctx context.Context, handle string) ([]Key, error)
	DeleteKey(ctx context.Context, handle, fingerprint string) error
}

// Key is a user's ssh public key as the sysop's tools show it.
type Key struct {
	Key         string    `json:"key"`
	Fingerprint string    `json:"fingerprint"`
	Comment     string    `json:"comment"`
	Added       time.Time `json:"added"`
}

// User is an account as the sysop's tools show it (no password hash).
type User struct {
	Handle   string    `json:"handle"`
	RealName string    `json:"real_name"`
	Location string    `json:"location"`
	Email    string    `json:"email"`
	Groups   []string  `json:"groups"`
	Calls    int       `json:"calls"`
	LastCall time.Time `json:"last_call"`
	Created  time.Time `json:"created"`
}

// ErrInvalid marks a value the board's rules refuse; the error's text
// says why, for the sysop.
var ErrInvalid = errors.New("accounts: invalid")

// Service implements Admin on the store.
type Service struct {
	Users  store.Users
	Keys   store.Keys
	Hasher *auth.Hasher
	Rules  *auth.Validator
	Banner *auth.Banner
	// OnDelete, if set, is told of a deleted account, so that the
	// running board can end its calls.
	OnDelete func(handle string)
}

var _ Admin = (*Service)(nil)

// AddUser creates an account after checking the board's rules.
func (s *Service) AddUser(ctx context.Context, handle, password string, sysop bool) error {
	if err := s.Rules.CheckHandle(handle); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalid, userMessage(err))
	}
	if err := s.Rules.CheckPassword(password); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalid, userMessage(err))
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	u := &store.User{Handle: handle, Password: hash, Encoding: store.EncodingAuto}
	if sysop {
		u.Groups = []string{store.GroupSysop}
	}
	if err := s.Users.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("the handle %q is taken: %w", handle, err)
		}
		return err
	}
	return nil
}

// SetPassword replaces an account's password.
func (s *Service) SetPassword(ctx context.Context, handle, password string) error {
	if err := s.Rules.CheckPassword(password); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalid, userMessage(err))
	}
	u, err := s.Users.User(ctx, handle)
	if err != nil {
		return noSuchUser(handle, err)
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	_, err = s.Users.ModifyUser(ctx, u.ID, func(u *store.User) error {
		u.Password = hash
		return nil
	})
	return noSuchUser(handle, err)
}

// ListUsers returns every account, sorted by handle.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	list, err := s.Users.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]User, len(list))
	for i, u := range list {
		out[i] = User{Handle: u.Handle, RealName: u.RealName, Location: u.Location, Email: u.Email,
			Groups: slices.Clone(u.Groups), Calls: u.Calls, LastCall: u.LastCall, Created: u.Created}
	}
	return out, nil
}

// DeleteUser removes an account; its calls and one-liners stay. The
// user's calls in progress end (OnDelete).
func (s *Service) DeleteUser(ctx context.Context, handle string) error {
	if err := s.Users.DeleteUser(ctx, handle); err != nil {
		return noSuchUser(handle, err)
	}
	if s.OnDelete != nil {
		s.OnDelete(handle)
	}
	return nil
}

// Ban refuses an address or CIDR range for good (until Unban). It returns
// the prefix banned.
func (s *Service) Ban(ctx context.Context, address string) (string, error) {
	p, err := config.ParsePrefix(address)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return p.String(), s.Banner.Ban(ctx, p, 0, "banned by the sysop")
}

// Unban lifts a ban on an address or range.
func (s *Service) Unban(ctx context.Context, address string) (string, error) {
	p, err := config.ParsePrefix(address)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := s.Banner.Unban(ctx, p); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("%s is not banned: %w", p, store.ErrNotFound)
		}
		return "", err
	}
	return p.String(), nil
}

func noSuchUser(handle string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user %q: %w", handle, err)
	}
	return err
}

func userMessage(err error) string {
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		return um.UserMessage()
	}
	return err.Error()
}

// AddKey registers an ssh public key (one authorized_keys line) for a
// user and returns its fingerprint.
func (s *Service) AddKey(ctx context.Context, handle, line string) (string, error) {
	u, err := s.Users.User(ctx, handle)
	if err != nil {
		return "", noSuchUser(handle, err)
	}
	k, err := board.ParsePublicKey(u.Handle, line)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := s.Keys.AddKey(ctx, k); err != nil {
		if errors.Is(err, store.ErrExists) {
			return "", fmt.Errorf("the key %s is registered already: %w", k.Fingerprint, err)
		}
		return "", err
	}
	return k.Fingerprint, nil
}

// ListKeys returns a user's keys.
func (s *Service) ListKeys(ctx context.Context, handle string) ([]Key, error) {
	if _, err := s.Users.User(ctx, handle); err != nil {
		return nil, noSuchUser(handle, err)
	}
	keys, err := s.Keys.Keys(ctx, handle)
	if err != nil {
		return nil, err
	}
	out := make([]Key, len(keys))
	for i, k := range keys {
		out[i] = Key{Key: k.Key, Fingerprint: k.Fingerprint, Comment: k.Comment, Added: k.Added}
	}
	return out, nil
}

// DeleteKey removes a user's key by fingerprint.
func (s *Service) DeleteKey(ctx context.Context, handle, fingerprint string) error {
	if err := s.Keys.DeleteKey(ctx, handle, fingerprint); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%s has no key %s: %w", handle, fingerprint, err)
		}
		return err
	}
	return nil
}
