package files_test

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pkg/sftp"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/store"
)

// An area whose level or group the caller lacks is not listed, searched
// or opened.
func TestAreaNeeds(t *testing.T) {
	f := newFixture(t, files.Config{Areas: []files.AreaConfig{
		{Name: "Pub", Dir: "pub"},
		{Name: "Root", Dir: "", Need: access.Need{Level: 50}},
		{Name: "Staff", Dir: "pub", Need: access.Need{Group: "staff"}},
	}})
	as := func(level int, groups ...string) files.User {
		u := f.user
		u.Account = &store.User{ID: u.ID, Handle: u.Handle, Level: level, Groups: groups}
		return u
	}
	tests := []struct {
		name  string
		user  files.User
		areas []string
	}{
		{"level 10", as(10), []string{"Pub", "Uploads"}},
		{"level 50", as(50), []string{"Pub", "Root", "Uploads"}},
		{"staff", as(10, "staff"), []string{"Pub", "Staff", "Uploads"}},
		{"unvalidated at 255 in staff", as(255, "staff", store.GroupUnvalidated), []string{"Pub", "Uploads"}},
		{"no account given", f.user, []string{"Pub", "Uploads"}},
		{"sysop", f.sysop, []string{"Pub", "Root", "Staff", "Uploads"}},
	}
	all := f.open(f.sysop).Areas()
	// Browsers are closed as they go: a user may hold only a few.
	open := func(u files.User) *files.Browser {
		b, err := f.svc.Open(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tt := range tests {
		b := open(tt.user)
		var got []string
		for _, a := range b.Areas() {
			got = append(got, a.Name)
		}
		if !slices.Equal(got, tt.areas) {
			t.Errorf("%s: Areas() = %v; want %v", tt.name, got, tt.areas)
		}
		for _, a := range all {
			_, err := b.List(a)
			if opens := slices.Contains(tt.areas, a.Name); opens != !errors.Is(err, files.ErrNoArea) {
				t.Errorf("%s: List(%s) = %v; want open %v", tt.name, a.Name, err, opens)
			}
		}
		b.Close()
	}
	open1 := func(u files.User) *files.Browser { b := open(u); t.Cleanup(b.Close); return b }
	// A search covers only the areas listed: other.txt is in Root.
	found, err := open1(as(10)).Search("other")
	if err != nil || len(found) != 0 {
		t.Errorf("Search(other) at level 10 = %v, %v; want nothing", names(found), err)
	}
	found, err = open1(as(50)).Search("other")
	if err != nil || !slices.Equal(names(found), []string{"other.txt"}) {
		t.Errorf("Search(other) at level 50 = %v, %v; want other.txt", names(found), err)
	}
	// Uploads from an area the caller cannot see are refused.
	root := all[slices.IndexFunc(all, func(a files.Area) bool { return a.Name == "Root" })]
	if _, err := open1(as(10)).Receive(root); !errors.Is(err, files.ErrNoArea) {
		t.Errorf("Receive(Root) at level 10 = %v; want ErrNoArea", err)
	}
	if msg, ok := files.Message(files.ErrNoArea); !ok || msg == "" {
		t.Errorf("Message(ErrNoArea) = %q, %v; want a text for the caller", msg, ok)
	}
}

// accessFixture is the fixture with a root area that needs level 50, a
// public area and a sysop's area, and a caller's Browser at a level.
func accessFixture(t *testing.T) (*fixture, func(level int, groups ...string) files.User) {
	f := newFixture(t, files.Config{Areas: []files.AreaConfig{
		{Name: "Pub", Dir: "pub"},
		{Name: "Root", Dir: "", Need: access.Need{Level: 50}},
		{Name: "Vault", Dir: "vault", SysopOnly: true},
	}})
	if err := os.Mkdir(filepath.Join(f.dir, "vault"), 0o755); err != nil {
		t.Fatal(err)
	}
	f.write("vault/v.txt", []byte("the sysop's"))
	return f, func(level int, groups ...string) files.User {
		u := f.user
		u.Account = &store.User{ID: u.ID, Handle: u.Handle, Level: level, Groups: groups}
		return u
	}
}

// Files in areas the caller may not see are neither tagged, listed as
// tagged, viewed, prepared for a download nor linked: each path is
// judged by the area that holds it, whatever a screen hands in.
func TestPathsNeedTheirArea(t *testing.T) {
	f, as := accessFixture(t)
	low := f.open(as(10))
	hidden := []string{"/other.txt", "/vault/v.txt", "pub/../other.txt", "/vault/../vault/v.txt"}
	for _, p := range hidden {
		if err := low.Tag(p, true); !errors.Is(err, files.ErrNoArea) {
			t.Errorf("Tag(%q) at level 10 = %v; want ErrNoArea", p, err)
		}
		if _, err := low.Prepare([]string{"/pub/a.txt", p}); !errors.Is(err, files.ErrNoArea) {
			t.Errorf("Prepare(%q) at level 10 = %v; want ErrNoArea", p, err)
		}
		if _, err := low.Link(p, netip.MustParseAddr("192.0.2.1")); !errors.Is(err, files.ErrNoArea) {
			t.Errorf("Link(%q) at level 10 = %v; want ErrNoArea", p, err)
		}
		if _, err := low.View(p); !errors.Is(err, files.ErrNoArea) {
			t.Errorf("View(%q) at level 10 = %v; want ErrNoArea", p, err)
		}
	}
	if err := low.Tag("/pub/a.txt", true); err != nil {
		t.Fatal(err)
	}
	if bt, err := low.Prepare([]string{"/pub/a.txt"}); err != nil {
		t.Errorf("Prepare(/pub/a.txt) at level 10 = %v", err)
	} else {
		bt.Release()
	}
	// Tags made while the caller could see the area (here straight in
	// the store) are left out, not dropped: they count again once the
	// area opens to him.
	for _, rel := range []string{"other.txt", "vault/v.txt"} {
		if err := f.st.Files.Tag(t.Context(), f.user.ID, rel, 100); err != nil {
			t.Fatal(err)
		}
	}
	tagged, total, err := low.Tagged()
	if err != nil || !slices.Equal(names(tagged), []string{"a.txt"}) || total != 13 {
		t.Errorf("Tagged() at level 10 = %v, %d, %v; want a.txt only", names(tagged), total, err)
	}
	if tags, _ := f.st.Files.Tags(t.Context(), f.user.ID); len(tags) != 3 {
		t.Errorf("stored tags after Tagged() = %v; want the hidden ones kept", tags)
	}
	tagged, _, err = f.open(as(50)).Tagged()
	if err != nil || !slices.Equal(names(tagged), []string{"a.txt", "other.txt"}) {
		t.Errorf("Tagged() at level 50 = %v, %v; want a.txt and other.txt", names(tagged), err)
	}
	// Untagging is always allowed; sysops tag anything.
	if err := low.Tag("/other.txt", false); err != nil {
		t.Errorf("untag at level 10 = %v", err)
	}
	if err := f.open(f.sysop).Tag("/vault/v.txt", true); err != nil {
		t.Errorf("a sysop's Tag(/vault/v.txt) = %v", err)
	}
}

// An account awaiting validation reads what level 0 opens but uploads
// nothing, with a sentence saying why.
func TestUnvalidatedUploads(t *testing.T) {
	f, as := accessFixture(t)
	b := f.open(as(255, store.GroupUnvalidated))
	pub := b.Areas()[0]
	if b.MayUpload(pub) {
		t.Errorf("MayUpload(Pub) for an unvalidated account = true")
	}
	_, err := b.Receive(pub)
	if !errors.Is(err, access.ErrUnvalidated) {
		t.Fatalf("Receive(Pub) for an unvalidated account = %v; want ErrUnvalidated", err)
	}
	if msg, ok := files.Message(err); !ok || msg != "Your account awaits a sysop's validation." {
		t.Errorf("Message(%v) = %q, %v", err, msg, ok)
	}
	if _, err := b.List(pub); err != nil {
		t.Errorf("List(Pub) for an unvalidated account = %v; want it readable", err)
	}
	if r, err := f.open(as(10)).Receive(pub); err != nil || r == nil {
		t.Errorf("Receive(Pub) at level 10 = %v", err)
	}
}

// sftpClient serves a file area session of u to an sftp client.
func sftpClient(t *testing.T, f *fixture, u filearea.User) *sftp.Client {
	ss, err := f.svc.Area().NewSession(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	cEnd, sEnd := net.Pipe()
	srv := sftp.NewRequestServer(sEnd, ss.Handlers())
	done := make(chan struct{})
	go func() { srv.Serve(); srv.Close(); close(done) }()
	cl, err := sftp.NewClientPipe(cEnd, cEnd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close(); cEnd.Close(); <-done; ss.Close() })
	return cl
}

// sftp hides and refuses the folders and files of areas the user may
// not see: the root's files (level 50), the sysop's vault; the root
// itself stays open on the way to Pub and the upload folder. An
// account awaiting validation sees what level 0 opens and uploads
// nothing.
func TestSFTPAreaNeeds(t *testing.T) {
	f, as := accessFixture(t)
	fa := func(u files.User) filearea.User {
		return filearea.User{ID: u.ID, Handle: u.Handle, Sysop: u.Sysop, Account: u.Account}
	}
	ls := func(cl *sftp.Client, dir string) ([]string, error) {
		ents, err := cl.ReadDir(dir)
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out, err
	}
	tests := []struct {
		name   string
		user   filearea.User
		root   []string
		hidden []string
		upload string // "" if it may upload, else what the refusal says
	}{
		{"level 10", fa(as(10)), []string{"pub", "uploads"}, []string{"/other.txt", "/vault", "/vault/v.txt"}, ""},
		{"level 50", fa(as(50)), []string{"other.txt", "pub", "uploads"}, []string{"/vault", "/vault/v.txt"}, ""},
		{"unvalidated", fa(as(255, store.GroupUnvalidated)), []string{"pub", "uploads"}, []string{"/other.txt", "/vault/v.txt"}, "permission denied"},
		{"sysop", fa(f.sysop), []string{"other.txt", "pub", "uploads", "vault"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := sftpClient(t, f, tt.user)
			if got, err := ls(cl, "/"); err != nil || !slices.Equal(got, tt.root) {
				t.Errorf("ls / = %v, %v; want %v", got, err, tt.root)
			}
			if got, err := ls(cl, "/pub"); err != nil || len(got) != 3 {
				t.Errorf("ls /pub = %v, %v; want its three files", got, err)
			}
			for _, p := range tt.hidden {
				if _, err := cl.Stat(p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("stat %s = %v; want no such file", p, err)
				}
				if r, err := cl.Open(p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("open %s = %v; want no such file", p, err)
					if err == nil {
						r.Close()
					}
				}
				if _, err := ls(cl, p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("ls %s = %v; want no such file", p, err)
				}
			}
			w, err := cl.Create("/uploads/" + strings.ReplaceAll(tt.name, " ", "-") + ".txt")
			if err == nil {
				_, err = w.Write([]byte("hello"))
				err = cmpErr(err, w.Close())
			}
			switch {
			case tt.upload == "" && err != nil:
				t.Errorf("upload = %v; want it taken", err)
			case tt.upload != "" && (err == nil || !strings.Contains(strings.ToLower(err.Error()), tt.upload)):
				t.Errorf("upload = %v; want %q", err, tt.upload)
			}
		})
	}
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
