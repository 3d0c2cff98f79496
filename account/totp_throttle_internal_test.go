package account

import (
	"log/slog"
	"testing"
	"time"
)

// TestCodeThrottleAtOnce: checks at once count before they are made, so
// that no more than the limit are ever in flight or failed; a check
// that decided nothing gives its place back.
func TestCodeThrottleAtOnce(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	th := newCodeThrottle(3, time.Minute, slog.New(slog.DiscardHandler))
	for i := range 3 {
		if !th.begin(7, now) {
			t.Fatalf("check %d of 3 refused", i+1)
		}
	}
	if th.begin(7, now) {
		t.Fatalf("a 4th check while 3 are in flight (limit 3) allowed")
	}
	th.cancel(7)
	if !th.begin(7, now) {
		t.Errorf("a check after one that decided nothing refused")
	}
	th.succeeded(7)
	if !th.begin(7, now) {
		t.Errorf("a check after a right code refused")
	}
}

// TestCodeThrottleBounded: the table holds at most maxCodeAccounts
// accounts. Full of windows still open, it refuses the codes of other
// accounts unchecked; windows that ended make room.
func TestCodeThrottleBounded(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	th := newCodeThrottle(5, time.Minute, slog.New(slog.DiscardHandler))
	for id := range int64(maxCodeAccounts) {
		if !th.begin(id, now) {
			t.Fatalf("account %d of %d refused", id+1, maxCodeAccounts)
		}
		th.failed(id, "x", now)
	}
	if th.begin(maxCodeAccounts, now.Add(59*time.Second)) {
		t.Errorf("a check of one more account with the table full allowed")
	}
	if len(th.byUser) != maxCodeAccounts {
		t.Errorf("the table holds %d accounts; want %d", len(th.byUser), maxCodeAccounts)
	}
	if !th.begin(maxCodeAccounts, now.Add(time.Minute)) {
		t.Errorf("a check once every window ended refused")
	}
	if len(th.byUser) != 1 {
		t.Errorf("the table holds %d accounts after the windows ended; want 1", len(th.byUser))
	}
}
