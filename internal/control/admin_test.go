package control

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

// adminFixture is a control server with the account endpoints, on a real
// account service and database.
type adminFixture struct {
	st       *store.Store
	banner   *auth.Banner
	accounts *account.Service
	path     string // the control socket
	client   *Client
}

func newAdminFixture(t *testing.T) *adminFixture {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	banner, err := auth.NewBanner(ctx, auth.BanConfig{}, st.Bans, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := account.New(ctx, account.Config{Users: st.Users, Keys: st.Keys,
		Passwords: &auth.Hasher{Time: 1, MemoryKiB: 64}, Bans: banner, FailDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &adminFixture{st: st, banner: banner, accounts: svc}
}

// serve starts the control server on a socket and returns a function
// that closes the client, shuts the server down and waits for Serve.
func (f *adminFixture) serve(t *testing.T) (stop func()) {
	t.Helper()
	presence := community.NewLocalPresence(&session.Registry{})
	comm, err := community.New(community.Config{Store: f.st, Events: &events.Local{}, Presence: presence})
	if err != nil {
		t.Fatal(err)
	}
	f.path = filepath.Join(t.TempDir(), "x84.sock")
	l, err := Listen(f.path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Presence: presence, Accounts: f.accounts, Broadcasts: comm.Broadcasts})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	f.client = NewClient(f.path)
	return func() {
		f.client.Close()
		if err := srv.Shutdown(t.Context()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}
}

// getRaw fetches path from the control socket and returns the body as
// it is, to see what goes over the wire.
func (f *adminFixture) getRaw(t *testing.T, path string) string {
	t.Helper()
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", f.path)
	}}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://x84"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %s, %q, %v", path, resp.Status, b, err)
	}
	return string(b)
}

// newKey returns a fresh ed25519 public key as an authorized_keys line
// with comment, and its fingerprint.
func newKey(t *testing.T, comment string) (line, fingerprint string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k))) + " " + comment, ssh.FingerprintSHA256(k)
}

func handles(list []User) []string {
	out := make([]string, len(list))
	for i, u := range list {
		out[i] = u.Handle
	}
	return out
}

// TestAdminThroughSocket runs `x84 user …`'s calls through a running
// server's control socket, one after another, as a sysop would.
func TestAdminThroughSocket(t *testing.T) {
	f := newAdminFixture(t)
	defer f.serve(t)()
	ctx := t.Context()
	c := f.client
	const pw = "correct horse"

	t.Run("add and list users", func(t *testing.T) {
		for _, u := range []struct {
			handle string
			sysop  bool
		}{{"alice", false}, {"Bob", true}} {
			if err := c.AddUser(ctx, u.handle, pw, u.sysop); err != nil {
				t.Fatalf("AddUser(%q): %v", u.handle, err)
			}
		}
		list, err := c.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := handles(list); !slices.Equal(got, []string{"alice", "Bob"}) {
			t.Fatalf("ListUsers handles = %q; want [alice Bob]", got)
		}
		// alice is the board's first account, but `x84 user add` makes a
		// sysop only when asked (account.Service.Create).
		if len(list[0].Groups) != 0 || !slices.Equal(list[1].Groups, []string{store.GroupSysop}) {
			t.Errorf("groups = %q, %q; want none for alice, sysop for Bob", list[0].Groups, list[1].Groups)
		}
		for _, u := range list {
			if u.Created.IsZero() || u.LastCall != nil || u.Calls != 0 {
				t.Errorf("%s: Created %v, LastCall %v, Calls %d; want a creation time and no calls", u.Handle, u.Created, u.LastCall, u.Calls)
			}
		}
		// The store has a hash; the socket does not show it.
		su, err := f.st.Users.User(ctx, "alice")
		if err != nil || !strings.HasPrefix(su.Password, "$argon2id$") {
			t.Fatalf("stored user = %+v, %v; want an argon2id hash", su, err)
		}
		body := f.getRaw(t, "/v1/users")
		if strings.Contains(strings.ToLower(body), "password") || strings.Contains(body, su.Password) || strings.Contains(body, "$argon2") {
			t.Errorf("GET /v1/users shows the password hash: %s", body)
		}
		if !strings.Contains(body, `"handle":"alice"`) {
			t.Errorf("GET /v1/users = %s; want alice in it", body)
		}
	})

	t.Run("set password", func(t *testing.T) {
		if err := c.SetPassword(ctx, "alice", "battery staple"); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if err := f.accounts.Verify(ctx, "alice", "battery staple"); err != nil {
			t.Errorf("Verify with the new password: %v", err)
		}
		if err := f.accounts.Verify(ctx, "alice", pw); !errors.Is(err, account.ErrWrongPassword) {
			t.Errorf("Verify with the old password = %v; want ErrWrongPassword", err)
		}
	})

	t.Run("ban and unban", func(t *testing.T) {
		for _, tt := range []struct {
			address, prefix string
			inside          string // an address the ban covers
		}{
			{"203.0.113.7", "203.0.113.7/32", "203.0.113.7"},
			{"2001:db8::1/48", "2001:db8::/48", "2001:db8:0:ffff::9"},
		} {
			p, err := c.Ban(ctx, tt.address)
			if err != nil || p != tt.prefix {
				t.Errorf("Ban(%q) = %q, %v; want %q", tt.address, p, err, tt.prefix)
			}
			// The running server's banner holds it at once.
			if err := f.banner.Check(netip.MustParseAddr(tt.inside)); err == nil {
				t.Errorf("after Ban(%q), %s is let in", tt.address, tt.inside)
			}
			p, err = c.Unban(ctx, tt.address)
			if err != nil || p != tt.prefix {
				t.Errorf("Unban(%q) = %q, %v; want %q", tt.address, p, err, tt.prefix)
			}
			if err := f.banner.Check(netip.MustParseAddr(tt.inside)); err != nil {
				t.Errorf("after Unban(%q), %s is refused: %v", tt.address, tt.inside, err)
			}
		}
	})

	t.Run("keys", func(t *testing.T) {
		line, fp := newKey(t, "alice@laptop")
		got, err := c.AddKey(ctx, "alice", line)
		if err != nil || got != fp {
			t.Fatalf("AddKey = %q, %v; want %q", got, err, fp)
		}
		keys, err := c.ListKeys(ctx, "alice")
		if err != nil || len(keys) != 1 {
			t.Fatalf("ListKeys = %+v, %v; want one key", keys, err)
		}
		k := keys[0]
		if k.Fingerprint != fp || k.Key != strings.TrimSuffix(line, " alice@laptop") || k.Comment != "alice@laptop" || k.Added.IsZero() {
			t.Errorf("ListKeys()[0] = %+v; want %s, %q", k, fp, line)
		}
		if err := c.DeleteKey(ctx, "alice", fp); err != nil {
			t.Fatalf("DeleteKey: %v", err)
		}
		if keys, err := c.ListKeys(ctx, "alice"); err != nil || len(keys) != 0 {
			t.Errorf("ListKeys after DeleteKey = %+v, %v; want none", keys, err)
		}
	})

	t.Run("delete user", func(t *testing.T) {
		if err := c.DeleteUser(ctx, "alice"); err != nil {
			t.Fatalf("DeleteUser: %v", err)
		}
		list, err := c.ListUsers(ctx)
		if got := handles(list); err != nil || !slices.Equal(got, []string{"Bob"}) {
			t.Errorf("ListUsers after DeleteUser = %q, %v; want [Bob]", got, err)
		}
	})
}

// errorCase is a call that must fail, and how.
type errorCase struct {
	name string
	call func(context.Context, Admin) error
	is   error
	// text is what the sysop reads: for a refused value (ErrInvalid), the
	// rule's own words; otherwise the error's text. The Client's error is
	// exactly that.
	text string
}

func adminErrorCases(key string) []errorCase {
	const pw = "correct horse"
	addUser := func(h string) func(context.Context, Admin) error {
		return func(ctx context.Context, a Admin) error { return a.AddUser(ctx, h, pw, false) }
	}
	return []errorCase{
		{"reserved handle", addUser("sysop"), account.ErrInvalid, "That name is reserved."},
		{"reserved handle in capitals", addUser("SysOp"), account.ErrInvalid, "That name is reserved."},
		{"short handle", addUser("al"), account.ErrInvalid, "Handles are 3 to 16 characters long."},
		{"short password", func(ctx context.Context, a Admin) error { return a.AddUser(ctx, "carol", "short", false) },
			account.ErrInvalid, "Passwords need at least 8 characters."},
		{"taken handle", addUser("alice"), store.ErrExists, `account: the handle "alice" is taken`},
		{"taken handle, other case", addUser("ALICE"), store.ErrExists, `account: the handle "ALICE" is taken`},
		{"password of an unknown user", func(ctx context.Context, a Admin) error { return a.SetPassword(ctx, "ghost", pw) },
			store.ErrNotFound, `no user "ghost"`},
		{"password of an unknown user with a slash", func(ctx context.Context, a Admin) error { return a.SetPassword(ctx, "gh/ost", pw) },
			store.ErrNotFound, `no user "gh/ost"`},
		{"delete an unknown user", func(ctx context.Context, a Admin) error { return a.DeleteUser(ctx, "ghost") },
			store.ErrNotFound, `no user "ghost"`},
		{"ban junk", func(ctx context.Context, a Admin) error {
			p, err := a.Ban(ctx, "not-an-address")
			if p != "" {
				return errors.New("Ban returned a prefix with its error: " + p)
			}
			return err
		}, account.ErrInvalid, `"not-an-address" is not an IP address or CIDR range`},
		{"unban junk", func(ctx context.Context, a Admin) error { _, err := a.Unban(ctx, "10.0.0.0/33"); return err },
			account.ErrInvalid, `"10.0.0.0/33" is not an IP address or CIDR range`},
		{"unban an address that is not banned", func(ctx context.Context, a Admin) error { _, err := a.Unban(ctx, "10.0.0.1"); return err },
			store.ErrNotFound, "10.0.0.1 is not banned"},
		{"unban an IPv6 address that is not banned", func(ctx context.Context, a Admin) error { _, err := a.Unban(ctx, "2001:db8::1"); return err },
			store.ErrNotFound, "2001:db8::1 is not banned"},
		{"unban what is not banned", func(ctx context.Context, a Admin) error {
			p, err := a.Unban(ctx, "198.51.100.9/24")
			if p != "" {
				return errors.New("Unban returned a prefix with its error: " + p)
			}
			return err
		}, store.ErrNotFound, "198.51.100.0/24 is not banned"},
		{"keys of an unknown user", func(ctx context.Context, a Admin) error { _, err := a.ListKeys(ctx, "ghost"); return err },
			store.ErrNotFound, `no user "ghost"`},
		{"junk key", func(ctx context.Context, a Admin) error {
			_, err := a.AddKey(ctx, "alice", "ssh-ed25519 junk")
			return err
		},
			account.ErrInvalid, "That is not an ssh public key: paste the whole line of your .pub file."},
		{"key registered already", func(ctx context.Context, a Admin) error { _, err := a.AddKey(ctx, "alice", key); return err },
			store.ErrExists, "account: the key " + fingerprint(key) + " is registered already"},
		{"key for an unknown user", func(ctx context.Context, a Admin) error { _, err := a.AddKey(ctx, "ghost", key); return err },
			store.ErrNotFound, `no user "ghost"`},
		{"delete an unknown key", func(ctx context.Context, a Admin) error { return a.DeleteKey(ctx, "alice", "SHA256:nope+/") },
			store.ErrNotFound, "alice has no key SHA256:nope+/"},
	}
}

// fingerprint returns the fingerprint of an authorized_keys line.
func fingerprint(line string) string {
	k, err := account.ParsePublicKey("", line)
	if err != nil {
		panic(err) // the tests' own keys parse
	}
	return k.Fingerprint
}

// TestAdminErrors checks the refusals through the socket, and that the
// offline path (Local, on the same service) gives the same answers:
// `x84 user` uses whichever is there, so the sysop must not tell the
// difference.
func TestAdminErrors(t *testing.T) {
	f := newAdminFixture(t)
	defer f.serve(t)()
	ctx := t.Context()
	if err := f.client.AddUser(ctx, "alice", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	key, _ := newKey(t, "")
	if _, err := f.client.AddKey(ctx, "alice", key); err != nil {
		t.Fatal(err)
	}
	admins := []struct {
		name  string
		admin Admin
	}{{"client", f.client}, {"local", NewLocal(f.accounts)}}
	for _, tt := range adminErrorCases(key) {
		t.Run(tt.name, func(t *testing.T) {
			var texts []string
			for _, a := range admins {
				err := tt.call(ctx, a.admin)
				if !errors.Is(err, tt.is) {
					t.Errorf("%s: error %v; want one matching %v", a.name, err, tt.is)
					texts = append(texts, fmt.Sprint(err))
					continue
				}
				// What `x84 user` shows: the rule's words, else the text.
				text := account.Message(err)
				if text == "" {
					text = err.Error()
				}
				texts = append(texts, text)
				if text != tt.text {
					t.Errorf("%s: text %q; want %q", a.name, text, tt.text)
				}
				// Through the socket the error's text is exactly that.
				if a.admin == Admin(f.client) && err.Error() != text {
					t.Errorf("%s: Error() = %q; want %q", a.name, err.Error(), text)
				}
			}
			// The sysop cannot tell which way the call went.
			if texts[0] != texts[1] {
				t.Errorf("client says %q, local says %q", texts[0], texts[1])
			}
		})
	}
	// Nothing above changed the accounts.
	for _, a := range admins {
		list, err := a.admin.ListUsers(ctx)
		if got := handles(list); err != nil || !slices.Equal(got, []string{"alice"}) {
			t.Errorf("%s: ListUsers = %q, %v; want [alice]", a.name, got, err)
		}
	}
}

// TestAdminLocalMatchesClient runs the same successful calls both ways
// and compares the answers.
func TestAdminLocalMatchesClient(t *testing.T) {
	f := newAdminFixture(t)
	defer f.serve(t)()
	ctx := t.Context()
	local := NewLocal(f.accounts)
	for _, u := range []struct {
		admin  Admin
		handle string
	}{{f.client, "usera"}, {local, "userb"}} {
		if err := u.admin.AddUser(ctx, u.handle, "correct horse", false); err != nil {
			t.Fatalf("AddUser(%q): %v", u.handle, err)
		}
	}
	viaClient, err := f.client.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	viaLocal := mustList(t, local)
	if len(viaClient) != 2 || len(viaLocal) != 2 {
		t.Fatalf("ListUsers: client %q, local %q; want two users each", handles(viaClient), handles(viaLocal))
	}
	for i := range viaLocal {
		c, l := viaClient[i], viaLocal[i]
		// Times go through JSON: compare instants, not representations.
		if c.Handle != l.Handle || !slices.Equal(c.Groups, l.Groups) || c.Calls != l.Calls ||
			!c.Created.Equal(l.Created) || !sameTime(c.LastCall, l.LastCall) ||
			c.RealName != l.RealName || c.Location != l.Location || c.Email != l.Email {
			t.Errorf("user %d: client %+v, local %+v", i, c, l)
		}
	}
	// A ban made one way is lifted the other, with the same prefix.
	p1, err1 := f.client.Ban(ctx, "192.0.2.0/24")
	p2, err2 := local.Unban(ctx, "192.0.2.0/24")
	if err1 != nil || err2 != nil || p1 != p2 || p1 != "192.0.2.0/24" {
		t.Errorf("client Ban = %q, %v; local Unban = %q, %v", p1, err1, p2, err2)
	}
	// A key added locally is listed through the socket.
	line, fp := newKey(t, "k")
	if got, err := local.AddKey(ctx, "usera", line); err != nil || got != fp {
		t.Fatalf("local AddKey = %q, %v; want %q", got, err, fp)
	}
	kc, errc := f.client.ListKeys(ctx, "usera")
	kl, errl := local.ListKeys(ctx, "usera")
	if errc != nil || errl != nil || len(kc) != 1 || len(kl) != 1 ||
		kc[0].Key != kl[0].Key || kc[0].Fingerprint != kl[0].Fingerprint || kc[0].Comment != kl[0].Comment || !kc[0].Added.Equal(kl[0].Added) {
		t.Errorf("ListKeys: client %+v, %v; local %+v, %v", kc, errc, kl, errl)
	}
}

func mustList(t *testing.T, a Admin) []User {
	t.Helper()
	list, err := a.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestBroadcastThroughSocket(t *testing.T) {
	f := newAdminFixture(t)
	defer f.serve(t)()
	for _, tt := range []struct {
		name    string
		text    string
		wantErr string // "" for success
	}{
		{"text", "The board goes down at midnight.", ""},
		{"empty", "", "nothing to broadcast"},
		{"only spaces", " \t ", "nothing to broadcast"},
		{"only control sequences", "\x1b[2J", "nothing to broadcast"},
		{"too long", strings.Repeat("x", community.BroadcastMax+1), "a broadcast has at most 1000 characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := f.client.Broadcast(t.Context(), tt.text)
			switch {
			case tt.wantErr == "" && (err != nil || n != 0):
				t.Errorf("Broadcast = %d, %v; want 0 sessions", n, err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr || n != 0):
				t.Errorf("Broadcast = %d, %v; want 0, %q", n, err, tt.wantErr)
			}
		})
	}
}

// sameTime reports whether two optional times are both absent or the same
// instant.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// TestListUsersLastCall: a user who never called has no last call, null
// in JSON, both ways; one who called has the call's time.
func TestListUsersLastCall(t *testing.T) {
	f := newAdminFixture(t)
	defer f.serve(t)()
	ctx := t.Context()
	for _, h := range []string{"alice", "bob"} {
		if err := f.client.AddUser(ctx, h, "correct horse", false); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if _, err := f.st.Calls.RecordCall(ctx, "bob", "telnet", at); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		name  string
		admin Admin
	}{{"client", f.client}, {"local", NewLocal(f.accounts)}} {
		list, err := a.admin.ListUsers(ctx)
		if err != nil || len(list) != 2 {
			t.Fatalf("%s: ListUsers = %+v, %v; want alice and bob", a.name, list, err)
		}
		if list[0].LastCall != nil {
			t.Errorf("%s: alice, who never called: LastCall = %v; want nil", a.name, *list[0].LastCall)
		}
		if list[1].LastCall == nil || !list[1].LastCall.Equal(at) {
			t.Errorf("%s: bob: LastCall = %v; want %v", a.name, list[1].LastCall, at)
		}
	}
	var raw []map[string]any
	body := f.getRaw(t, "/v1/users")
	if err := json.Unmarshal([]byte(body), &raw); err != nil || len(raw) != 2 {
		t.Fatalf("GET /v1/users = %s, %v", body, err)
	}
	if v, ok := raw[0]["last_call"]; !ok || v != nil {
		t.Errorf("GET /v1/users: alice's last_call = %#v (present %v); want null", v, ok)
	}
	if v := raw[1]["last_call"]; v != "2026-03-04T05:06:07Z" {
		t.Errorf("GET /v1/users: bob's last_call = %#v; want \"2026-03-04T05:06:07Z\"", v)
	}
}
