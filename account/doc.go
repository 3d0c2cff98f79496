// Package account holds the rules of logging in and of accounts, with no
// user interface: the board's screens, the ssh server, the web API, the
// control socket, `x84 user …` and a custom board all call one Service,
// so a rule lives in one place and is tested there.
//
// Logging in (Login) takes the same time for an unknown handle as for a
// wrong password (a dummy hash made when the Service is built is checked
// instead), pauses after a failure, counts the failure toward the
// caller's ban, refuses at once a caller banned meanwhile, brings an old
// hash up to date after a success, and gives one answer for a locked
// account on every protocol: ErrLocked, only to whoever knows its
// password, which is no strike toward a ban. A database that fails is
// reported as an error: not the caller's fault, so no strike either.
//
// Accounts are made by Apply (a caller's application) and Create (the
// sysop's); both check the board's rules. The first account to apply is
// the board's sysop; the sysop who creates accounts says who else is. Passwords, profile fields, ssh keys
// (ParsePublicKey), the sysop and locked groups, and deleting accounts go
// through the Service too; locking or deleting an account ends its calls.
//
// Errors: ErrLoginFailed, ErrBanned, ErrLocked and ErrWrongPassword are
// sentinels; a value the rules refuse is an *InvalidError (errors.Is
// ErrInvalid), whose Message is for the caller; a taken handle is
// ErrHandleTaken, which also matches store.ErrExists, and a missing user
// store.ErrNotFound.
//
// Concurrency: a Service is safe for concurrent use.
package account
