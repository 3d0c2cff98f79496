package files_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"go.uber.org/goleak"

	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/xfer"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixture is the service on a real SQLite store and file area, with
// two accounts (a sysop and a caller) and a "pub" area holding files.
type fixture struct {
	t     *testing.T
	dir   string // the file area
	st    *store.Store
	svc   *files.Service
	sysop files.User
	user  files.User
}

func newFixture(t *testing.T, cfg files.Config) *fixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	area, err := filearea.Open(filearea.Config{Dir: dir, Uploads: st.Uploads, MaxUpload: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { area.Close() })
	f := &fixture{t: t, dir: dir, st: st}
	for _, u := range []struct {
		name  string
		sysop bool
		dst   *files.User
	}{{"sysop", true, &f.sysop}, {"caller", false, &f.user}} {
		su := &store.User{Handle: u.name, Password: "x"}
		if u.sysop {
			su.Groups = []string{store.GroupSysop}
		}
		if err := st.Users.CreateUser(t.Context(), su); err != nil {
			t.Fatal(err)
		}
		*u.dst = files.User{ID: su.ID, Handle: u.name, Sysop: u.sysop}
	}
	os.MkdirAll(filepath.Join(dir, "pub"), 0o755)
	f.write("pub/a.txt", []byte("hello\r\nworld\n"))
	f.write("pub/b.bin", bytes.Repeat([]byte{0, 1, 2}, 1000))
	f.write("pub/c.zip", zipWith(t, "FILE_ID.DIZ", "\xc9\xcd\xbb Cool archive\r\n"))
	f.write("other.txt", []byte("in the root"))
	cfg.Area, cfg.Store = area, st.Files
	if cfg.Areas == nil {
		cfg.Areas = []files.AreaConfig{{Name: "Pub", Dir: "pub"}, {Name: "Root", Dir: ""}, {Name: "Secret", Dir: "pub", SysopOnly: true}}
	}
	f.svc, err = files.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) write(name string, b []byte) {
	if err := os.WriteFile(filepath.Join(f.dir, name), b, 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) open(u files.User) *files.Browser {
	f.t.Helper()
	b, err := f.svc.Open(f.t.Context(), u)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(b.Close)
	return b
}

func zipWith(t *testing.T, name, body string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(name)
	w.Write([]byte(body))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func names(es []files.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func TestAreasAndList(t *testing.T) {
	f := newFixture(t, files.Config{})
	user, sysop := f.open(f.user), f.open(f.sysop)
	var got []string
	for _, a := range user.Areas() {
		got = append(got, a.Name)
	}
	if want := []string{"Pub", "Root", "Uploads"}; !slices.Equal(got, want) {
		t.Errorf("caller's areas %v; want %v", got, want)
	}
	if n := len(sysop.Areas()); n != 4 {
		t.Errorf("sysop sees %d areas; want 4 (with the sysop-only one)", n)
	}
	es, err := user.List(user.Areas()[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.txt", "b.bin", "c.zip"}; !slices.Equal(names(es), want) {
		t.Fatalf("List(pub) = %v; want %v", names(es), want)
	}
	if es[2].Description != "╔═╗ Cool archive" || es[2].Path != "/pub/c.zip" {
		t.Errorf("c.zip: %+v; want its DIZ as description", es[2])
	}
	// The sysop's description comes first, cleaned of escapes.
	if err := sysop.Describe("/pub/c.zip", "Mine \x1b[31mred"); err != nil {
		t.Fatal(err)
	}
	if err := user.Describe("/pub/a.txt", "x"); !errors.Is(err, files.ErrSysop) {
		t.Errorf("a caller's Describe: %v; want ErrSysop", err)
	}
	es, _ = user.List(user.Areas()[0])
	if es[2].Description != "Mine red" {
		t.Errorf("described c.zip: %q", es[2].Description)
	}
	root, _ := user.List(user.Areas()[1])
	if want := []string{"other.txt"}; !slices.Equal(names(root), want) {
		t.Errorf("List(root) = %v; want only its files %v", names(root), want)
	}
	found, _ := user.Search("COOL")
	if len(found) != 0 {
		t.Errorf("Search found %v by a description the sysop replaced", names(found))
	}
	found, _ = user.Search("mine")
	if want := []string{"c.zip"}; !slices.Equal(names(found), want) {
		t.Errorf("Search(mine) = %v; want %v", names(found), want)
	}
	newer, _ := user.NewSince(time.Now().Add(time.Hour))
	if len(newer) != 0 {
		t.Errorf("NewSince(the future) = %v", names(newer))
	}
	newer, _ = user.NewSince(time.Now().Add(-time.Hour))
	if len(newer) != 4 {
		t.Errorf("NewSince(an hour ago) = %v; want the 4 files", names(newer))
	}
	text, err := user.View("/pub/a.txt")
	if err != nil || text != "hello\nworld\n" {
		t.Errorf("View(a.txt) = %q, %v", text, err)
	}
	if _, err := user.View("/pub/b.bin"); err == nil {
		t.Errorf("View of a binary file: no error")
	}
}

func TestTagsAndBatch(t *testing.T) {
	f := newFixture(t, files.Config{MaxTags: 2, MaxBatch: 2500})
	b := f.open(f.user)
	for _, p := range []string{"/pub/a.txt", "/pub/c.zip"} {
		if err := b.Tag(p, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Tag("/pub/b.bin", true); !errors.Is(err, files.ErrTooMany) {
		t.Errorf("a third tag: %v; want ErrTooMany", err)
	}
	tagged, total, err := b.Tagged()
	if err != nil || !slices.Equal(names(tagged), []string{"a.txt", "c.zip"}) || total != 13+int64(len(zipWith(t, "FILE_ID.DIZ", "\xc9\xcd\xbb Cool archive\r\n"))) {
		t.Errorf("Tagged = %v, %d, %v", names(tagged), total, err)
	}
	if _, err := b.Prepare([]string{"/pub/b.bin"}); !errors.Is(err, files.ErrBatch) {
		t.Errorf("Prepare over MaxBatch: %v; want ErrBatch", err)
	}
	bt, err := b.Prepare([]string{"/pub/a.txt", "/pub/c.zip"})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := bt.Files[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if string(body) != "hello\r\nworld\n" {
		t.Errorf("batch file 0 reads %q", body)
	}
	bt.Done([]xfer.File{bt.Files[0].File}) // only a.txt arrived whole
	es, _ := b.List(b.Areas()[0])
	if es[0].Downloads != 1 || es[2].Downloads != 0 || es[0].Tagged || !es[2].Tagged {
		t.Errorf("after a.txt's download: %+v", es)
	}
	tot, _ := f.st.Files.Totals(t.Context(), f.user.ID)
	if tot.DownFiles != 1 || tot.DownBytes != 13 {
		t.Errorf("totals %+v; want 1 file, 13 bytes down", tot)
	}
	if _, err := f.open(files.User{}).Prepare([]string{"/pub/a.txt"}); !errors.Is(err, files.ErrAnonymous) {
		t.Errorf("a guest's download: %v; want ErrAnonymous", err)
	}
}

func TestRatio(t *testing.T) {
	f := newFixture(t, files.Config{Ratio: 2, RatioFree: 10})
	b := f.open(f.user)
	if _, err := b.Prepare([]string{"/pub/a.txt"}); !errors.Is(err, files.ErrRatio) {
		t.Errorf("13 bytes with 10 free: %v; want ErrRatio", err)
	}
	f.st.Files.CountUpload(t.Context(), f.user.ID, 2) // 10 + 2*2 = 14 allowed
	bt, err := b.Prepare([]string{"/pub/a.txt"})
	if err != nil {
		t.Fatalf("13 bytes with 14 allowed: %v", err)
	}
	// The batch holds its 13 bytes until done: a second download at the
	// same time (another session, a link) does not fit.
	other := f.open(f.user)
	if _, err := other.Prepare([]string{"/pub/a.txt"}); !errors.Is(err, files.ErrRatio) {
		t.Errorf("a second 13 bytes while the first is under way: %v; want ErrRatio", err)
	}
	if left, _ := other.Allowance(); left != 1 {
		t.Errorf("allowance during the download %d; want 1", left)
	}
	bt.Release()
	bt.Release()
	if left, _ := other.Allowance(); left != 14 {
		t.Errorf("allowance after a release %d; want 14", left)
	}
	bt2, err := other.Prepare([]string{"/pub/a.txt"})
	if err != nil {
		t.Fatal(err)
	}
	bt2.Done([]xfer.File{bt2.Files[0].File})
	bt2.Release() // after Done: nothing more
	if left, _ := other.Allowance(); left != 1 {
		t.Errorf("allowance after a whole download %d; want 1", left)
	}
	if left, _ := f.open(f.sysop).Allowance(); left != -1 {
		t.Errorf("a sysop's allowance %d; want -1 (exempt)", left)
	}
}

// TestReceive: a transfer's uploads are committed only when whole, and
// refused names are skipped with a reason.
func TestReceive(t *testing.T) {
	f := newFixture(t, files.Config{})
	b := f.open(f.user)
	pub := b.Areas()[0]
	r, err := b.Receive(pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"good.txt", "cut.txt"} {
		w, err := r.Create(xfer.File{Name: "C:\\DOS\\" + name})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("data of " + name))
		w.Close()
	}
	if _, err := r.Create(xfer.File{Name: "bad\x1b[2J.txt"}); !errors.Is(err, xfer.ErrSkip) {
		t.Errorf("a name with an escape: %v; want ErrSkip", err)
	}
	if err := r.Finish([]xfer.File{{Name: "C:\\DOS\\good.txt"}}, xfer.ErrCancelled); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Created, []string{"good.txt"}) || len(r.Refused) != 1 {
		t.Errorf("Created %v, Refused %v", r.Created, r.Refused)
	}
	ents, _ := os.ReadDir(filepath.Join(f.dir, "uploads"))
	if len(ents) != 1 || ents[0].Name() != "good.txt" {
		t.Errorf("uploads/ holds %v; want good.txt alone (no partial file)", ents)
	}
	// Hidden from others until released, then listed with a description.
	other := f.open(f.sysop)
	review := other.Areas()[len(other.Areas())-1]
	es, _ := other.List(review)
	if !slices.Equal(names(es), []string{"good.txt"}) {
		t.Fatalf("the sysop's review list %v", names(es))
	}
	if err := b.Release("/uploads/good.txt", pub, "x"); !errors.Is(err, files.ErrSysop) {
		t.Errorf("a caller's Release: %v", err)
	}
	if err := other.Release("/uploads/good.txt", pub, "A good one"); err != nil {
		t.Fatal(err)
	}
	es, _ = b.List(pub)
	if i := slices.IndexFunc(es, func(e files.Entry) bool { return e.Name == "good.txt" }); i < 0 || es[i].Description != "A good one" {
		t.Errorf("pub after release: %+v", es)
	}
	tot, _ := f.st.Files.Totals(t.Context(), f.user.ID)
	if tot.UpFiles != 1 || tot.UpBytes != int64(len("data of good.txt")) {
		t.Errorf("totals %+v", tot)
	}
	if _, err := b.Receive(files.Area{Upload: "nobody"}); !errors.Is(err, files.ErrNoUpload) {
		t.Errorf("Receive in an area without uploads: %v", err)
	}
}

// TestLinks: a link works once, from its address, before it expires.
func TestLinks(t *testing.T) {
	f := newFixture(t, files.Config{LinkLifetime: time.Hour})
	b := f.open(f.user)
	here, there := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	token, err := b.Link("/pub/a.txt", here)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Redeem(t.Context(), token, there); !errors.Is(err, files.ErrLink) {
		t.Errorf("from another address: %v; want ErrLink", err)
	}
	d, err := f.svc.Redeem(t.Context(), token, netip.MustParseAddr("::ffff:192.0.2.1"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(io.LimitReader(d.File, d.Size))
	d.Done(true)
	if string(body) != "hello\r\nworld\n" || d.Name != "a.txt" {
		t.Errorf("link gave %q as %q", body, d.Name)
	}
	if _, err := f.svc.Redeem(t.Context(), token, here); !errors.Is(err, files.ErrLink) {
		t.Errorf("a link used twice: %v; want ErrLink", err)
	}
	if _, err := f.svc.Redeem(t.Context(), "guess", here); !errors.Is(err, files.ErrLink) {
		t.Errorf("a guessed token: %v; want ErrLink", err)
	}
	es, _ := b.List(b.Areas()[0])
	if es[0].Downloads != 1 {
		t.Errorf("a.txt downloads %d; want 1", es[0].Downloads)
	}
	// More links than MaxLinks: the oldest go.
	var first string
	for i := range files.MaxLinks + 1 {
		tok, err := b.Link("/pub/a.txt", here)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = tok
		}
	}
	if _, err := f.svc.Redeem(t.Context(), first, here); !errors.Is(err, files.ErrLink) {
		t.Errorf("the oldest of %d links still works", files.MaxLinks+1)
	}
}

// TestReceiveLimits: a file is committed once its declared size arrives
// and it is closed; a name twice in a batch is refused; a batch that
// offers too many refused files is cancelled, and the result keeps only
// the first few reasons, names cut short.
func TestReceiveLimits(t *testing.T) {
	f := newFixture(t, files.Config{})
	b := f.open(f.user)
	r, err := b.Receive(b.Areas()[0])
	if err != nil {
		t.Fatal(err)
	}
	w, err := r.Create(xfer.File{Name: "sized.txt", Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("12345"))
	w.Close()
	if _, err := os.Stat(filepath.Join(f.dir, "uploads", "sized.txt")); err != nil {
		t.Errorf("a whole file is not in place at its close: %v", err)
	}
	if _, err := r.Create(xfer.File{Name: "sized.txt", Size: 5}); !errors.Is(err, xfer.ErrSkip) {
		t.Errorf("the same name twice: %v; want ErrSkip", err)
	}
	long := string(bytes.Repeat([]byte("n"), 500)) + "\x1b[2J"
	for i := range files.MaxRefused {
		_, err = r.Create(xfer.File{Name: long})
		if i < files.MaxRefused-2 && !errors.Is(err, xfer.ErrSkip) {
			t.Fatalf("refusal %d: %v; want ErrSkip", i, err)
		}
	}
	if !errors.Is(err, files.ErrTooManyRefused) {
		t.Errorf("refusal %d: %v; want ErrTooManyRefused", files.MaxRefused, err)
	}
	if len(r.Refused) != 10 || len(r.Refused[1]) > 200 || bytes.ContainsRune([]byte(r.Refused[1]), 0x1b) {
		t.Errorf("Refused holds %d entries, the second %q", len(r.Refused), r.Refused[1])
	}
	if err := r.Finish(nil, xfer.ErrCancelled); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Created, []string{"sized.txt"}) {
		t.Errorf("Created %v", r.Created)
	}
}

// TestSFTPRatio: sftp downloads are held to the ratio and counted when
// read whole.
func TestSFTPRatio(t *testing.T) {
	f := newFixture(t, files.Config{Ratio: 1, RatioFree: 20})
	ss, err := f.svc.Area().NewSession(t.Context(), filearea.User{ID: f.user.ID, Handle: "caller"})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	cEnd, sEnd := net.Pipe()
	srv := sftp.NewRequestServer(sEnd, ss.Handlers())
	done := make(chan struct{})
	go func() { srv.Serve(); srv.Close(); close(done) }()
	cl, err := sftp.NewClientPipe(cEnd, cEnd)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cl.Close(); cEnd.Close(); <-done }()
	get := func(name string) error {
		r, err := cl.Open(name)
		if err != nil {
			return err
		}
		defer r.Close()
		_, err = io.Copy(io.Discard, r)
		return err
	}
	if err := get("/pub/a.txt"); err != nil { // 13 bytes of the 20 free
		t.Fatal(err)
	}
	if err := get("/pub/a.txt"); err == nil || !strings.Contains(err.Error(), "ratio") {
		t.Errorf("a second 13 bytes with 7 left: %v; want the ratio's refusal", err)
	}
	tot, _ := f.st.Files.Totals(t.Context(), f.user.ID)
	rec, _ := f.st.Files.FileRecord(t.Context(), "pub/a.txt")
	if tot.DownBytes != 13 || rec.Downloads != 1 {
		t.Errorf("after one sftp download: totals %+v, downloads %d", tot, rec.Downloads)
	}
}
