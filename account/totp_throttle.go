package account

import (
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Wrong second-factor codes are throttled per account as well as per
// caller (RFC 4226 §7.3): bans stop one address, but someone who has an
// account's password can guess its codes from many. After
// Config.TOTPMaxFailures wrong codes within Config.TOTPWindow of the first,
// no code of the account is checked until that window ends; each is
// answered as a wrong code. A right code clears the count. The counts
// live in memory, so each node of a cluster keeps its own.

// Defaults of the second factor's throttle.
const (
	DefaultTOTPMaxFailures = 5
	DefaultTOTPWindow      = 15 * time.Minute
)

// maxCodeAccounts bounds the accounts whose wrong codes are counted at
// once (about 100 bytes each). While it is reached, even after the
// windows that ended are forgotten, codes of accounts not yet counted
// are refused unchecked: never checked without a count.
const maxCodeAccounts = 100000

// codeThrottle counts the wrong second-factor codes of each account.
//
// Its lock is a leaf: nothing else is taken while it is held.
type codeThrottle struct {
	limit  int
	window time.Duration
	log    *slog.Logger
	// fullLog logs the table full at most once a minute.
	fullLog rate.Sometimes

	mu     sync.Mutex
	byUser map[int64]*codeWindow // by store.User.ID
}

// codeWindow is one account's count since the first wrong code.
type codeWindow struct {
	start time.Time
	// tries counts the codes that failed in the window, and those being
	// checked: a check counts before it is made, so that checks at once
	// cannot pass the limit.
	tries int
	told  bool // the lockout was logged
}

func newCodeThrottle(limit int, window time.Duration, log *slog.Logger) *codeThrottle {
	return &codeThrottle{limit: limit, window: window, log: log, byUser: map[int64]*codeWindow{},
		fullLog: rate.Sometimes{Interval: time.Minute}}
}

// begin reports whether a code of the account with the id may be
// checked at now. A check it allows ends with one failed, succeeded or
// cancel.
func (t *codeThrottle) begin(id int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.liveLocked(id, now)
	if w == nil {
		if len(t.byUser) >= maxCodeAccounts {
			t.pruneLocked(now)
			if len(t.byUser) >= maxCodeAccounts {
				t.fullLog.Do(func() {
					t.log.Warn("two-factor codes failing for too many accounts at once; codes of others refused unchecked",
						"accounts", len(t.byUser))
				})
				return false
			}
		}
		w = &codeWindow{start: now}
		t.byUser[id] = w
	}
	if w.tries >= t.limit {
		return false
	}
	w.tries++
	return true
}

// failed ends a check whose code was wrong. The wrong code that stops
// the account's checks is logged, once per window, with the account's
// handle (never the code).
func (t *codeThrottle) failed(id int64, handle string, now time.Time) {
	t.mu.Lock()
	w := t.liveLocked(id, now)
	if w == nil || w.tries < t.limit || w.told {
		t.mu.Unlock()
		return
	}
	w.told = true
	left := w.start.Add(t.window).Sub(now)
	t.mu.Unlock()
	minutes := int((left + time.Minute - 1) / time.Minute)
	t.log.Warn("two-factor codes failing for account; codes refused", "user", handle, "failures", t.limit, "minutes", minutes)
}

// succeeded ends a check whose code was right: the count starts over.
func (t *codeThrottle) succeeded(id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byUser, id)
}

// cancel ends a check that decided nothing (the store failed).
func (t *codeThrottle) cancel(id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if w := t.byUser[id]; w != nil && w.tries > 0 {
		w.tries--
	}
}

// liveLocked returns the account's window if it has not ended at now,
// forgetting one that has.
func (t *codeThrottle) liveLocked(id int64, now time.Time) *codeWindow {
	w := t.byUser[id]
	if w != nil && now.Sub(w.start) >= t.window {
		delete(t.byUser, id)
		return nil
	}
	return w
}

// pruneLocked forgets the windows that ended.
func (t *codeThrottle) pruneLocked(now time.Time) {
	for id, w := range t.byUser {
		if now.Sub(w.start) >= t.window {
			delete(t.byUser, id)
		}
	}
}
