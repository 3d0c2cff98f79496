// Package auth holds the rules of x84's accounts and logins: password
// hashing, the checks on account fields, and the bans of addresses that
// fail to log in too often.
//
//   - Hasher (password.go) makes argon2id hashes in PHC string format
//     ($argon2id$v=19$m=…,t=…,p=…$salt$key, RFC 9106 with the PHC string
//     format) and verifies them and legacy bcrypt hashes, telling the
//     caller when a hash should be replaced. A semaphore bounds the hashes
//     running at once, since each one takes MemoryKiB of memory.
//   - Validator (rules.go) checks handles, passwords, real names,
//     locations and e-mail addresses against Rules. Its errors are
//     *RuleError values whose Msg is a sentence for the user.
//   - Banner (ban.go) counts failed logins per caller (an IPv4 address
//     or an IPv6 /64, as internal/server counts callers) and bans
//     callers and the sysop's networks, written through to a store.Bans
//     so bans survive a restart. It plays x/84's fail2ban, but counts
//     failed logins rather than connections, and a correct login does
//     not reset the count. It counts the logins in flight too (Begin,
//     Release, Fail): a caller's attempts in flight plus its failures
//     never pass MaxFailures, so parallel connections check no more
//     passwords before the ban than one connection would.
//
// Every type takes a plain Config-like struct whose zero value gives the
// defaults. RulesFromConfig, HasherFromConfig and BanConfigFromConfig
// build them from internal/config's sections: the converters live here so
// that internal/config imports nothing of x84's.
//
// Errors start with "auth:" and are matched with errors.Is and errors.As,
// except BannedError's and RuleError.Msg, which are meant for callers'
// screens.
//
// Concurrency: Hasher, Validator and Banner are safe for concurrent use.
// None starts a goroutine that outlives a call (argon2 may use Threads
// goroutines during one hash). Banner's locks are leaves of the lock
// order, except that its store-write mutex is taken before its state
// mutex and held during store calls.
package auth
