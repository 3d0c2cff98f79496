package script_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/app"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/testterm"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/script"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
	"go.uber.org/goleak"
)

// regexp2 keeps a clock goroutine for its match timeouts (see
// regex.go) a while after the last match.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"))
}

// fixture is a board on a real SQLite file, with an event bus that
// carries every event as bytes (as one between nodes does), and a script
// engine on a folder of scripts the tests write.
type fixture struct {
	t      testing.TB
	dir    string // the sysop's scripts
	artDir string
	store  *store.Store
	reg    *session.Registry
	bus    *events.Encoded
	svc    *community.Services
	accts  *account.Service
	board  *board.Board
	engine *script.Engine
	log    *logBuffer
}

// options change the fixture's engine and board.
type options struct {
	limits           script.Limits
	onelinerInterval time.Duration
	builtin          fs.FS
	areaNeeds        map[string]access.Need
}

func newFixture(t testing.TB, o options) *fixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	banner, err := auth.NewBanner(t.Context(), auth.BanConfig{}, st.Bans, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: t.TempDir(), artDir: t.TempDir(), store: st, reg: &session.Registry{},
		bus: &events.Encoded{}, log: &logBuffer{}}
	presence := community.NewLocalPresence(f.reg)
	f.accts, err = account.New(t.Context(), account.Config{Users: st.Users, Keys: st.Keys,
		Passwords: &auth.Hasher{Time: 1, MemoryKiB: 64}, Bans: banner, Sessions: presence, AllowAnonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	f.svc, err = community.New(community.Config{Store: st, Events: f.bus, Presence: presence,
		OnelinerInterval: o.onelinerInterval, OnelinerLength: 40, AreaNeeds: o.areaNeeds})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.engine, err = script.New(script.Config{Dir: f.dir, Builtin: o.builtin, Limits: o.limits, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	f.board, err = board.New(board.Config{Name: "Test BBS", Store: st, Events: f.bus, Accounts: f.accts,
		Community: f.svc, Art: art.NewLibrary(f.artDir), DataDir: t.TempDir(), Scripts: app.ScriptRunner(f.engine), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// write saves a script in the sysop's folder.
func (f *fixture) write(name, src string) {
	f.t.Helper()
	if err := os.WriteFile(filepath.Join(f.dir, name+".js"), []byte(src), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// addUser creates an account directly in the store and returns it.
func (f *fixture) addUser(handle string, groups ...string) *store.User {
	f.t.Helper()
	u := &store.User{Handle: handle, Password: "$argon2id$x", Groups: groups, RealName: "Real " + handle,
		Location: "Springfield", Encoding: store.EncodingAuto}
	if err := f.store.Users.CreateUser(f.t.Context(), u); err != nil {
		f.t.Fatal(err)
	}
	u, err := f.store.Users.User(f.t.Context(), handle)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// caller is a caller running a script on an emulated terminal; done
// receives what Engine.Run returned.
type caller struct {
	*testterm.Term
	done chan error
}

// run starts a call by u (nil: anonymous) that runs the script name once
// and then shows "Back at the menu."; u's session is registered, so it
// has a node.
func (f *fixture) run(u *store.User, name string) *caller {
	f.t.Helper()
	return f.runIn(nil, u, name)
}

// runIn is run for a caller who speaks p's language (nil: the built-in
// English).
func (f *fixture) runIn(p *lang.Printer, u *store.User, name string) *caller {
	f.t.Helper()
	if u == nil {
		u = &store.User{}
	}
	c := &caller{done: make(chan error, 1)}
	h := session.HandlerFunc(func(ctx context.Context, s *session.Session) error {
		s.SetUser(u.Handle)
		if p != nil {
			s.SetLang(p)
		}
		call := &board.Call{Session: s, Board: f.board, User: u, Theme: f.board.Theme()}
		err := f.engine.Run(ctx, app.ScriptCall(call), name)
		c.done <- err
		if err == nil {
			s.WriteString("\x1b[2J\x1b[HBack at the menu.")
			_, err = s.ReadKey(ctx) // the call goes on until the test ends
		}
		return err
	})
	c.Term = testterm.Start(f.t, testterm.Options{Cols: 80, Rows: 24, Registry: f.reg}, h)
	return c
}

// result waits for Engine.Run to return and returns its error.
func (c *caller) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-c.done:
		return err
	case <-time.After(15 * time.Second):
		t.Fatalf("the script did not end; screen:\n%s", c.Screen())
		return nil
	}
}

// logBuffer is a log the tests read, safe for concurrent writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitLog waits until the log holds every one of texts.
func (f *fixture) waitLog(texts ...string) string {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := f.log.String()
		missing := ""
		for _, t := range texts {
			if !strings.Contains(s, t) {
				missing = t
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("the log never said %q; it says:\n%s", missing, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
