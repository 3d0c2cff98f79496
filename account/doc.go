// Package account holds the rules of logging in and of accounts, with no
// user interface: the board's screens, the ssh server, the web API, the
// control socket, `x84 user …` and a custom board all call one Service,
// so a rule lives in one place and is tested there.
//
// Logging in (Login) takes the same time for an unknown handle as for a
// wrong password (a dummy hash made when the Service is built is checked
// instead), pauses after a failure, counts the failure toward the
// caller's ban, refuses at once a caller banned meanwhile, and brings an
// old hash up to date after a success. A locked account is answered on
// every protocol exactly as a wrong password, whatever the password
// (ErrLoginFailed, the pause, a strike), so that its password can be
// neither guessed nor confirmed; a key login to it is answered as an
// unregistered key. A database that fails is reported as an error: not
// the caller's fault, so no strike.
//
// Password checks are counted while in flight, per caller (an IPv4
// address or an IPv6 /64, the unit of bans), when Config.Bans is also
// Attempts, as auth.Banner is: a caller's checks in flight plus its
// recorded failures never pass the ban's limit, so many connections at
// once check no more passwords than one connection would. An attempt
// past the limit is not checked (no hash) and is answered as a wrong
// password, after the same pause, with no strike; a success frees its
// place, and a failure becomes a recorded one. OnBan hears of each ban
// once. VerifyFrom, a logged-in caller confirming its password, follows
// the same rules.
//
// Accounts are made by Apply (a caller's application) and Create (the
// sysop's); both check the board's rules. Nobody becomes a sysop by
// applying first: a board with no sysop has a one-time setup code, made
// by StartSetup as the server starts and shown only to its operator (log
// and console). An application that gives it (Application.SetupCode)
// makes the sysop, and the code is spent; a wrong code or none makes an
// ordinary account. The code is also spent once a sysop is made another
// way (Create with sysop, `x84 user add --sysop`, SetSysop). Codes are
// compared in constant time, and the applications that give one go one
// at a time, so a code makes one sysop however many race for it. A wrong
// code (CheckSetupCode, Apply) costs the failure pause but is no strike
// toward a ban: it is not a login, the operator typing it from the
// console's own address must not be banned for a typo, and 60 random bits
// behind a pause are out of a guesser's reach anyway; the board limits
// the tries in one application to its login attempts.
//
// Passwords, profile fields, ssh keys (ParsePublicKey), the sysop and
// locked groups, and deleting accounts go through the Service too;
// locking or deleting an account ends its calls.
//
// Errors: ErrLoginFailed, ErrBanned, ErrLocked (Current's answer for a
// caller already in whose account a sysop locked) and ErrWrongPassword
// are sentinels; a value the rules refuse is an *InvalidError (errors.Is
// ErrInvalid), whose Message is for the caller; a wrong setup code is
// ErrSetupCode; a taken handle is ErrHandleTaken, which also matches
// store.ErrExists, and a missing user store.ErrNotFound.
//
// Concurrency: a Service is safe for concurrent use.
package account
