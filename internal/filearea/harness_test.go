package filearea

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pkg/sftp"
	"go.uber.org/goleak"

	"github.com/x84bbs/x84/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeUploads is an in-memory store.Uploads.
type fakeUploads struct {
	mu sync.Mutex
	m  map[string]store.Upload
}

func newFakeUploads() *fakeUploads { return &fakeUploads{m: make(map[string]store.Upload)} }

func (f *fakeUploads) PutUpload(_ context.Context, u store.Upload) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[u.Path] = u
	return nil
}

func (f *fakeUploads) Upload(_ context.Context, p string) (store.Upload, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.m[p]
	if !ok {
		return store.Upload{}, store.ErrNotFound
	}
	return u, nil
}

func (f *fakeUploads) DeleteUpload(_ context.Context, p string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[p]; !ok {
		return store.ErrNotFound
	}
	delete(f.m, p)
	return nil
}

func (f *fakeUploads) UploadUsage(_ context.Context, owner int64) (store.UploadUsage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n store.UploadUsage
	for _, u := range f.m {
		if owner != 0 && u.OwnerID == owner {
			n.Bytes += u.Size
			n.Files++
		}
	}
	return n, nil
}

func (f *fakeUploads) UploadsOf(_ context.Context, owner int64) ([]store.Upload, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ups []store.Upload
	for _, u := range f.m {
		if owner != 0 && u.OwnerID == owner {
			ups = append(ups, u)
		}
	}
	slices.SortFunc(ups, func(a, b store.Upload) int { return strings.Compare(a.Path, b.Path) })
	return ups, nil
}

func (f *fakeUploads) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ps []string
	for p := range f.m {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a file area in a temporary directory laid out like x84's data
// directory:
//
//	tmp/DATA/x84.db             outside the area
//	tmp/DATA/files/             the area
//	tmp/DATA/files/pub/readme.txt
//	tmp/DATA/files/pub/sub/
//	tmp/DATA/files/uploads/
//	tmp/outside/secret.txt      a sibling directory
type env struct {
	tmp, dir string
	area     *Area
	up       *fakeUploads
	logs     *syncBuffer
}

var (
	alice = User{ID: 1, Handle: "Alice"}
	bob   = User{ID: 2, Handle: "bob"}
	sysop = User{ID: 3, Handle: "root", Sysop: true}
)

func newEnv(tb testing.TB, cfg Config) *env {
	tb.Helper()
	tmp := tb.TempDir()
	e := &env{tmp: tmp, dir: filepath.Join(tmp, "DATA", "files"), up: newFakeUploads(), logs: &syncBuffer{}}
	mustWrite(tb, filepath.Join(tmp, "DATA", "x84.db"), "the user database")
	mustWrite(tb, filepath.Join(tmp, "outside", "secret.txt"), "outside secret")
	mustWrite(tb, filepath.Join(e.dir, "pub", "readme.txt"), "hello, caller\n")
	if err := os.MkdirAll(filepath.Join(e.dir, "pub", "sub"), 0o755); err != nil {
		tb.Fatal(err)
	}
	cfg.Dir = e.dir
	cfg.Uploads = e.up
	cfg.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := Open(cfg)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { a.Close() })
	e.area = a
	return e
}

func mustWrite(tb testing.TB, name, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// conn is a pkg/sftp client talking to the area over an in-memory pipe.
type conn struct {
	*sftp.Client
	raw    net.Conn      // the client's end of the pipe
	served chan struct{} // closed when Serve has returned
}

func (e *env) connect(tb testing.TB, u User, opts ...sftp.ClientOption) *conn {
	tb.Helper()
	return e.connectCtx(tb, context.Background(), u, opts...)
}

// connectCtx is connect with the session context ctx.
func (e *env) connectCtx(tb testing.TB, ctx context.Context, u User, opts ...sftp.ClientOption) *conn {
	tb.Helper()
	ss, err := e.area.NewSession(ctx, u)
	if err != nil {
		tb.Fatalf("NewSession(%+v): %v", u, err)
	}
	cEnd, sEnd := net.Pipe()
	srv := sftp.NewRequestServer(sEnd, ss.Handlers())
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve()
		srv.Close()
		ss.Close()
	}()
	cl, err := sftp.NewClientPipe(cEnd, cEnd, opts...)
	if err != nil {
		cEnd.Close()
		<-served
		tb.Fatalf("NewClientPipe: %v", err)
	}
	c := &conn{Client: cl, raw: cEnd, served: served}
	tb.Cleanup(c.drop)
	return c
}

// drop ends the connection as a crashing client would, without closing
// any handle, and waits until the server has finished with it.
func (c *conn) drop() {
	c.raw.Close()
	<-c.served
	c.Client.Close()
}

// code returns the SFTP status of err: pkg/sftp's client turns no such
// file and permission denied into os errors and leaves the rest as
// *sftp.StatusError.
func code(err error) error {
	var se *sftp.StatusError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return se.FxCode()
	case errors.Is(err, os.ErrPermission):
		return sftp.ErrSSHFxPermissionDenied
	case errors.Is(err, os.ErrNotExist):
		return sftp.ErrSSHFxNoSuchFile
	}
	return err
}

func (c *conn) put(name string, data []byte) error {
	f, err := c.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.ReadFrom(bytes.NewReader(data)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (c *conn) get(name string) (string, error) {
	f, err := c.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	_, err = f.WriteTo(&b)
	return b.String(), err
}

// names lists the directory on disk, temporary files included.
func (e *env) names(tb testing.TB, rel string) []string {
	tb.Helper()
	ents, err := os.ReadDir(filepath.Join(e.dir, filepath.FromSlash(rel)))
	if err != nil {
		tb.Fatal(err)
	}
	var ns []string
	for _, d := range ents {
		ns = append(ns, d.Name())
	}
	return ns
}

func (e *env) noTemps(tb testing.TB) {
	tb.Helper()
	filepath.WalkDir(e.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tempPrefix) {
			tb.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}
