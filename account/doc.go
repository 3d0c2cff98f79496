// Package account holds the rules of logging in and of accounts, with no
// user interface: the board's screens, the ssh server, the web API, the
// control socket, `x84 user …` and a custom board all call one Service,
// so a rule lives in one place and is tested there.
//
// Logging in (Login) takes the same time for an unknown handle as for a
// wrong password (a dummy hash made when the Service is built is checked
// instead), answers a failure FailDelay after the check began (so that
// reading an account or not reading one makes no difference to the
// time; the same for a wrong code), counts the failure toward the
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
// Two-factor login (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30-second
// steps, a step either side accepted) is a second step after a right
// password or ssh key: Login and LoginKey return the account as before,
// and a front end that sees HasTOTP must then ask for a code and call
// LoginSecondFactor, or refuse (the web API's basic authentication
// cannot carry a code). A code is accepted once: its step must come after
// the last one accepted (LastStep), and the check and the new LastStep
// are one ModifyUser, so two logins racing with one code cannot both
// pass. A recovery code (RecoveryCodes of them, 80 random bits each,
// stored as SHA-256 hashes and compared in constant time) is removed as
// it is used. A wrong, reused or expired code is a failed login, with
// the pause, the strike and the checks in flight counted as for a
// password; codes and secrets are never logged. Wrong codes are also
// counted per account, in memory (RFC 4226 §7.3): Config.TOTPMaxFailures
// of them within Config.TOTPWindow stop the account's codes being
// checked until the window ends (totp_throttle.go). OnLogin hears of a
// two-factor login when its code is decided. NewTOTP makes a secret
// and its otpauth:// URL (Config.Issuer names the board), EnableTOTP
// saves it once a code from the app proves the app has it and returns
// the recovery codes in clear that once; DisableTOTP (the owner, with
// password and code), RemoveTOTP (the sysop) and RegenerateRecovery
// complete it.
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
// Password reset by e-mail (reset.go), offered with Config.Reset.Mailer:
// RequestReset answers every request alike and at once (nil), whatever
// the handle, with no store call and no hashing: it counts the request
// against the caller's limit (per IPv4 address or IPv6 /64) and its
// network's (per IPv4 /24 or IPv6 /48), in memory, in tables that forget
// their oldest counts when full, and queues it; a worker looks the
// account up and, if it has an e-mail address, was mailed no code within
// the interval (checked in the ModifyUser that stores the new code, so
// the nodes of a cluster agree) and the board's hourly budget of reset
// mails is not spent, mails a code of 140 random bits and stores its
// SHA-256 and expiry in store.User.Reset. A mail the Mailer refuses
// gives the account back the reset it had. Changing the password
// (ChangePassword, SetPassword) or the e-mail address spends a pending
// code. The words of the login prompt ("forgot", "guest"…) are refused
// as new handles whatever the Rules say, and New warns of an account
// named "forgot" made before. ResetPassword checks the
// new password against the rules, then the code in constant time, and
// spends it in the ModifyUser that sets the password, so that two uses
// racing cannot both pass; a wrong, used or expired code, an unknown
// handle or a locked account is ErrResetCode, a failed login with the
// pause, the strike and OnLogin's false, after the same store calls and
// the same comparison (with a dummy when there is no code). Codes and
// passwords are never logged. The
// account package knows mail only as the Mailer interface.
//
// Access: a new account gets Config.NewLevel (store.DefaultLevel unless
// the board says otherwise), a sysop store.MaxLevel (made by the setup
// code, Create with sysop, or SetSysop; a sysop SetSysop demotes goes
// back to Config.NewLevel), and with Config.Validation an
// applicant (Apply, not the sysop's Create) also gets
// store.GroupUnvalidated, which package access counts as level 0 in no
// group until a sysop calls Validate. SetLevel (0 to store.MaxLevel) and
// SetGroups (ordinary groups only; sysop, locked and unvalidated keep
// their own methods and are kept as they are) are the sysop's, from the
// user editor, the web admin and `x84 user`. ParseLevel and ParseGroups
// read what a sysop types.
//
// Errors: ErrLoginFailed, ErrBanned, ErrLocked (Current's answer for a
// caller already in whose account a sysop locked) and ErrWrongPassword
// are sentinels; a value the rules refuse is an *InvalidError (errors.Is
// ErrInvalid), whose Message is for the caller; a wrong setup code is
// ErrSetupCode; a taken handle is ErrHandleTaken, which also matches
// store.ErrExists, and a missing user store.ErrNotFound. A wrong code
// when turning two-factor login on or off is ErrWrongCode; ErrTOTPOn and
// ErrTOTPOff (which matches store.ErrNotFound) say it is on or off
// already.
//
// ErrNoReset means the board offers no password reset by e-mail, and
// ErrResetCode that a reset code is wrong, used or expired.
//
// Concurrency: a Service is safe for concurrent use. A Service with a
// Mailer runs the reset worker, a goroutine that Shutdown stops.
package account
