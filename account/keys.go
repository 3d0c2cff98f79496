package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// ErrKeyTaken means the key is registered already, by this user or
// another. It matches store.ErrExists too.
var ErrKeyTaken error = existsError("account: that key is registered already")

// ParsePublicKey reads one public key in authorized_keys form
// ("ssh-ed25519 AAAA… comment") for handle. Options before the key are
// refused: a user's key logs them in, nothing more. A line that is not a
// key is an *InvalidError.
func ParsePublicKey(handle, line string) (*store.PublicKey, error) {
	key, comment, options, _, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(line)))
	if err != nil {
		return nil, &InvalidError{Field: "key", Msg: "That is not an ssh public key: paste the whole line of your .pub file.", ID: "rules.key_invalid"}
	}
	if len(options) > 0 {
		return nil, &InvalidError{Field: "key", Msg: "Remove the options before the key type.", ID: "rules.key_options"}
	}
	return &store.PublicKey{
		Handle:      handle,
		Key:         strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))),
		Fingerprint: ssh.FingerprintSHA256(key),
		Comment:     term.Sanitize(comment),
	}, nil
}

// AddKey registers an ssh public key (one authorized_keys line) for the
// user with the handle, who may then log in with it.
func (s *Service) AddKey(ctx context.Context, handle, line string) (*store.PublicKey, error) {
	if s.cfg.Keys == nil {
		return nil, errors.New("account: no key store")
	}
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	k, err := ParsePublicKey(u.Handle, line)
	if err != nil {
		return nil, err
	}
	k.Added = time.Now()
	switch err := s.cfg.Keys.AddKey(ctx, k); {
	case errors.Is(err, store.ErrExists):
		return nil, &takenError{ErrKeyTaken, "account: the key " + k.Fingerprint + " is registered already"}
	case errors.Is(err, store.ErrNotFound):
		return nil, noSuchUser(handle, err)
	case err != nil:
		return nil, fmt.Errorf("account: %w", err)
	}
	return k, nil
}

// Keys returns the ssh keys of the user with the handle.
func (s *Service) Keys(ctx context.Context, handle string) ([]store.PublicKey, error) {
	if _, err := s.User(ctx, handle); err != nil {
		return nil, err
	}
	if s.cfg.Keys == nil {
		return nil, nil
	}
	keys, err := s.cfg.Keys.Keys(ctx, handle)
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	return keys, nil
}

// DeleteKey removes a user's key by fingerprint.
func (s *Service) DeleteKey(ctx context.Context, handle, fingerprint string) error {
	if s.cfg.Keys == nil {
		return errors.New("account: no key store")
	}
	if err := s.cfg.Keys.DeleteKey(ctx, handle, fingerprint); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return notFoundError(fmt.Sprintf("%s has no key %s", term.Sanitize(handle), term.Sanitize(fingerprint)))
		}
		return fmt.Errorf("account: %w", err)
	}
	return nil
}
