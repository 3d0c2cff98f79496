// Package webadmin is the board's admin in a browser, for sysops: plain
// HTML pages from html/template, served under /admin/ by the HTTPS
// server (package web mounts the Handler as Config.Admin, behind its
// security headers, ban check and body limit).
//
// # Pages
//
//	GET  /admin/login             the login form: handle and board password
//	POST /admin/login             → the code form, for a sysop with two-factor
//	                              login, or /admin/
//	GET  /admin/login/code        the two-factor code form
//	POST /admin/login/code        → /admin/
//	POST /admin/logout            → /admin/login: ends the session, or
//	                              cancels a login waiting for its code
//	GET  /admin/                  who's online; admin.js refreshes it
//	GET  /admin/who.json          its rows, for admin.js (background=1:
//	                              a refresh, not the sysop's use)
//	POST /admin/disconnect        node, since (when the call started):
//	                              end that call, not a later one there
//	POST /admin/broadcast         text: a notice to every caller
//	GET  /admin/users             q (in the handle), page
//	GET  /admin/user              handle: the account and its forms
//	POST /admin/user/profile      handle, real_name, location, email,
//	                              shown_* (the values the page showed:
//	                              only fields that differ are saved),
//	                              password (to change one's own e-mail)
//	POST /admin/user/level        handle, level (0-255)
//	POST /admin/user/groups       handle, groups (separated by commas)
//	POST /admin/user/validate     handle
//	POST /admin/user/lock         handle, locked (1 or 0)
//	POST /admin/user/sysop        handle, sysop (1 or 0)
//	POST /admin/user/totp         handle: remove the second factor;
//	                              password, for one's own
//	GET  /admin/user/delete       handle: confirm a deletion
//	POST /admin/user/delete       handle, confirm (the handle again)
//	GET  /admin/bans              q (in the address or reason), page: the
//	                              bans in force, then those ended
//	POST /admin/bans/add          address (an address or CIDR range; not
//	                              one holding the sysop's own address,
//	                              nor wider than MinBanBitsIPv4/IPv6)
//	POST /admin/bans/remove       address
//	GET  /admin/oneliners         the newest PageSize one-liners
//	POST /admin/oneliners/delete  id
//	GET  /admin/messages          area, after (an ID): a page of a public area
//	POST /admin/messages/delete   id, area, after
//	GET  /admin/config            the running configuration, secrets masked
//	GET  /admin/charts            sessions and logins over the last day
//	GET  /admin/assets/...        admin.css, admin.js, favicon.svg
//
// A POST that succeeds redirects (303) to a page that shows what it did
// once (post, redirect, get); a refusal by the board's rules does the
// same with the rule's words. Other errors are pages with their status:
// 403 (not allowed, CSRF), 404, 405 (with Allow), 413, 429 (too many
// logins of the account wait for their code), 500, 503 (the sessions'
// table is full of other addresses' logins waiting for their code). A
// page of a missing part (no Presence, no Bans...) answers 404.
//
// # Security
//
// The rules are the account service's: Login and LoginSecondFactor (the
// pause, strikes, bans, a code used once), Current for the account as
// stored now, and the methods that change accounts. Only members of
// store.GroupSysop get a session; any other account with a right
// password is told it may not, and gets none. Every request to a
// sysop's page reads the account again: one deleted, locked, no longer a
// sysop, or whose handle now names another account, ends the session at
// once (403). So does a new password or second factor: a session keeps
// a fingerprint of the account's credentials at login (credentials), and
// the next request whose account's differ goes to the login form. A
// sysop who changes their own e-mail address, or turns off their own
// second factor, gives their password again.
//
// A session is a random 256-bit id in the cookie SessionCookie (Secure,
// HttpOnly, SameSite=Strict, Path=/, __Host- prefix, no Max-Age: the
// browser forgets it when it closes), held in memory by its SHA-256: it
// ends after IdleTimeout without a request of the sysop's (admin.js's
// refreshes do not count) or SessionLifetime in all, and a login
// waiting for its code after LoginTimeout; a login starts a new id and
// ends the browser's earlier session. A sysop holds at most
// MaxSessionsPerUser sessions: a new login ends their one unused
// longest. Logins waiting for a code are bounded per account and per
// address (MaxPendingPerUser, MaxPendingPerAddress); a new one ends only
// an older one from its own address, so that someone who has only the
// password cannot end the real sysop's login from elsewhere. MaxSessions
// bounds the table: expired sessions go first, then (when it is full)
// those of accounts that may no longer use the admin, then the session
// unused longest (for a login waiting for its code, never another
// address's waiting login). Each session has a CSRF token, a hidden field
// of every form, compared in constant time on every POST; the login form
// has one of its own, which must equal LoginCookie (double submit). A POST
// whose Origin is another site's, or whose Sec-Fetch-Site is not
// same-origin, is refused before the token is looked at ("Origin: null",
// which the board's no-referrer policy makes browsers send, decides
// nothing: the token does). Every page is
// no-store and has a Content-Security-Policy that allows only the
// admin's own style sheet, script and icon, forms to itself and fetches
// to itself: nothing inline (charts are inline SVG styled by classes).
// Everything callers wrote is stripped of terminal control sequences
// (term.Sanitize) and escaped by html/template.
//
// # Concurrency
//
// A Handler is safe for concurrent use: net/http runs each request in
// its goroutine. The sessions' table has one lock, a leaf; expired
// sessions are removed as they are met and when one is added, so the
// package starts no goroutine. The charts read a metrics.History, which
// its owner runs.
package webadmin
