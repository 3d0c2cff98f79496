package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	_ "net/http/pprof" // as in the binary: see TestNoProfilesServed
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/e2e"
)

func boardName(name string) board.Config { return board.Config{Name: name} }

// TestSecurityHeaders checks the headers on every kind of response:
// the page, an asset, the API, errors, a refused WebSocket.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	want := map[string]string{
		"Strict-Transport-Security": "max-age=31536000",
		"X-Frame-Options":           "DENY",
		"X-Content-Type-Options":    "nosniff",
		"Referrer-Policy":           "no-referrer",
	}
	wsOrigin := http.Header{"Origin": {"https://evil.example"}, "Connection": {"Upgrade"}, "Upgrade": {"websocket"},
		"Sec-Websocket-Version": {"13"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}}
	for _, tt := range []struct {
		path string
		hdr  http.Header
	}{{"/", nil}, {"/assets/x84.js", nil}, {"/api/who", nil}, {"/healthz", nil}, {"/nope", nil}, {"/ws", wsOrigin}} {
		req := mustRequest(t, "GET", f.base+tt.path, nil)
		for k, v := range tt.hdr {
			req.Header[k] = v
		}
		resp, _ := f.do(req)
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("GET %s (%d): %s = %q; want %q", tt.path, resp.StatusCode, k, got, v)
			}
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: Content-Security-Policy %q; want default-src 'none' and frame-ancestors 'none'", tt.path, csp)
		}
		if strings.Contains(csp, "unsafe-inline'") && !strings.Contains(csp, "style-src-attr 'unsafe-inline'") ||
			strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe") {
			t.Errorf("GET %s: Content-Security-Policy %q allows inline or eval'd scripts", tt.path, csp)
		}
	}
}

// TestPage checks that the page loads only files, carries a fresh nonce
// for xterm.js's styles, and that every file it names is served.
func TestPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{board: boardName("The <Board>"), config: func(c *Config) { c.Name = "The <Board>" }})
	resp, body := f.get("/")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET / = %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if !strings.Contains(body, "<title>The &lt;Board&gt;</title>") {
		t.Errorf("GET / title not escaped: %s", body)
	}
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]`).MatchString(body) || strings.Contains(body, " on") && regexp.MustCompile(` on[a-z]+=`).MatchString(body) {
		t.Errorf("GET / has an inline script or handler:\n%s", body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	m := regexp.MustCompile(`style-src-elem 'self' 'nonce-([A-Za-z0-9_-]{20,})'`).FindStringSubmatch(csp)
	if m == nil || !strings.Contains(body, `nonce="`+m[1]+`"`) {
		t.Fatalf("GET /: CSP %q and the script's nonce do not match:\n%s", csp, body)
	}
	if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("GET /: CSP %q; want scripts and connections to this server only", csp)
	}
	_, body2 := f.get("/")
	if strings.Contains(body2, m[1]) {
		t.Errorf("two loads of the page share the nonce %s", m[1])
	}

	for _, src := range regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(body, -1) {
		resp, data := f.get(src[1])
		if resp.StatusCode != 200 || len(data) == 0 {
			t.Errorf("GET %s = %d (%d bytes)", src[1], resp.StatusCode, len(data))
			continue
		}
		ct := resp.Header.Get("Content-Type")
		if strings.HasSuffix(src[1], ".js") && ct != "text/javascript; charset=utf-8" || strings.HasSuffix(src[1], ".css") && ct != "text/css; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", src[1], ct)
		}
		req := mustRequest(t, "GET", f.base+src[1], nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		if resp, _ := f.do(req); resp.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag = %d; want 304", src[1], resp.StatusCode)
		}
	}
	for _, lic := range []string{"/assets/vendor/xterm/LICENSE", "/assets/vendor/addon-fit/LICENSE"} {
		if resp, data := f.get(lic); resp.StatusCode != 200 || !strings.Contains(data, "MIT License") && !strings.Contains(data, "Permission is hereby granted") {
			t.Errorf("GET %s = %d %.60q; want the licence", lic, resp.StatusCode, data)
		}
	}
}

// TestVendoredAssets checks that the embedded xterm.js files are the
// npm packages' own, when node_modules is there to compare with (CI runs
// frontend/build.sh and git diff for the same purpose).
func TestVendoredAssets(t *testing.T) {
	pairs := map[string]string{
		"static/vendor/xterm/lib/xterm.js":         "frontend/node_modules/@xterm/xterm/lib/xterm.js",
		"static/vendor/xterm/css/xterm.css":        "frontend/node_modules/@xterm/xterm/css/xterm.css",
		"static/vendor/addon-fit/lib/addon-fit.js": "frontend/node_modules/@xterm/addon-fit/lib/addon-fit.js",
	}
	for embedded, npm := range pairs {
		want, err := os.ReadFile(npm)
		if err != nil {
			e2e.Missing(t, "no npm packages to compare with (run internal/web/frontend/build.sh, as .ci/run does): %v", err)
		}
		got, err := staticFiles.ReadFile(embedded)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s; run internal/web/frontend/build.sh", embedded, npm)
		}
	}
}

func TestRedirect(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	tests := []struct {
		port       int
		host, path string
		want       string
	}{
		{8443, "bbs.example:8080", "/api/who?limit=3", "https://bbs.example:8443/api/who?limit=3"},
		{443, "bbs.example", "/", "https://bbs.example/"},
		{443, "[::1]:80", "/x", "https://[::1]/x"},
		{8443, "[::1]:80", "/", "https://[::1]:8443/"},
	}
	for _, tt := range tests {
		h := f.web.redirectTo(tt.port)
		req := mustRequest(t, "GET", "http://"+tt.host+tt.path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusPermanentRedirect || rec.Header().Get("Location") != tt.want {
			t.Errorf("redirect of http://%s%s to port %d = %d %q; want 308 %q", tt.host, tt.path, tt.port, rec.Code, rec.Header().Get("Location"), tt.want)
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" || rec.Header().Get("Strict-Transport-Security") != "" {
			t.Errorf("redirect headers %v; want the security headers but HSTS", rec.Header())
		}
	}
}

// The profiles that the control socket serves (its package imports
// net/http/pprof, which also registers them on net/http's default mux)
// are not on the public port.
func TestNoProfilesServed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/heap"} {
		if resp, body := f.get(path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "goroutine") {
			t.Errorf("GET %s = %d %.100q; want 404", path, resp.StatusCode, body)
		}
	}
}
