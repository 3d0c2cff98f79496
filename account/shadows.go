package account

import (
	"context"
	"errors"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// warnLoginShadows warns the sysop of accounts named like a login word
// that is in use ("a", "new", "forgot" with [mail] set…, in any case),
// made before the word was reserved or from the shell: at the login
// screen their name does what the word does, so they can log in only
// over ssh, where it is a handle like any other. One lookup a word.
func (s *Service) warnLoginShadows(ctx context.Context) {
	for _, words := range [][]string{applyWords, leaveWords, guestWords, plainWords, resetWords} {
		for _, w := range words {
			if s.Intent(w) == IntentLogin {
				continue // not in use on this board
			}
			u, err := s.cfg.Users.User(ctx, w)
			switch {
			case errors.Is(err, store.ErrNotFound):
				continue
			case err != nil:
				s.log.Error("looking for an account named like a login word", "word", w, "err", err)
				continue
			}
			s.log.Warn(`an account is named like a word of the login screen: typing its name there does what the word does, so it can log in only over ssh. x84 has no command to rename an account: make its owner a new one (x84 user add NEWNAME, or the owner applies) and delete this one (x84 user del NAME)`,
				"user", term.Sanitize(u.Handle), "word", w)
		}
	}
}
