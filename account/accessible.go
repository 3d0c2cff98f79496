package account

import (
	"context"

	"github.com/x84bbs/x84/store"
)

// SetAccessible turns the accessible screens on or off for the account
// with the ID: plain lines of text, for a screen reader or a braille
// display, at every call from then on (store.User.Accessible). It
// returns the account as stored.
func (s *Service) SetAccessible(ctx context.Context, id int64, on bool) (*store.User, error) {
	return s.modify(ctx, id, func(u *store.User) { u.Accessible = on })
}
