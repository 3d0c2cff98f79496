// Package smtptest gives a test a real SMTP server of its own: a Postfix
// instance (Debian's postfix package) with its configuration, queue and
// mailbox in the test's temporary directory, listening on free loopback
// ports, and delivering every mail for the domain Domain to one mbox
// file that the test reads (Server.Wait).
//
// With Options.TLS the instance also offers STARTTLS on its port and
// implicit TLS (SMTPS, RFC 8314) on a second one, with a certificate for
// 127.0.0.1 made for the test; Server.Roots trusts it.
//
// Postfix's master runs as root and its daemons drop to the postfix user,
// so the test must run as root (as CI does). Without Postfix, or as
// another user, the test is skipped, or fails with X84_E2E=require (see
// internal/e2e). The instance is stopped when the test ends; its master
// also ends if the test binary dies (the parent-death signal) and after
// an hour in any case.
//
// Concurrency: a Server's methods may be called from any goroutine.
package smtptest
