package filearea

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pkg/sftp"
)

// hideFrom is an AccessHook that hides the folders in hidden (and what
// they hold) from users other than open, and refuses uploads to those
// in noUpload.
type hideFrom struct {
	hidden   []string
	open     int64
	noUpload map[int64]bool
}

func (h hideFrom) Sees(u User, rel string) bool {
	if u.ID == h.open {
		return true
	}
	return !slices.ContainsFunc(h.hidden, func(d string) bool { return rel == d || strings.HasPrefix(rel, d+"/") })
}

func (h hideFrom) MayUpload(u User) error {
	if h.noUpload[u.ID] {
		return errors.New("your account awaits a sysop's validation")
	}
	return nil
}

// TestAccessHook: what the hook hides is not listed, and answers "no
// such file" to stat, open and list, through a symlink too and in the
// tagged folder; the terminal's calls see the same; a user the hook
// refuses uploads nothing; sysops are not asked.
func TestAccessHook(t *testing.T) {
	tags := func(context.Context, int64) ([]string, error) {
		return []string{"pub/readme.txt", "elite/warez.zip"}, nil
	}
	e := newEnv(t, Config{Tagged: tags})
	mustWrite(t, filepath.Join(e.dir, "elite", "warez.zip"), "elite")
	mustWrite(t, filepath.Join(e.dir, "elite", "deep", "x.txt"), "deeper")
	if err := os.Symlink("../elite/warez.zip", filepath.Join(e.dir, "pub", "link.zip")); err != nil {
		t.Fatal(err)
	}
	e.area.SetAccessHook(hideFrom{hidden: []string{"elite"}, open: bob.ID, noUpload: map[int64]bool{alice.ID: true}})

	c := e.connect(t, alice)
	root, err := c.ReadDir("/")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range root {
		names = append(names, fi.Name())
	}
	if want := []string{TaggedDir, "pub", "uploads"}; !slices.Equal(names, want) {
		t.Errorf("root lists %v; want %v (no elite)", names, want)
	}
	for _, p := range []string{"/elite", "/elite/warez.zip", "/elite/deep/x.txt", "/pub/link.zip", "/elite/../elite/warez.zip"} {
		if _, err := c.Stat(p); code(err) != sftp.ErrSSHFxNoSuchFile {
			t.Errorf("stat %s: %v; want no such file", p, err)
		}
		if _, err := c.get(p); code(err) != sftp.ErrSSHFxNoSuchFile {
			t.Errorf("get %s: %v; want no such file", p, err)
		}
	}
	if _, err := c.ReadDir("/elite"); code(err) != sftp.ErrSSHFxNoSuchFile {
		t.Errorf("ls /elite: %v; want no such file", err)
	}
	if ents, err := c.ReadDir("/" + TaggedDir); err != nil || len(ents) != 1 || ents[0].Name() != "readme.txt" {
		t.Errorf("@tagged lists %v, %v; want readme.txt alone", ents, err)
	}
	if err := c.put("/uploads/new.txt", []byte("x")); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("put by a user the hook refuses: %v; want permission denied", err)
	}

	// The terminal's calls on a session see the same.
	ss, err := e.area.NewSession(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	if _, err := ss.Stat("/elite/warez.zip"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Session.Stat(/elite/warez.zip) = %v; want no such file", err)
	}
	if _, err := ss.Create("new.txt"); !errors.Is(err, sftp.ErrSSHFxPermissionDenied) || !strings.Contains(err.Error(), "awaits a sysop") {
		t.Errorf("Session.Create by a user the hook refuses: %v; want permission denied, saying why", err)
	}

	// Others, and sysops, see it all.
	for _, u := range []User{bob, sysop} {
		c := e.connect(t, u)
		if got, err := c.get("/elite/warez.zip"); err != nil || got != "elite" {
			t.Errorf("%s: get /elite/warez.zip = %q, %v", u.Handle, got, err)
		}
		if err := c.put("/uploads/"+u.Handle+".txt", []byte("x")); err != nil {
			t.Errorf("%s: put = %v", u.Handle, err)
		}
	}
}

// Who's online names no file of a folder the AccessHook keeps from some
// callers.
func TestAccessHookActivity(t *testing.T) {
	e := newEnv(t, Config{})
	mustWrite(t, filepath.Join(e.dir, "elite", "warez.zip"), "elite")
	e.area.SetAccessHook(hideFrom{hidden: []string{"elite"}, open: bob.ID})
	ss, err := e.area.NewSession(t.Context(), bob)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var said []string
	ss.Activity = func(a string) { mu.Lock(); said = append(said, a); mu.Unlock() }
	cEnd, sEnd := net.Pipe()
	srv := sftp.NewRequestServer(sEnd, ss.Handlers())
	done := make(chan struct{})
	go func() { srv.Serve(); srv.Close(); ss.Close(); close(done) }()
	cl, err := sftp.NewClientPipe(cEnd, cEnd)
	if err != nil {
		t.Fatal(err)
	}
	c := &conn{Client: cl, raw: cEnd, served: done}
	defer c.drop()
	for _, p := range []string{"/elite/warez.zip", "/pub/readme.txt"} {
		if _, err := c.get(p); err != nil {
			t.Fatalf("get %s: %v", p, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"downloading a file", ActivityIdle, "downloading /pub/readme.txt", ActivityIdle}
	if !slices.Equal(said, want) {
		t.Errorf("activities %q; want %q", said, want)
	}
}
