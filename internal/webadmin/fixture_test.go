package webadmin

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"go.uber.org/goleak"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/internal/metrics"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixture is the admin on real parts: a SQLite store, the account
// service with fast hashing and no failure pause, the community
// services, a session registry, the ban list and the metrics, and a
// clock the test moves.
type fixture struct {
	t        testing.TB
	h        *Handler
	st       *store.Store
	accounts *account.Service
	svc      *community.Services
	bus      *events.Local
	reg      *session.Registry
	banner   *auth.Banner
	met      *metrics.Metrics
	hasher   *auth.Hasher
	settings config.Config

	mu  sync.Mutex
	now time.Time
}

// setup changes the admin's Config before New.
type setup func(*Config)

func newFixture(t testing.TB, su ...setup) *fixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, st: st, bus: &events.Local{}, reg: &session.Registry{}, hasher: &auth.Hasher{Time: 1, MemoryKiB: 64},
		now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	f.banner, err = auth.NewBanner(t.Context(), auth.BanConfig{MaxFailures: 1000}, st.Bans, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.met = metrics.New(f.reg)
	presence := community.NewLocalPresence(f.reg)
	f.accounts, err = account.New(t.Context(), account.Config{Users: st.Users, Keys: st.Keys, Passwords: f.hasher,
		Bans: f.banner, Sessions: presence, OnLogin: f.met.Login, FailDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	f.svc, err = community.New(community.Config{Store: st, Events: f.bus, Presence: presence, OnelinerInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	f.settings = config.Default()
	cfg := Config{Accounts: f.accounts, Presence: presence, Broadcasts: f.svc.Broadcasts, Oneliners: f.svc.Oneliners,
		Messages: f.svc.Messages, Bans: f.banner, History: f.met.NewHistory(5*time.Minute, 288), Settings: &f.settings,
		Name: "Test BBS", Now: f.clock}
	for _, s := range su {
		s(&cfg)
	}
	f.h = New(cfg)
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// advance moves the sessions' clock.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// addUser creates an account with the password and groups.
func (f *fixture) addUser(handle, password string, groups ...string) *store.User {
	f.t.Helper()
	hash, err := f.hasher.Hash(f.t.Context(), password)
	if err != nil {
		f.t.Fatal(err)
	}
	u := &store.User{Handle: handle, Password: hash, Groups: groups, Encoding: store.EncodingAuto, Level: store.DefaultLevel,
		Location: "Springfield"}
	if err := f.st.Users.CreateUser(f.t.Context(), u); err != nil {
		f.t.Fatal(err)
	}
	return u
}

// sysop creates a sysop's account.
func (f *fixture) sysop(handle string) *store.User {
	return f.addUser(handle, "password-"+handle, store.GroupSysop)
}

// withTOTP gives the account a second factor and returns its secret.
func (f *fixture) withTOTP(u *store.User) string {
	f.t.Helper()
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if _, err := f.st.Users.ModifyUser(f.t.Context(), u.ID, func(u *store.User) error {
		u.TOTP = store.TOTP{Secret: secret}
		return nil
	}); err != nil {
		f.t.Fatal(err)
	}
	return secret
}

// user reads an account as stored.
func (f *fixture) user(handle string) *store.User {
	f.t.Helper()
	u, err := f.st.Users.User(f.t.Context(), handle)
	if err != nil {
		f.t.Fatalf("User(%q) = %v", handle, err)
	}
	return u
}

// reply is a response, its body read.
type reply struct {
	*http.Response
	body string
}

// cookie returns the value of a cookie the reply sets, and whether it
// sets one.
func (r reply) cookie(name string) (*http.Cookie, bool) {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c, true
		}
	}
	return nil, false
}

// client is a browser's state: its cookies, its address, and headers
// it sends.
type client struct {
	f       *fixture
	t       testing.TB // whose test the requests are for
	cookies map[string]string
	origin  string            // the Origin header of its POSTs; "" for none
	headers map[string]string // more headers for every request
	remote  string            // its address and port; "" for 192.0.2.10:40000
}

func (f *fixture) client() *client { return &client{f: f, t: f.t, cookies: map[string]string{}} }

// do sends a request through the Handler; form, if non-nil, is posted.
func (c *client) do(method, path string, form url.Values) reply {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequestWithContext(c.t.Context(), method, "https://bbs.example"+path, body)
	req.RemoteAddr = "192.0.2.10:40000"
	if c.remote != "" {
		req.RemoteAddr = c.remote
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.origin != "" {
		req.Header.Set("Origin", c.origin)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	c.f.h.ServeHTTP(rec, req)
	resp := rec.Result()
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	b, _ := io.ReadAll(resp.Body)
	return reply{resp, string(b)}
}

func (c *client) get(path string) reply { c.t.Helper(); return c.do(http.MethodGet, path, nil) }

// post sends a form with the CSRF token of the client's session.
func (c *client) post(path string, form url.Values) reply {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", c.csrf())
	}
	return c.do(http.MethodPost, path, form)
}

// csrf returns the token of the client's session, without counting as
// a use of it.
func (c *client) csrf() string {
	s, ok := c.f.h.sessions.get(c.cookies[SessionCookie], false)
	if !ok {
		return ""
	}
	return s.csrf
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// tokenIn returns the first CSRF token in a page.
func tokenIn(body string) string {
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// login logs in through the form; it returns the reply to the password.
func (c *client) login(handle, password string) reply {
	c.t.Helper()
	page := c.get(Prefix + "login")
	if page.StatusCode != http.StatusOK {
		c.t.Fatalf("GET login = %d", page.StatusCode)
	}
	return c.do(http.MethodPost, Prefix+"login", url.Values{"csrf": {tokenIn(page.body)}, "handle": {handle}, "password": {password}})
}

// loginSysop logs in as the sysop created with f.sysop, and fails the
// test unless the admin lets it in.
func (c *client) loginSysop(u *store.User) {
	c.t.Helper()
	r := c.login(u.Handle, "password-"+u.Handle)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != Prefix {
		c.t.Fatalf("login as %s = %d to %q; want 303 to %s\n%s", u.Handle, r.StatusCode, r.Header.Get("Location"), Prefix, r.body)
	}
}

// code returns the TOTP code of secret for now.
func code(t testing.TB, secret string, now time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// online starts a logged-in session in the registry, which waits for
// keys until it is disconnected or the test ends.
func (f *fixture) online(handle, activity string) *testterm.Term {
	f.t.Helper()
	ready := make(chan struct{})
	tt := testterm.Start(f.t, testterm.Options{Registry: f.reg}, session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		s.SetUser(handle)
		s.SetActivity(activity)
		close(ready)
		for {
			if _, err := s.ReadKey(ctx); err != nil {
				return nil
			}
		}
	}))
	<-ready
	return tt
}
