// Package store defines how x84 keeps its data: one narrow interface per
// concern (Users, Calls, Oneliners, Bans, Keys, Uploads, Files, Messages,
// Polls), grouped in a Store struct that each engine fills.
// Board code depends only on these interfaces, so an engine can be added
// without touching it.
//
// Engines live in sub-packages (store/sqlite; store/postgres later), and
// every engine must pass the conformance suite in store/storetest:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) *store.Store { return openTemp(t) })
//	}
//
// Errors are the sentinels ErrNotFound, ErrExists, ErrTooNew and
// ErrLimit, matched with errors.Is. Every method is safe for concurrent
// use; a method that returns without error has made its change durable
// against the process being killed (an engine may trade the last commits
// before a power loss for speed, as SQLite's synchronous=NORMAL does).
// Times are kept to the millisecond and come back in UTC; lists with a
// limit below 1 are empty, except that a MessageQuery's Limit of 0 means
// no limit.
package store
