package control

import (
	"context"
	"slices"
	"time"

	"github.com/x84bbs/x84/account"
)

// Admin is what `x84 user …` does. Client does it through a running
// server's socket; Local does it with the account service, which is
// what the server's own endpoints call too.
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
	// Validate, SetLevel and SetGroups change an account's access
	// (access.go): Validate says whether the account was waiting,
	// SetGroups returns the ordinary groups as stored.
	Validate(ctx context.Context, handle string) (wasWaiting bool, err error)
	SetLevel(ctx context.Context, handle string, level int) error
	SetGroups(ctx context.Context, handle string, groups []string) ([]string, error)
	// RemoveTOTP turns off a user's two-factor login (totp.go).
	RemoveTOTP(ctx context.Context, handle string) error
}

// User is an account as the sysop's tools show it (no password hash).
type User struct {
	Handle   string   `json:"handle"`
	RealName string   `json:"real_name"`
	Location string   `json:"location"`
	Email    string   `json:"email"`
	Groups   []string `json:"groups"`
	// Level is the security level, 0 to 255.
	Level int `json:"level"`
	Calls int `json:"calls"`
	// LastCall is nil (null in JSON) for a user who never called.
	LastCall *time.Time `json:"last_call"`
	Created  time.Time  `json:"created"`
}

// Key is a user's ssh public key as the sysop's tools show it.
type Key struct {
	Key         string    `json:"key"`
	Fingerprint string    `json:"fingerprint"`
	Comment     string    `json:"comment"`
	Added       time.Time `json:"added"`
}

// Local is Admin on the account service, for the server's endpoints and
// for `x84 user …` when no server runs.
type Local struct {
	accounts *account.Service
}

// NewLocal returns the account administration of a.
func NewLocal(a *account.Service) *Local { return &Local{accounts: a} }

var _ Admin = (*Local)(nil)

// AddUser creates an account, a sysop's only if sysop is set.
func (l *Local) AddUser(ctx context.Context, handle, password string, sysop bool) error {
	_, err := l.accounts.Create(ctx, account.Application{Handle: handle, Password: password}, sysop)
	return err
}

// SetPassword replaces an account's password.
func (l *Local) SetPassword(ctx context.Context, handle, password string) error {
	return l.accounts.SetPassword(ctx, handle, password)
}

// ListUsers returns every account, sorted by handle.
func (l *Local) ListUsers(ctx context.Context) ([]User, error) {
	list, err := l.accounts.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]User, len(list))
	for i, u := range list {
		out[i] = User{Handle: u.Handle, RealName: u.RealName, Location: u.Location, Email: u.Email,
			Groups: slices.Clone(u.Groups), Level: u.Level, Calls: u.Calls, Created: u.Created}
		if !u.LastCall.IsZero() {
			last := u.LastCall
			out[i].LastCall = &last
		}
	}
	return out, nil
}

// DeleteUser removes an account and ends its calls.
func (l *Local) DeleteUser(ctx context.Context, handle string) error {
	return l.accounts.Delete(ctx, handle)
}

// Ban refuses an address or range until Unban, and returns the prefix.
func (l *Local) Ban(ctx context.Context, address string) (string, error) {
	p, err := l.accounts.Ban(ctx, address)
	if err != nil {
		return "", err
	}
	return p.String(), nil
}

// Unban lifts a ban, and returns the prefix.
func (l *Local) Unban(ctx context.Context, address string) (string, error) {
	p, err := l.accounts.Unban(ctx, address)
	if err != nil {
		return "", err
	}
	return p.String(), nil
}

// AddKey registers an ssh key for a user and returns its fingerprint.
func (l *Local) AddKey(ctx context.Context, handle, line string) (string, error) {
	k, err := l.accounts.AddKey(ctx, handle, line)
	if err != nil {
		return "", err
	}
	return k.Fingerprint, nil
}

// ListKeys returns a user's ssh keys.
func (l *Local) ListKeys(ctx context.Context, handle string) ([]Key, error) {
	keys, err := l.accounts.Keys(ctx, handle)
	if err != nil {
		return nil, err
	}
	out := make([]Key, len(keys))
	for i, k := range keys {
		out[i] = Key{Key: k.Key, Fingerprint: k.Fingerprint, Comment: k.Comment, Added: k.Added}
	}
	return out, nil
}

// DeleteKey removes a user's ssh key.
func (l *Local) DeleteKey(ctx context.Context, handle, fingerprint string) error {
	return l.accounts.DeleteKey(ctx, handle, fingerprint)
}
