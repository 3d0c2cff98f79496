// Package web is x84's HTTPS server: the board in a browser, telnet over
// WebSocket for web BBS clients, a small JSON API, health and metrics.
//
// # Routes
//
//	GET  /                 the browser terminal (xterm.js), filling the window
//	GET  /ws               its WebSocket: binary messages carry terminal bytes
//	                       both ways; text messages from the browser carry the
//	                       window size, {"cols":N,"rows":N}, first and on resize
//	GET  /ws/telnet        telnet (RFC 854 and options) inside binary messages,
//	                       for fTelnet, VTX and the like; reuses package telnet
//	GET  /api/who          sessions online: node, handle, kind, activity, idle
//	                       (only with Config.PublicWho; 404 otherwise)
//	GET  /api/oneliners    ?limit=N (1-100), newest first
//	POST /api/oneliners    {"text": "..."} with HTTP basic auth of a board user
//	                       (not one with two-factor login: 401 says so)
//	GET  /api/lastcallers  ?limit=N (1-100), newest first
//	GET  /healthz          {"status":"ok"}
//	GET  /metrics          Prometheus text format; loopback or bearer token
//	GET  /assets/...       the page's files, embedded from static/
//	*    /admin/...        the web admin (Config.Admin, package webadmin), any
//	                       method; /admin redirects to /admin/. HTML pages
//	                       with a Content-Security-Policy of their own; 404
//	                       without Config.Admin
//
// Errors are JSON, {"error": "..."} (the admin's are pages), with the
// status that fits: 404 for an unknown path, 405 (with Allow) for a
// wrong method, 400 for bad parameters or bodies, 401 for failed logins,
// 403 for bans and foreign origins, 413 for bodies over the limit, 429
// (with Retry-After) for limits.
//
// # Terminals
//
// Each WebSocket terminal is a session of the same server.Server as
// telnet and ssh: it is counted against the ban hook and the connection
// limits (server.Server.Reserve) before the upgrade, so one address has
// the same number of sessions whatever the protocol, and runs with
// server.Server.ServeTerm. A browser terminal is kind web, TERM
// xterm-256color, UTF-8, and the browser's window size; it must send its
// size within HelloTimeout. /ws/telnet sessions are kind web too, with
// the terminal type their client negotiates. The Origin header must be
// the server's own (https) or one of AllowedOrigins; a request with no
// Origin is not from a browser and passes. Messages over MaxMessage
// close the connection (1009); a malformed size closes it with a policy
// violation (1008).
//
// # Connections
//
// Every TCP connection of the HTTPS and the redirect listener counts,
// from accept until it closes, against MaxConns in total and
// MaxConnsPerAddress per IPv4 address or IPv6 /64 (server.CallerOf), the
// two listeners together. A connection over a limit, or from an address
// Admit refuses, is closed (reset) as it is accepted, before the TLS
// handshake; refusals are logged at most once a second, with the number
// left unlogged. The limits bound what idle connections cost, with
// ReadHeaderTimeout (a handshake or first request that does not come)
// and IdleTimeout (a keep-alive connection with no next request).
//
// # Security
//
// Every response carries HSTS, a Content-Security-Policy (nothing may be
// loaded except, for the page, its own files and WebSocket; scripts come
// only from files), X-Frame-Options DENY, nosniff and no referrer. Bodies
// are limited by http.MaxBytesReader, and headers, bodies and idle
// connections by http.Server's timeouts; ReadHeaderTimeout also bounds
// the TLS handshake. Only HTTP/1.1 is served: WebSockets need it.
// net/http's own error replies (400 for a malformed request, 431 for
// headers over 16 KiB, 501), written without any handler, get the same
// headers from the connection they are written to (conns.go says how).
// TLS 1.2 offers only ECDHE suites with AES-GCM or ChaCha20-Poly1305;
// TLS 1.3 is preferred when the client has it.
//
// # Certificates
//
// Certificate holds the TLS certificate behind an atomic pointer read by
// tls.Config.GetCertificate, so Reload (on SIGHUP) swaps it for new
// connections without touching open ones. SelfSigned makes an ECDSA
// P-256 certificate for localhost, 127.0.0.1 and ::1 when none is
// configured.
//
// # Front end
//
// static/ is embedded in the binary. Its vendor/ folder holds the files
// of the npm packages @xterm/xterm and @xterm/addon-fit, copied by
// frontend/build.sh after `npm ci` from frontend/package-lock.json; they
// are committed so a fresh clone builds without npm, and CI runs the
// script and checks the copies did not change. x84.js, x84.css and
// index.html are the page's own.
//
// # Concurrency
//
// net/http runs each request in its goroutine. A WebSocket's handler
// upgrades, waits for the window size (or negotiates telnet), then starts
// a goroutine that holds the session (ServeTerm blocks until the session
// ends) and returns, so that net/http's goroutine, its stack grown by the
// TLS handshake, and its state for the connection are not kept as long;
// /ws/telnet adds one read-ahead goroutine per connection so that telnet
// negotiation's read deadlines work. WebSockets are counted, from the
// request to the end of their session's goroutine, so that Shutdown and
// Close wait for them after http.Server forgets hijacked connections.
// The accept loop only counts and closes, never waiting on a client.
// Lock order: Server.mu, Server.postMu and the connection counts' lock
// (server.Limiter) are leaves.
//
// # Memory
//
// An idle terminal keeps little besides its goroutines, its TLS
// connection and its session: the WebSocket reads through a small
// buffer and writes each frame from a pooled one (wsbuf.go) instead of
// keeping net/http's 4 KiB buffers, and writes are bounded by a timer
// rather than by a context, which the websocket package would keep.
package web
