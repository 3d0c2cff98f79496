// Package mail sends the board's mail (password reset codes) through an
// SMTP server, with github.com/wneessen/go-mail.
//
// A Sender takes mails into a bounded queue and one worker goroutine
// delivers them, one connection per mail, so that a caller never waits
// for the SMTP server: Send returns at once, and when the queue is full
// the mail is dropped (ErrQueueFull) and the log says so, at most once a
// minute with the count of mails dropped meanwhile.
//
// The connection is TLS from the start (TLS, RFC 8314), or turns to TLS
// with STARTTLS (RFC 3207) before anything is sent, the server's
// certificate checked; a server that does not offer STARTTLS is refused.
// Clear text (NoTLS) is allowed only to a loopback host. With a user,
// the Sender logs in (SMTP AUTH, RFC 4954) with the strongest mechanism
// the server offers (SCRAM before CRAM-MD5 before PLAIN and LOGIN, the
// last two only over TLS or to a loopback host).
//
// Mail bodies hold secrets (reset codes), and so does the password: the
// log names the recipient and the subject of each mail, never the body or
// the password.
//
// Concurrency: Send may be called from any goroutine. The worker is
// started by New and ends in Shutdown, which lets it deliver what is
// queued until its context ends, then breaks the connection in progress
// and drops the rest.
package mail
