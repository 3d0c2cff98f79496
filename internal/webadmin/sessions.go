package webadmin

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/netip"
	"sync"
	"time"
)

// sessionKey is how sessions are found: the SHA-256 of the cookie's id,
// so that the map's lookups, whose time depends on the key, reveal
// nothing of ids.
type sessionKey [sha256.Size]byte

// adminSession is a sysop's admin session, or a login waiting for its second
// factor (pending).
type adminSession struct {
	userID  int64
	handle  string
	remote  netip.Addr  // the address the login came from
	creds   credentials // the account's password and second factor at login
	csrf    string      // the token every form of the session carries
	created time.Time
	seen    time.Time // the sysop's last request (not admin.js's refreshes)
	pending bool      // password given, code still to come
	tries   int       // wrong codes so far (pending)
	flash   flash     // a one-time notice for the next page
}

// flash is a notice shown once, on the page after a change.
type flash struct {
	Text  string
	Error bool
}

// sessionLimits bound the sessions' table and their lives.
type sessionLimits struct {
	idle, lifetime, login time.Duration
	max                   int // sessions in all, pending ones included
	perUser               int // one account's sessions (not pending)
	pendingPerUser        int // one account's logins waiting for a code
	pendingPerAddress     int // logins waiting for a code from one address
}

// sessions are the admin sessions, in memory: a bounded map with idle
// and absolute expiry, checked as sessions are used and when one is
// added (no goroutine of its own).
type sessions struct {
	sessionLimits
	now func() time.Time

	mu   sync.Mutex
	byID map[sessionKey]*adminSession
}

func newSessions(l sessionLimits, now func() time.Time) *sessions {
	return &sessions{sessionLimits: l, now: now, byID: make(map[sessionKey]*adminSession)}
}

// Why add refused a session.
var (
	errSessionsFull   = errors.New("webadmin: the sessions' table is full of logins waiting for a code")
	errTooManyPending = errors.New("webadmin: too many logins of the account wait for a code")
)

// randomToken returns 256 random bits, base64url without padding.
func randomToken() string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func keyOf(id string) sessionKey { return sha256.Sum256([]byte(id)) }

// expiredLocked reports whether s has ended at now.
func (ss *sessions) expiredLocked(s *adminSession, now time.Time) bool {
	if s.pending {
		return now.Sub(s.created) >= ss.login
	}
	return now.Sub(s.seen) >= ss.idle || now.Sub(s.created) >= ss.lifetime
}

// add starts the session n (its user, address, credentials and whether
// it is pending) and returns its id. Expired sessions go first. A
// session makes way for itself: a login of a sysop with max sessions
// of their own ends the one of those unused longest; a pending login
// from an address with max pending ones ends the oldest of those, and
// one of an account with max pending ones ends the oldest of those
// from the same address (errTooManyPending when there is none: a
// password alone never ends the code step of a sysop elsewhere). A
// full table then loses the session unused longest, never, for a
// pending login, another address's pending one (errSessionsFull when
// only those are left).
func (ss *sessions) add(n adminSession) (string, error) {
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, s := range ss.byID {
		if ss.expiredLocked(s, now) {
			delete(ss.byID, k)
		}
	}
	if n.pending {
		if !ss.roomForPendingLocked(n) {
			return "", errTooManyPending
		}
	} else {
		mine := func(s *adminSession) bool { return !s.pending && s.userID == n.userID }
		for ss.countLocked(mine) >= ss.perUser {
			ss.evictLocked(mine)
		}
	}
	for len(ss.byID) >= ss.max {
		if !ss.evictLocked(func(s *adminSession) bool { return !n.pending || !s.pending || s.remote == n.remote }) {
			return "", errSessionsFull
		}
	}
	id := randomToken()
	n.csrf, n.created, n.seen, n.tries, n.flash = randomToken(), now, now, 0, flash{}
	ss.byID[keyOf(id)] = &n
	return id, nil
}

// roomForPendingLocked makes room for the pending login n within its
// address's and its account's limits, ending only pending logins from
// n's address; false when the account's limit is reached by logins
// from elsewhere.
func (ss *sessions) roomForPendingLocked(n adminSession) bool {
	sameAddress := func(s *adminSession) bool { return s.pending && s.remote == n.remote }
	for ss.countLocked(sameAddress) >= ss.pendingPerAddress {
		ss.evictLocked(sameAddress)
	}
	sameUser := func(s *adminSession) bool { return s.pending && s.userID == n.userID }
	for ss.countLocked(sameUser) >= ss.pendingPerUser {
		if !ss.evictLocked(func(s *adminSession) bool { return sameUser(s) && s.remote == n.remote }) {
			return false
		}
	}
	return true
}

// countLocked counts the sessions that match.
func (ss *sessions) countLocked(match func(*adminSession) bool) int {
	n := 0
	for _, s := range ss.byID {
		if match(s) {
			n++
		}
	}
	return n
}

// evictLocked ends the session unused longest of those that match, and
// reports whether there was one.
func (ss *sessions) evictLocked(match func(*adminSession) bool) bool {
	var key sessionKey
	var found *adminSession
	for k, s := range ss.byID {
		if match(s) && (found == nil || s.seen.Before(found.seen)) {
			key, found = k, s
		}
	}
	if found != nil {
		delete(ss.byID, key)
	}
	return found != nil
}

// full reports whether the next session would make another leave.
func (ss *sessions) full() bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.byID) >= ss.max
}

// holder is an account that holds sessions.
type holder struct {
	userID int64
	handle string
}

// holders returns the accounts that hold sessions, each once.
func (ss *sessions) holders() []holder {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	seen := make(map[holder]bool)
	var out []holder
	for _, s := range ss.byID {
		h := holder{s.userID, s.handle}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// removeHolder ends every session of the account.
func (ss *sessions) removeHolder(h holder) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, s := range ss.byID {
		if s.userID == h.userID && s.handle == h.handle {
			delete(ss.byID, k)
		}
	}
}

// get returns a copy of the live session with the id, marking it used
// when touch is set (a request of the sysop's, not a refresh in the
// background); an expired one is removed.
func (ss *sessions) get(id string, touch bool) (adminSession, bool) {
	if id == "" {
		return adminSession{}, false
	}
	k := keyOf(id)
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byID[k]
	if !ok {
		return adminSession{}, false
	}
	if ss.expiredLocked(s, now) {
		delete(ss.byID, k)
		return adminSession{}, false
	}
	if touch {
		s.seen = now
	}
	return *s, true
}

// change runs f, under the lock, on the session with the id if there is
// one.
func (ss *sessions) change(id string, f func(*adminSession)) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s, ok := ss.byID[keyOf(id)]; ok {
		f(s)
	}
}

// setCredentials records the account's credentials as the session's own
// change left them, so that the change does not end the session that
// made it.
func (ss *sessions) setCredentials(id string, c credentials) {
	ss.change(id, func(s *adminSession) { s.creds = c })
}

// takeFlash returns the session's notice and forgets it.
func (ss *sessions) takeFlash(id string) flash {
	var f flash
	ss.change(id, func(s *adminSession) { f, s.flash = s.flash, flash{} })
	return f
}

// setFlash leaves a notice for the session's next page.
func (ss *sessions) setFlash(id string, f flash) {
	ss.change(id, func(s *adminSession) { s.flash = f })
}

// failedCode counts a wrong code of a pending login and returns the
// count.
func (ss *sessions) failedCode(id string) int {
	tries := 0
	ss.change(id, func(s *adminSession) { s.tries++; tries = s.tries })
	return tries
}

// remove ends the session with the id.
func (ss *sessions) remove(id string) {
	ss.mu.Lock()
	delete(ss.byID, keyOf(id))
	ss.mu.Unlock()
}

// len returns the number of sessions held, expired ones not yet removed
// included.
func (ss *sessions) len() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.byID)
}

// sameToken compares a token from a request with the expected one in
// constant time; an empty token never matches.
func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
