package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

func TestWho(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	if resp, body := f.get("/api/who"); resp.StatusCode != 200 || body != "[]\n" {
		t.Errorf("GET /api/who with no one online = %d %q; want 200 []", resp.StatusCode, body)
	}
	f.addUser("erin", "erins-password")
	sc := f.terminal(80, 24)
	sc.waitFor("Handle:")
	sc2 := f.terminal(80, 24)
	sc2.waitFor("Handle:")
	sc.typeText("erin\rerins-password\r")
	sc.waitFor("One-liners")
	f.waitSession("logged in", func(s session.Snapshot) bool { return s.User == "erin" })

	resp, body := f.get("/api/who")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/who = %d %s; want 200 application/json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("GET /api/who = %q: %v", body, err)
	}
	if len(list) != 2 {
		t.Fatalf("GET /api/who = %s; want two sessions", body)
	}
	handles := map[any]bool{}
	for _, e := range list {
		keys := make([]string, 0, len(e))
		for k := range e {
			keys = append(keys, k)
		}
		if got := strings.Join(sortStrings(keys), ","); got != "activity,handle,idle_seconds,kind,node" {
			t.Errorf("entry keys = %s; want activity,handle,idle_seconds,kind,node (no address)", got)
		}
		if e["kind"] != "web" {
			t.Errorf("entry %v: kind %v; want web", e, e["kind"])
		}
		handles[e["handle"]] = true
	}
	if !handles["erin"] || !handles[nil] {
		t.Errorf("handles %v; want erin and null", handles)
	}
	if strings.Contains(body, "127.0.0.1") {
		t.Errorf("GET /api/who shows an address: %s", body)
	}
	if resp, body := f.get("/api/who?x=1"); resp.StatusCode != 400 || jsonError(body) == "" {
		t.Errorf("GET /api/who?x=1 = %d %q; want 400 with a JSON error", resp.StatusCode, body)
	}
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestLists(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{board: board.Config{OnelinerCount: 3, LastCallers: 2}, config: func(c *Config) {
		c.OnelinerLimit, c.LastCallersLimit = 3, 2
	}})
	ctx := t.Context()
	f.addUser("erin", "erins-password")
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 5 {
		if err := f.store.Oneliners.AddOneliner(ctx, &store.Oneliner{Handle: "erin", Text: "line " + string(rune('a'+i)), Posted: base.Add(time.Duration(i) * time.Minute)}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Calls.RecordCall(ctx, "erin", "web", base.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		path   string
		status int
		want   string // a regular expression for the body
	}{
		{"/api/oneliners", 200, `^\[{"id":5,"handle":"erin","text":"line e","posted":"2026-01-02T03:08:05Z"},{"id":4,[^]]*},{"id":3,[^]]*}\]\n$`},
		{"/api/oneliners?limit=1", 200, `^\[{"id":5,[^]]*}\]\n$`},
		{"/api/oneliners?limit=100", 200, `^\[({[^}]*},){4}{[^}]*}\]\n$`},
		{"/api/lastcallers", 200, `^\[{"handle":"erin","location":"Springfield","at":"2026-01-02T07:04:05Z","calls":5,"kind":"web"},{[^}]*"calls":4[^}]*}\]\n$`},
		{"/api/lastcallers?limit=5", 200, `^\[({[^}]*},){4}{[^}]*}\]\n$`},
		{"/api/oneliners?limit=0", 400, `limit must be one whole number from 1 to 100`},
		{"/api/oneliners?limit=101", 400, `limit must be one whole number from 1 to 100`},
		{"/api/oneliners?limit=-1", 400, `limit must be`},
		{"/api/oneliners?limit=abc", 400, `limit must be`},
		{"/api/oneliners?limit=1.5", 400, `limit must be`},
		{"/api/oneliners?limit=", 400, `limit must be`},
		{"/api/oneliners?limit=1&limit=2", 400, `limit must be`},
		{"/api/oneliners?limit=99999999999999999999", 400, `limit must be`},
		{"/api/lastcallers?limit=x", 400, `limit must be`},
		{"/api/lastcallers?count=3", 400, `unknown query parameter \\"count\\"`},
		{"/api/oneliners?limit=%zz", 400, `malformed query string`},
	}
	for _, tt := range tests {
		resp, body := f.get(tt.path)
		if resp.StatusCode != tt.status || !regexp.MustCompile(tt.want).MatchString(body) {
			t.Errorf("GET %s = %d %q; want %d matching %s", tt.path, resp.StatusCode, body, tt.status, tt.want)
		}
		if resp.StatusCode >= 400 && jsonError(body) == "" {
			t.Errorf("GET %s: body %q is not a JSON error", tt.path, body)
		}
	}
}

// post posts a one-liner with basic authentication.
func (f *fixture) post(user, password, contentType, body string) (*http.Response, string) {
	f.t.Helper()
	req := mustRequest(f.t, http.MethodPost, f.base+"/api/oneliners", strings.NewReader(body))
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return f.do(req)
}

func TestPostOneliner(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{community: community.Config{OnelinerLength: 20}})
	f.addUser("erin", "erins-password")
	f.addUser("fred", "freds-password")
	const js = "application/json"
	tests := []struct {
		name        string
		user, pass  string
		ctype, body string
		status      int
		want        string
	}{
		{"no auth", "", "", js, `{"text":"hi"}`, 401, "log in with HTTP basic authentication as a user of the board"},
		{"not JSON content type", "erin", "erins-password", "text/plain", `{"text":"hi"}`, 415, "the body must be application/json"},
		{"form", "erin", "erins-password", "application/x-www-form-urlencoded", `text=hi`, 415, "the body must be application/json"},
		{"bad JSON", "erin", "erins-password", js, `{"text":`, 400, `the body must be {"text": "..."}`},
		{"unknown field", "erin", "erins-password", js, `{"text":"hi","x":1}`, 400, `the body must be {"text": "..."}`},
		{"no text", "erin", "erins-password", js, `{}`, 400, `the body must be {"text": "..."}`},
		{"text not a string", "erin", "erins-password", js, `{"text":5}`, 400, `the body must be {"text": "..."}`},
		{"two objects", "erin", "erins-password", js, `{"text":"a"}{"text":"b"}`, 400, `the body must be {"text": "..."}`},
		{"too big", "erin", "erins-password", js, `{"text":"` + strings.Repeat("x", 70000) + `"}`, 413, "the body is larger than 65536 bytes"},
		{"empty", "erin", "erins-password", js, `{"text":"  \u001b[31m "}`, 400, "the one-liner is empty"},
		{"too long", "erin", "erins-password", js, `{"text":"` + strings.Repeat("x", 21) + `"}`, 400, "the one-liner is too long"},
		{"posted", "erin", "erins-password", "application/json; charset=utf-8", `{"text":"hello \u001b[2Jweb"}`, 201, ""},
		{"too soon", "erin", "erins-password", js, `{"text":"again"}`, 429, "Not so fast: you may post again in 60 seconds."},
		{"another user", "fred", "freds-password", js, `{"text":"me too"}`, 201, ""},
	}
	for _, tt := range tests {
		resp, body := f.post(tt.user, tt.pass, tt.ctype, tt.body)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: POST = %d %q; want %d", tt.name, resp.StatusCode, body, tt.status)
			continue
		}
		if tt.want != "" && jsonError(body) != tt.want {
			t.Errorf("%s: POST error %q; want %q", tt.name, jsonError(body), tt.want)
		}
		switch tt.status {
		case 401:
			if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Basic ") {
				t.Errorf("%s: WWW-Authenticate %q; want Basic", tt.name, got)
			}
		case 429:
			if got := resp.Header.Get("Retry-After"); got != "60" {
				t.Errorf("%s: Retry-After %q; want 60", tt.name, got)
			}
		case 201:
			var o struct {
				ID     int64
				Handle string
				Text   string
				Posted time.Time
			}
			if err := json.Unmarshal([]byte(body), &o); err != nil || o.ID == 0 || o.Handle != tt.user || strings.ContainsRune(o.Text, 0x1b) || time.Since(o.Posted) > time.Minute {
				t.Errorf("%s: POST = %q; want the stored one-liner by %s, sanitised", tt.name, body, tt.user)
			}
		}
	}
	list, err := f.store.Oneliners.Oneliners(t.Context(), 10)
	if err != nil || len(list) != 2 || list[1].Text != "hello web" {
		t.Errorf("stored one-liners = %+v, %v; want erin's (sanitised) and fred's", list, err)
	}
}

// A locked account is refused with 403 and says why, not 401 (its
// password is right; asking again would not help).
func TestPostOnelinerLocked(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.addUser("gus", "guss-password")
	u, err := f.store.Users.User(t.Context(), "gus")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Users.ModifyUser(t.Context(), u.ID, func(u *store.User) error {
		u.Groups = append(u.Groups, store.GroupLocked)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A locked account is answered as a wrong password, whatever the
	// password, so that its password can be neither guessed nor
	// confirmed.
	for _, pw := range []string{"guss-password", "wrong-password"} {
		resp, body := f.post("gus", pw, "application/json", `{"text":"hi"}`)
		if resp.StatusCode != 401 || jsonError(body) != "login failed: no such handle, or a wrong password" {
			t.Errorf("POST as a locked user with %q = %d %q; want 401, login failed", pw, resp.StatusCode, body)
		}
	}
}

// TestPostOnelinerBan checks that failed basic-auth logins count toward
// the address's ban, as failed logins on the board do, and that a banned
// address is then refused everywhere.
func TestPostOnelinerBan(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{ban: auth.BanConfig{MaxFailures: 2}})
	f.addUser("erin", "erins-password")
	body := `{"text":"hi"}`
	if resp, b := f.post("erin", "wrong", "application/json", body); resp.StatusCode != 401 || jsonError(b) != "login failed: no such handle, or a wrong password" {
		t.Errorf("first wrong password: %d %q; want 401", resp.StatusCode, b)
	}
	if resp, b := f.post("nobody", "wrong", "application/json", body); resp.StatusCode != 403 || !strings.Contains(jsonError(b), "banned") {
		t.Errorf("second failure: %d %q; want 403 banned", resp.StatusCode, b)
	}
	// On the connection already open: 403 for every request.
	for _, path := range []string{"/api/who", "/", "/healthz"} {
		if resp, b := f.get(path); resp.StatusCode != 403 || jsonError(b) == "" {
			t.Errorf("GET %s from a banned address = %d %q; want 403 with a JSON error", path, resp.StatusCode, b)
		}
	}
	// A new connection is closed as it is accepted, with no answer.
	f.client.CloseIdleConnections()
	if _, resp, err := f.dial("/ws", nil); err == nil || resp != nil {
		t.Errorf("WebSocket from a banned address: %v, %v; want the connection closed without a response", resp, err)
	}
}

// TestPostOnelinerConcurrentLogins limits the logins in progress from
// one address.
func TestPostOnelinerConcurrentLogins(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 10)
	unblock := make(chan struct{})
	// Logins through the real account service, whose password checks
	// wait until the test lets them go.
	f := newFixture(t, setup{passwords: slowPasswords{started: started, unblock: unblock}})
	results := make(chan int, 3)
	for range 2 {
		go func() {
			resp, _ := f.post("erin", "pw", "application/json", `{"text":"hi"}`)
			results <- resp.StatusCode
		}()
	}
	<-started
	<-started
	resp, body := f.post("erin", "pw", "application/json", `{"text":"hi"}`)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || jsonError(body) == "" {
		t.Errorf("a third login at once = %d %q; want 429 with Retry-After", resp.StatusCode, body)
	}
	close(unblock)
	for range 2 {
		if got := <-results; got != 401 {
			t.Errorf("slow logins ended with %d; want 401", got)
		}
	}
}

// slowPasswords checks every password slowly: until unblock closes.
type slowPasswords struct {
	started chan struct{}
	unblock chan struct{}
}

func (slowPasswords) Hash(ctx context.Context, password string) (string, error) { return "hash", nil }

func (p slowPasswords) Verify(ctx context.Context, hash, password string) (bool, bool, error) {
	p.started <- struct{}{}
	<-p.unblock
	return false, false, nil
}

func TestHealthAndErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	tests := []struct {
		method, path string
		status       int
		body         string
		allow        string
	}{
		{"GET", "/healthz", 200, `{"status":"ok"}` + "\n", ""},
		{"HEAD", "/healthz", 200, "", ""},
		{"GET", "/nope", 404, `{"error":"no such page"}` + "\n", ""},
		{"GET", "/api/who/", 404, `{"error":"no such page"}` + "\n", ""},
		{"GET", "/assets/", 404, `{"error":"no such page"}` + "\n", ""},
		{"GET", "/assets/../web.go", 404, `{"error":"no such page"}` + "\n", ""},
		{"POST", "/healthz", 405, `{"error":"method POST not allowed here"}` + "\n", "GET, HEAD"},
		{"DELETE", "/api/oneliners", 405, `{"error":"method DELETE not allowed here"}` + "\n", "GET, HEAD, POST"},
		{"PUT", "/", 405, `{"error":"method PUT not allowed here"}` + "\n", "GET, HEAD"},
		{"GET", "/ws", 426, `{"error":"this is a WebSocket endpoint"}` + "\n", ""},
		{"GET", "/ws/telnet", 426, `{"error":"this is a WebSocket endpoint"}` + "\n", ""},
	}
	for _, tt := range tests {
		resp, body := f.do(mustRequest(t, tt.method, f.base+tt.path, nil))
		if resp.StatusCode != tt.status || body != tt.body || resp.Header.Get("Allow") != tt.allow {
			t.Errorf("%s %s = %d %q (Allow %q); want %d %q (Allow %q)", tt.method, tt.path, resp.StatusCode, body,
				resp.Header.Get("Allow"), tt.status, tt.body, tt.allow)
		}
		if tt.status != 200 && resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: Content-Type %q; want application/json", tt.method, tt.path, resp.Header.Get("Content-Type"))
		}
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef-token"
	f := newFixture(t, setup{config: func(c *Config) { c.MetricsToken = token }})
	sc := f.terminal(80, 24)
	sc.waitFor("Handle:")
	resp, body := f.get("/metrics")
	if resp.StatusCode != 200 || !strings.Contains(body, `x84_sessions_by_kind{kind="web"} 1`) ||
		!strings.Contains(body, `x84_sessions_started_total{kind="web"} 1`) || !strings.Contains(body, "x84_bytes_out_total") ||
		!strings.Contains(body, "x84_session_events_dropped 0") {
		t.Errorf("GET /metrics from loopback = %d; want 200 with the web session counted; got\n%s", resp.StatusCode, body)
	}

	// From elsewhere: only with the token.
	h := f.web.Handler()
	tests := []struct {
		auth   string
		status int
	}{
		{"", 403},
		{"Bearer wrong-token-0123456789", 403},
		{"Bearer " + token + "x", 403},
		{"bearer " + token, 403},
		{"Basic " + token, 403},
		{"Bearer " + token, 200},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = "192.0.2.7:4000"
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("GET /metrics from 192.0.2.7 with %q = %d; want %d", tt.auth, rec.Code, tt.status)
		}
		if rec.Code == 403 && jsonError(rec.Body.String()) == "" {
			t.Errorf("GET /metrics refusal %q; want a JSON error", rec.Body.String())
		}
	}

	// With no token configured, nothing but loopback.
	w := New(Config{Metrics: f.web.cfg.Metrics})
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "[2001:db8::1]:4000"
	req.Header.Set("Authorization", "Bearer ")
	rec := httptest.NewRecorder()
	w.Handler().ServeHTTP(rec, req)
	if rec.Code != 403 {
		t.Errorf("GET /metrics with no token configured, an empty bearer = %d; want 403", rec.Code)
	}
}
