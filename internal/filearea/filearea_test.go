package filearea

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkg/sftp"

	"github.com/x84bbs/x84/store"
)

func TestListAndGet(t *testing.T) {
	e := newEnv(t, Config{})
	// An upload in progress of another session: never shown.
	mustWrite(t, filepath.Join(e.dir, "pub", tempPrefix+"XYZ"), "partial")
	mustWrite(t, filepath.Join(e.dir, "pub", "a.txt"), "a")
	c := e.connect(t, alice)

	tests := []struct {
		dir  string
		want []string
	}{
		{"/", []string{"pub", "uploads"}},
		{"/pub", []string{"a.txt", "readme.txt", "sub"}},
		{"pub/", []string{"a.txt", "readme.txt", "sub"}},
		{"/pub/readme.txt", []string{"readme.txt"}}, // a file lists itself
		{"/uploads", nil},
	}
	for _, tt := range tests {
		fis, err := c.ReadDir(tt.dir)
		if err != nil {
			t.Errorf("ReadDir(%q): %v", tt.dir, err)
			continue
		}
		var got []string
		for _, fi := range fis {
			got = append(got, fi.Name())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ReadDir(%q) = %q; want %q", tt.dir, got, tt.want)
		}
	}

	fi, err := c.Stat("/pub/readme.txt")
	if err != nil || fi.Size() != 14 || fi.IsDir() {
		t.Errorf("Stat(/pub/readme.txt) = %v, %v; want a 14-byte file", fi, err)
	}
	if fi, err := c.Stat("/pub"); err != nil || !fi.IsDir() {
		t.Errorf("Stat(/pub) = %v, %v; want a directory", fi, err)
	}
	if got, err := c.get("/pub/readme.txt"); err != nil || got != "hello, caller\n" {
		t.Errorf("get(/pub/readme.txt) = %q, %v; want %q", got, err, "hello, caller\n")
	}
	if wd, err := c.RealPath("pub/../pub/sub"); err != nil || wd != "/pub/sub" {
		t.Errorf("RealPath = %q, %v; want /pub/sub", wd, err)
	}

	for _, name := range []string{"/pub/" + tempPrefix + "XYZ", "/pub/missing", "/nope/readme.txt", "/pub/readme.txt/x"} {
		if _, err := c.get(name); code(err) != sftp.ErrSSHFxNoSuchFile {
			t.Errorf("get(%q) = %v; want no such file", name, err)
		}
		if _, err := c.Stat(name); code(err) != sftp.ErrSSHFxNoSuchFile {
			t.Errorf("Stat(%q) = %v; want no such file", name, err)
		}
	}
	if _, err := c.get("/pub"); code(err) != sftp.ErrSSHFxFailure {
		t.Errorf("get(/pub) = %v; want failure", err)
	}
}

func TestPut(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.connect(t, alice)
	data := bytes.Repeat([]byte("x84 "), 50000)
	before := time.Now()
	if err := c.put("/uploads/demo.zip", data); err != nil {
		t.Fatalf("put: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(e.dir, "uploads", "demo.zip"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("uploaded file: %d bytes, %v; want %d bytes", len(got), err, len(data))
	}
	rec, err := e.up.Upload(t.Context(), "uploads/demo.zip")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Path != "uploads/demo.zip" || rec.Owner != "Alice" || rec.Size != int64(len(data)) || rec.Uploaded.Before(before) {
		t.Errorf("record = %+v; want uploads/demo.zip by Alice, %d bytes", rec, len(data))
	}
	if fi, err := c.Stat("/uploads/demo.zip"); err != nil || fi.Size() != int64(len(data)) {
		t.Errorf("Stat = %v, %v", fi, err)
	}
	if got, err := c.get("/uploads/demo.zip"); err != nil || got != string(data) {
		t.Errorf("get after put: %d bytes, %v", len(got), err)
	}
	// Clients set the times after a put; OpenSSH's put -p does it with
	// fsetstat before the close.
	if err := c.Chtimes("/uploads/demo.zip", before, before); err != nil {
		t.Errorf("Chtimes on own upload: %v", err)
	}
	f, err := c.Create("/uploads/p.txt")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("preserved"))
	if err := f.Chmod(0o600); err != nil {
		t.Errorf("fsetstat during upload: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// A relative path from the start directory works too.
	if err := c.put("uploads/rel.txt", []byte("rel")); err != nil {
		t.Errorf("put(uploads/rel.txt): %v", err)
	}
	e.noTemps(t)
	if got, want := e.up.paths(), []string{"uploads/demo.zip", "uploads/p.txt", "uploads/rel.txt"}; !slices.Equal(got, want) {
		t.Errorf("records = %q; want %q", got, want)
	}
}

func TestPutRefused(t *testing.T) {
	e := newEnv(t, Config{LinesPerSecond: 100}) // every refusal logged
	if err := os.Mkdir(filepath.Join(e.dir, "uploads", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t, alice)
	tests := []struct {
		name string
		want error
	}{
		{"/pub/x.zip", sftp.ErrSSHFxPermissionDenied},
		{"/x.zip", sftp.ErrSSHFxPermissionDenied},
		{"/pub/readme.txt", sftp.ErrSSHFxPermissionDenied},
		{"/uploads/sub/x.zip", sftp.ErrSSHFxPermissionDenied},
		{"/uploads/" + tempPrefix + "abc", sftp.ErrSSHFxPermissionDenied},
		{"/../x84.db", sftp.ErrSSHFxPermissionDenied}, // that is /x84.db
		{"/uploads", sftp.ErrSSHFxPermissionDenied},   // that is /uploads in /
		{"/uploads/sub", sftp.ErrSSHFxFailure},        // a directory
		{"/", sftp.ErrSSHFxFailure},
	}
	for _, tt := range tests {
		if err := c.put(tt.name, []byte("data")); code(err) != tt.want {
			t.Errorf("put(%q) = %v; want %v", tt.name, err, tt.want)
		}
	}
	if got := e.names(t, "pub"); !slices.Equal(got, []string{"readme.txt", "sub"}) {
		t.Errorf("pub holds %q after refused puts", got)
	}
	if got, _ := os.ReadFile(filepath.Join(e.tmp, "DATA", "x84.db")); string(got) != "the user database" {
		t.Errorf("x84.db = %q", got)
	}
	e.noTemps(t)
	if n := strings.Count(e.logs.String(), "filearea: refused"); n != len(tests) {
		t.Errorf("%d refusals logged; want %d:\n%s", n, len(tests), e.logs)
	}
	if !strings.Contains(e.logs.String(), `user=Alice op=Put path=/pub/x.zip reason="filearea: permission denied: uploads go in /uploads"`) {
		t.Errorf("log lacks the refusal of /pub/x.zip:\n%s", e.logs)
	}

	s := e.connect(t, sysop)
	for _, name := range []string{"/pub/x.zip", "/uploads/sub/x.zip", "/pub/readme.txt"} {
		if err := s.put(name, []byte("sysop")); err != nil {
			t.Errorf("sysop put(%q) = %v", name, err)
		}
	}
	if got := e.up.paths(); !slices.Equal(got, []string{"uploads/sub/x.zip"}) {
		t.Errorf("records = %q; want only uploads/sub/x.zip", got)
	}
}

func TestEscape(t *testing.T) {
	e := newEnv(t, Config{})
	outsideDB := filepath.Join(e.tmp, "DATA", "x84.db")
	outside := filepath.Join(e.tmp, "outside")
	// Links planted in the area by hand, leading out of it.
	links := map[string]string{
		"pub/abs":      filepath.Join(outside, "secret.txt"),
		"pub/rel":      "../../../outside/secret.txt",
		"pub/db":       "../../x84.db",
		"pub/outdir":   outside,
		"pub/sub/up":   "../../..",
		"pub/chain":    "sub/up2",
		"pub/sub/up2":  "../../../outside/secret.txt",
		"pub/good":     "readme.txt",
		"pub/gooddir":  "sub",
		"pub/sub/back": "../readme.txt",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(e.dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []User{alice, sysop} {
		c := e.connect(t, u)
		notHere := []string{"../x84.db", "../../x84.db", "/../x84.db", "pub/../../x84.db", outsideDB, "../outside/secret.txt"}
		for _, name := range notHere {
			if got, err := c.get(name); code(err) != sftp.ErrSSHFxNoSuchFile {
				t.Errorf("%s: get(%q) = %q, %v; want no such file", u.Handle, name, got, err)
			}
		}
		escaping := []string{"/pub/abs", "/pub/rel", "/pub/db", "/pub/outdir/secret.txt", "/pub/sub/up/x84.db", "/pub/chain"}
		for _, name := range escaping {
			if got, err := c.get(name); code(err) != sftp.ErrSSHFxPermissionDenied {
				t.Errorf("%s: get(%q) = %q, %v; want permission denied", u.Handle, name, got, err)
			}
			if fi, err := c.Stat(name); code(err) != sftp.ErrSSHFxPermissionDenied {
				t.Errorf("%s: Stat(%q) = %v, %v; want permission denied", u.Handle, name, fi, err)
			}
		}
		for _, dir := range []string{"/pub/outdir", "/pub/sub/up", "/pub/sub/up/files"} {
			if fis, err := c.ReadDir(dir); code(err) != sftp.ErrSSHFxPermissionDenied {
				t.Errorf("%s: ReadDir(%q) = %d entries, %v; want permission denied", u.Handle, dir, len(fis), err)
			}
		}
		for _, name := range []string{"/pub/abs", "/pub/rel", "/pub/db", "/pub/outdir", "/pub/sub/up", "/pub/sub/up2"} {
			if got, err := c.ReadLink(name); code(err) != sftp.ErrSSHFxPermissionDenied {
				t.Errorf("%s: ReadLink(%q) = %q, %v; want permission denied", u.Handle, name, got, err)
			}
		}
		// The links themselves are in the area: lstat and listings show them.
		if fi, err := c.Lstat("/pub/abs"); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s: Lstat(/pub/abs) = %v, %v; want a symlink", u.Handle, fi, err)
		}
		// Links inside the area work.
		if got, err := c.get("/pub/good"); err != nil || got != "hello, caller\n" {
			t.Errorf("%s: get(/pub/good) = %q, %v", u.Handle, got, err)
		}
		if got, err := c.get("/pub/gooddir/back"); err != nil || got != "hello, caller\n" {
			t.Errorf("%s: get(/pub/gooddir/back) = %q, %v", u.Handle, got, err)
		}
		if got, err := c.ReadLink("/pub/good"); err != nil || got != "readme.txt" {
			t.Errorf("%s: ReadLink(/pub/good) = %q, %v; want readme.txt", u.Handle, got, err)
		}
		if fi, err := c.Stat("/pub/gooddir"); err != nil || !fi.IsDir() {
			t.Errorf("%s: Stat(/pub/gooddir) = %v, %v; want a directory", u.Handle, fi, err)
		}
	}
	// Sysops cannot write through a link out of the area either.
	s := e.connect(t, sysop)
	for _, name := range []string{"/pub/outdir/new.txt", "/pub/sub/up/new.txt"} {
		if err := s.put(name, []byte("x")); code(err) != sftp.ErrSSHFxPermissionDenied {
			t.Errorf("sysop put(%q) = %v; want permission denied", name, err)
		}
		if err := s.Mkdir(name + ".d"); code(err) != sftp.ErrSSHFxPermissionDenied {
			t.Errorf("sysop Mkdir(%q) = %v; want permission denied", name+".d", err)
		}
	}
	if err := s.Rename("/pub/sub/up/x84.db", "/pub/stolen"); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("sysop Rename(outside) = %v; want permission denied", err)
	}
	if err := s.Remove("/pub/outdir/secret.txt"); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("sysop Remove(outside) = %v; want permission denied", err)
	}
	if got, err := os.ReadFile(filepath.Join(outside, "secret.txt")); err != nil || string(got) != "outside secret" {
		t.Errorf("outside file: %q, %v", got, err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 1 {
		t.Errorf("outside holds %d entries; want 1", len(ents))
	}
}

func TestOverwrite(t *testing.T) {
	e := newEnv(t, Config{})
	a, b, s := e.connect(t, alice), e.connect(t, bob), e.connect(t, sysop)
	if err := a.put("/uploads/a.zip", make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := b.put("/uploads/a.zip", []byte("bob's")); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("bob overwriting alice's upload: %v; want permission denied", err)
	}
	if err := s.put("/uploads/a.zip", []byte("sysop's")); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("sysop overwriting alice's upload: %v; want permission denied", err)
	}
	// In the drop box, alice's upload does not exist for bob.
	if err := b.Chtimes("/uploads/a.zip", time.Now(), time.Now()); code(err) != sftp.ErrSSHFxNoSuchFile {
		t.Errorf("bob's Chtimes on alice's upload: %v; want no such file", err)
	}
	// Uploads belong to the account, whatever its handle is now.
	a2 := e.connect(t, User{ID: alice.ID, Handle: "ALICE"})
	if err := a2.put("/uploads/a.zip", []byte("new content")); err != nil {
		t.Fatalf("alice overwriting her upload: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(e.dir, "uploads", "a.zip")); string(got) != "new content" {
		t.Errorf("a.zip = %q", got)
	}
	if n, _ := e.up.UploadUsage(t.Context(), alice.ID); n.Bytes != 11 {
		t.Errorf("alice's usage = %+v; want 11 bytes", n)
	}

	// A file in uploads without a record: only a sysop may replace it.
	mustWrite(t, filepath.Join(e.dir, "uploads", "orphan.txt"), "orphan")
	if err := a.put("/uploads/orphan.txt", []byte("mine")); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("alice overwriting an unrecorded file: %v; want permission denied", err)
	}
	if err := s.put("/uploads/orphan.txt", []byte("sysop's")); err != nil {
		t.Errorf("sysop overwriting an unrecorded file: %v", err)
	}

	// O_EXCL on an existing file fails.
	if _, err := a.OpenFile("/uploads/a.zip", os.O_WRONLY|os.O_CREATE|os.O_EXCL); code(err) != sftp.ErrSSHFxFailure {
		t.Errorf("O_EXCL over an existing file: %v; want failure", err)
	}
	// Without O_TRUNC (a resumed upload), the old content stays under
	// what is written.
	f, err := a.OpenFile("/uploads/a.zip", os.O_WRONLY|os.O_CREATE)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(" and more"), 11); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(e.dir, "uploads", "a.zip")); string(got) != "new content and more" {
		t.Errorf("resumed a.zip = %q", got)
	}
	if rec, _ := e.up.Upload(t.Context(), "uploads/a.zip"); rec.Size != 20 || rec.Owner != "Alice" {
		t.Errorf("record = %+v; want 20 bytes by Alice", rec)
	}
	e.noTemps(t)
}

func TestLimits(t *testing.T) {
	e := newEnv(t, Config{MaxUpload: 100 << 10, Quota: 300 << 10})
	c := e.connect(t, alice, sftp.UseConcurrentWrites(true))
	tests := []struct {
		name string
		size int
		kind error
		msg  string
	}{
		{"big.bin", 100<<10 + 1, ErrTooLarge, "size limit of 100 KiB"},
		{"ok1.bin", 100 << 10, nil, ""},
		{"ok2.bin", 100 << 10, nil, ""},
		{"over.bin", 100<<10 + 1, ErrTooLarge, "size limit of 100 KiB"},
		{"quota.bin", 100<<10 + 0, nil, ""}, // 300 KiB used: exactly the quota
		{"more.bin", 1, ErrQuota, "quota of 300 KiB"},
		{"ok1.bin", 50 << 10, nil, ""}, // replacing her own file frees room
		{"more.bin", 50 << 10, nil, ""},
		{"more2.bin", 1, ErrQuota, "quota of 300 KiB"},
	}
	for _, tt := range tests {
		name := "/uploads/" + tt.name
		err := c.put(name, bytes.Repeat([]byte{'z'}, tt.size))
		if tt.kind == nil {
			if err != nil {
				t.Errorf("put(%s, %d bytes) = %v; want success", tt.name, tt.size, err)
			}
			continue
		}
		if code(err) != sftp.ErrSSHFxFailure || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("put(%s, %d bytes) = %v; want a failure naming the %s", tt.name, tt.size, err, tt.msg)
		}
		if _, err := os.Lstat(filepath.Join(e.dir, "uploads", tt.name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was stored under its real name: %v", tt.name, err)
		}
		e.noTemps(t)
	}
	if n, _ := e.up.UploadUsage(t.Context(), alice.ID); n.Bytes != 300<<10 {
		t.Errorf("usage = %+v; want %d bytes", n, 300<<10)
	}
	// The connection survived every refusal.
	if got, err := c.get("/pub/readme.txt"); err != nil || got != "hello, caller\n" {
		t.Errorf("get after refusals = %q, %v", got, err)
	}
	// Sysops have no quota, but the size limit holds.
	s := e.connect(t, sysop)
	if err := s.put("/uploads/sysop.bin", make([]byte, 100<<10)); err != nil {
		t.Errorf("sysop over alice's quota: %v", err)
	}
	if err := s.put("/pub/huge.bin", make([]byte, 100<<10+1)); code(err) != sftp.ErrSSHFxFailure {
		t.Errorf("sysop past the size limit: %v; want failure", err)
	}
	e.noTemps(t)
}

func TestLimitErrors(t *testing.T) {
	// The server side: the status errors wrap the sentinels and the code.
	e := newEnv(t, Config{MaxUpload: 10, Quota: 20})
	u := &upload{s: &session{a: e.area}, max: 10, quota: 20}
	tests := []struct {
		err  error
		kind error
	}{
		{u.tooLarge(), ErrTooLarge},
		{u.quotaError(), ErrQuota},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.kind) || !errors.Is(tt.err, sftp.ErrSSHFxFailure) {
			t.Errorf("%v: errors.Is(%v) and errors.Is(ErrSSHFxFailure) must hold", tt.err, tt.kind)
		}
	}
}

func TestInterruptedUpload(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.connect(t, alice)
	f, err := c.Create("/uploads/partial.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, 100<<10)); err != nil {
		t.Fatal(err)
	}
	if ns := e.names(t, "uploads"); len(ns) != 1 || !strings.HasPrefix(ns[0], tempPrefix) {
		t.Fatalf("uploads holds %q during the upload; want one temporary file", ns)
	}
	c.drop()
	if ns := e.names(t, "uploads"); len(ns) != 0 {
		t.Errorf("uploads holds %q after the connection dropped; want nothing", ns)
	}
	if got := e.up.paths(); len(got) != 0 {
		t.Errorf("records = %q; want none", got)
	}
	if !strings.Contains(e.logs.String(), "filearea: upload interrupted") {
		t.Errorf("interruption not logged:\n%s", e.logs)
	}
	// The user may start again.
	c2 := e.connect(t, alice)
	if err := c2.put("/uploads/partial.bin", []byte("whole")); err != nil {
		t.Errorf("put after an interrupted upload: %v", err)
	}
}

func TestCancelledSession(t *testing.T) {
	// When the session's context ends before the close, the upload is
	// discarded even if pkg/sftp reports no transfer error.
	e := newEnv(t, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	c := e.connectCtx(t, ctx, alice)
	f, err := c.Create("/uploads/late.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("late")); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := f.Close(); code(err) != sftp.ErrSSHFxFailure {
		t.Errorf("Close after the session ended = %v; want failure", err)
	}
	if ns := e.names(t, "uploads"); len(ns) != 0 {
		t.Errorf("uploads holds %q; want nothing", ns)
	}
}

func TestInterruptedResume(t *testing.T) {
	// An interrupted upload over an existing file leaves the old file.
	e := newEnv(t, Config{})
	c := e.connect(t, alice)
	if err := c.put("/uploads/r.txt", []byte("old")); err != nil {
		t.Fatal(err)
	}
	f, err := c.Create("/uploads/r.txt")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new and longer"))
	c.drop()
	if got, _ := os.ReadFile(filepath.Join(e.dir, "uploads", "r.txt")); string(got) != "old" {
		t.Errorf("r.txt = %q after an interrupted overwrite; want %q", got, "old")
	}
	e.noTemps(t)
}

func TestSysopCommands(t *testing.T) {
	e := newEnv(t, Config{})
	a, s := e.connect(t, alice), e.connect(t, sysop)
	if err := a.put("/uploads/a.txt", []byte("alice")); err != nil {
		t.Fatal(err)
	}

	// Users may change nothing.
	userOps := []struct {
		name string
		fn   func() error
	}{
		{"Mkdir", func() error { return a.Mkdir("/uploads/dir") }},
		{"Rmdir", func() error { return a.RemoveDirectory("/pub/sub") }},
		{"Remove own", func() error { return a.Remove("/uploads/a.txt") }},
		{"Remove", func() error { return a.Remove("/pub/readme.txt") }},
		{"Rename own", func() error { return a.Rename("/uploads/a.txt", "/uploads/b.txt") }},
		{"PosixRename", func() error { return a.PosixRename("/uploads/a.txt", "/uploads/b.txt") }},
		{"Setstat", func() error { return a.Chmod("/pub/readme.txt", 0o777) }},
		{"Symlink", func() error { return a.Symlink("/pub/readme.txt", "/uploads/l") }},
		{"Link", func() error { return a.Link("/uploads/a.txt", "/uploads/l") }},
	}
	for _, op := range userOps {
		if err := op.fn(); code(err) != sftp.ErrSSHFxPermissionDenied {
			t.Errorf("user %s = %v; want permission denied", op.name, err)
		}
	}

	// Sysops may, and records follow.
	steps := []struct {
		name string
		fn   func() error
		want error
	}{
		{"Mkdir", func() error { return s.Mkdir("/pub/new") }, nil},
		{"Mkdir again", func() error { return s.Mkdir("/pub/new") }, sftp.ErrSSHFxFailure},
		{"Mkdir in missing", func() error { return s.Mkdir("/nope/new") }, sftp.ErrSSHFxNoSuchFile},
		{"Rename into uploads subdir", func() error {
			if err := s.Mkdir("/uploads/keep"); err != nil {
				return err
			}
			return s.Rename("/uploads/a.txt", "/uploads/keep/a.txt")
		}, nil},
		{"Rename directory", func() error { return s.Rename("/uploads/keep", "/uploads/kept") }, nil},
		{"Rename onto existing", func() error { return s.Rename("/pub/readme.txt", "/uploads/kept/a.txt") }, sftp.ErrSSHFxFailure},
		{"Rename missing", func() error { return s.Rename("/pub/missing", "/pub/x") }, sftp.ErrSSHFxNoSuchFile},
		{"Rename uploads", func() error { return s.Rename("/uploads", "/up") }, sftp.ErrSSHFxPermissionDenied},
		{"Rename onto uploads", func() error { return s.Rename("/pub/new", "/uploads") }, sftp.ErrSSHFxPermissionDenied},
		{"Rmdir uploads", func() error { return s.RemoveDirectory("/uploads") }, sftp.ErrSSHFxPermissionDenied},
		{"Rmdir root", func() error { return s.RemoveDirectory("/") }, sftp.ErrSSHFxPermissionDenied},
		{"Rmdir non-empty", func() error { return s.RemoveDirectory("/uploads/kept") }, sftp.ErrSSHFxFailure},
		{"Rmdir file", func() error { return s.RemoveDirectory("/pub/readme.txt") }, sftp.ErrSSHFxFailure},
		{"Rmdir", func() error { return s.RemoveDirectory("/pub/new") }, nil},
		{"Remove directory", func() error { return s.Remove("/pub/sub") }, nil}, // the client falls back to rmdir
		{"Setstat", func() error { return s.Chmod("/pub/readme.txt", 0o600) }, nil},
		{"Setstat missing", func() error { return s.Chmod("/pub/missing", 0o600) }, sftp.ErrSSHFxNoSuchFile},
		{"Symlink", func() error { return s.Symlink("/pub/readme.txt", "/pub/l") }, sftp.ErrSSHFxPermissionDenied},
		{"Link", func() error { return s.Link("/pub/readme.txt", "/pub/l") }, sftp.ErrSSHFxPermissionDenied},
	}
	for _, st := range steps {
		if err := st.fn(); code(err) != st.want {
			t.Errorf("sysop %s = %v; want %v", st.name, err, st.want)
		}
	}
	if fi, err := os.Stat(filepath.Join(e.dir, "pub", "readme.txt")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("readme.txt mode = %v, %v; Setstat must change nothing", fi.Mode(), err)
	}
	if got := e.up.paths(); !slices.Equal(got, []string{"uploads/kept/a.txt"}) {
		t.Errorf("records = %q; want uploads/kept/a.txt", got)
	}
	if rec, _ := e.up.Upload(t.Context(), "uploads/kept/a.txt"); rec.Owner != "Alice" {
		t.Errorf("moved record = %+v; want Alice's", rec)
	}
	// Out of the upload folder, the record goes.
	if err := s.PosixRename("/uploads/kept/a.txt", "/pub/readme.txt"); err != nil {
		t.Errorf("PosixRename over a file: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(e.dir, "pub", "readme.txt")); string(got) != "alice" {
		t.Errorf("readme.txt = %q; want alice's file", got)
	}
	if got := e.up.paths(); len(got) != 0 {
		t.Errorf("records = %q; want none", got)
	}
	if err := a.put("/uploads/b.txt", []byte("bb")); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("/uploads/b.txt"); err != nil {
		t.Errorf("sysop Remove: %v", err)
	}
	if got := e.up.paths(); len(got) != 0 {
		t.Errorf("records after Remove = %q; want none", got)
	}
	if err := s.RemoveDirectory("/uploads/kept"); err != nil {
		t.Errorf("Rmdir emptied directory: %v", err)
	}
	if got := e.names(t, "."); !slices.Equal(got, []string{"pub", "uploads"}) {
		t.Errorf("area holds %q", got)
	}
}

func TestOpenSweeps(t *testing.T) {
	e := newEnv(t, Config{})
	e.area.Close()
	stale := []string{
		filepath.Join(e.dir, "uploads", tempPrefix+"AAA"),
		filepath.Join(e.dir, "pub", "sub", tempPrefix+"BBB"),
	}
	for _, name := range stale {
		mustWrite(t, name, "partial")
	}
	mustWrite(t, filepath.Join(e.tmp, "outside", tempPrefix+"CCC"), "not ours")
	if err := os.Symlink(filepath.Join(e.tmp, "outside"), filepath.Join(e.dir, "pub", "out")); err != nil {
		t.Fatal(err)
	}
	a, err := Open(Config{Dir: e.dir, Uploads: e.up})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, name := range stale {
		if _, err := os.Lstat(name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Open left %s: %v", name, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(e.tmp, "outside", tempPrefix+"CCC")); err != nil {
		t.Errorf("Open followed a link out of the area: %v", err)
	}
}

func TestOpenConfig(t *testing.T) {
	dir := t.TempDir()
	up := newFakeUploads()
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"no dir", Config{Uploads: up}, false},
		{"no store", Config{Dir: dir}, false},
		{"upload dir outside", Config{Dir: dir, Uploads: up, UploadDir: "../up"}, false},
		{"upload dir absolute", Config{Dir: dir, Uploads: up, UploadDir: "/up"}, false},
		{"upload dir root", Config{Dir: dir, Uploads: up, UploadDir: "."}, false},
		{"nested upload dir", Config{Dir: filepath.Join(dir, "new"), Uploads: up, UploadDir: "incoming/new"}, true},
	}
	for _, tt := range tests {
		a, err := Open(tt.cfg)
		if (err == nil) != tt.ok {
			t.Errorf("%s: Open = %v; want ok=%v", tt.name, err, tt.ok)
		}
		if err == nil {
			if fi, err := os.Stat(filepath.Join(tt.cfg.Dir, filepath.FromSlash(tt.cfg.UploadDir))); err != nil || !fi.IsDir() {
				t.Errorf("%s: upload folder not made: %v", tt.name, err)
			}
			a.Close()
		}
	}
}

func TestNestedUploadDir(t *testing.T) {
	e := newEnv(t, Config{UploadDir: "incoming/new"})
	c, s := e.connect(t, alice), e.connect(t, sysop)
	if err := c.put("/incoming/new/x.txt", []byte("x")); err != nil {
		t.Errorf("put into the upload folder: %v", err)
	}
	if err := c.put("/uploads/x.txt", []byte("x")); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("put into /uploads = %v; want permission denied", err)
	}
	if err := s.Rename("/incoming", "/in"); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("sysop Rename of the upload folder's parent = %v; want permission denied", err)
	}
	if _, err := e.up.Upload(t.Context(), "incoming/new/x.txt"); err != nil {
		t.Errorf("record: %v", err)
	}
}

func TestCommitRace(t *testing.T) {
	// Two users upload the same new name at once: the second to close
	// is refused, and the first's file stays.
	e := newEnv(t, Config{})
	a, b := e.connect(t, alice), e.connect(t, bob)
	fa, err := a.Create("/uploads/same.txt")
	if err != nil {
		t.Fatal(err)
	}
	fb, err := b.Create("/uploads/same.txt")
	if err != nil {
		t.Fatal(err)
	}
	fa.Write([]byte("alice"))
	fb.Write([]byte("bob"))
	if err := fa.Close(); err != nil {
		t.Fatalf("first close: %v", err)
	}
	if err := fb.Close(); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("second close = %v; want permission denied", err)
	}
	if got, _ := os.ReadFile(filepath.Join(e.dir, "uploads", "same.txt")); string(got) != "alice" {
		t.Errorf("same.txt = %q; want alice's", got)
	}
	if rec, _ := e.up.Upload(t.Context(), "uploads/same.txt"); rec.Owner != "Alice" {
		t.Errorf("record = %+v", rec)
	}
	e.noTemps(t)
}

func TestAnonymous(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.connect(t, User{})
	if err := c.put("/uploads/x", []byte("x")); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("anonymous put = %v; want permission denied", err)
	}
	if _, err := c.get("/pub/readme.txt"); err != nil {
		t.Errorf("anonymous get = %v", err)
	}
	if _, err := e.up.Upload(t.Context(), "uploads/x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("record for a refused put: %v", err)
	}
}

// TestExclusive: committing an upload, a rename and a removal hold the
// lock every process serving the area shares (Config.Exclusive), and a
// lock that cannot be had refuses the change, leaving no file.
func TestExclusive(t *testing.T) {
	var held, taken atomic.Int32
	fail := atomic.Bool{}
	e := newEnv(t, Config{Exclusive: func(ctx context.Context) (func(), error) {
		if fail.Load() {
			return nil, errors.New("the database is away")
		}
		if held.Add(1) != 1 {
			t.Error("the lock was taken twice at once")
		}
		taken.Add(1)
		return func() { held.Add(-1) }, nil
	}})
	c := e.connect(t, alice)
	if err := c.put("/uploads/a.txt", []byte("a")); err != nil {
		t.Fatal(err)
	}
	op := e.connect(t, sysop) // renames and removals are the sysop's
	if err := op.Rename("/uploads/a.txt", "/uploads/b.txt"); err != nil {
		t.Fatal(err)
	}
	if err := op.Remove("/uploads/b.txt"); err != nil {
		t.Fatal(err)
	}
	if n := taken.Load(); n != 3 {
		t.Errorf("the lock was taken %d times; want 3 (commit, rename, remove)", n)
	}
	fail.Store(true)
	if err := c.put("/uploads/c.txt", []byte("c")); err == nil {
		t.Error("an upload was committed without the lock")
	}
	if names := e.names(t, "uploads"); slices.Contains(names, "c.txt") {
		t.Errorf("uploads holds %v", names)
	}
	e.noTemps(t)
}
