package filearea

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkg/sftp"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

func TestEscapeName(t *testing.T) {
	tests := []struct{ name, shown string }{
		{"readme.txt", "readme.txt"},
		{"Ünïcödé ✶.zip", "Ünïcödé ✶.zip"},
		{"clip\x1b]52;c;ZXZpbA==\x07.txt", `clip\x1b]52;c;ZXZpbA==\x07.txt`},
		{"cls\x1b[2J", `cls\x1b[2J`},
		{"c1\u009b2J", `c1\u009b2J`},
		{"raw\x9b2J", `raw\x9b2J`},
		{"two\nlines", `two\x0alines`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{`back\slash`, `back\\slash`},
		{"tab\there", `tab\x09here`},
		{"del\x7f", `del\x7f`},
	}
	for _, tt := range tests {
		if got := escapeName(tt.name); got != tt.shown {
			t.Errorf("escapeName(%q) = %q; want %q", tt.name, got, tt.shown)
		}
		if shown := escapeName(tt.name); term.Sanitize(shown) != shown {
			t.Errorf("escapeName(%q) = %q is not safe to show", tt.name, shown)
		}
		got, ok := unescapeName(tt.shown)
		if want := tt.name != tt.shown; ok != want || (ok && got != tt.name) {
			t.Errorf("unescapeName(%q) = %q, %v; want %q, %v", tt.shown, got, ok, tt.name, want)
		}
	}
	// Only the canonical escaped form reads back.
	for _, s := range []string{`\x41`, `\u0041`, `\X1b`, `\x1`, `trailing\`, `\u001B`, `\U0000001b`} {
		if got, ok := unescapeName(s); ok {
			t.Errorf("unescapeName(%q) = %q, true; want itself", s, got)
		}
	}
}

func TestLocalPaths(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/", "."},
		{"/uploads/x", "uploads/x"},
		{"../../etc/passwd", "etc/passwd"},
		{`/uploads/cls\x1b[2J`, "uploads/cls\x1b[2J"},
		{`/uploads/\x2e\x2e`, `uploads/\x2e\x2e`}, // "." is clean: not an escape
		{`/a\x2fb`, `a\x2fb`},                     // "/" is clean too
		{`/back\\slash`, `back\slash`},
	}
	for _, tt := range tests {
		if got := local(tt.in); got != tt.want {
			t.Errorf("local(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzLocal checks that no request path leaves the area and that every
// name survives being listed and asked for again.
func FuzzLocal(f *testing.F) {
	for _, s := range []string{"/uploads/x", "../..", `\x1b[2J`, "a\x9bb", `\\`, `/a/\u202e/b`, "\xff\xfe", `\U0001f600`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		rel := local(p)
		if rel != "." && (!filepath.IsLocal(rel) || strings.HasPrefix(rel, "/")) {
			t.Fatalf("local(%q) = %q leaves the root", p, rel)
		}
		if strings.Contains(p, "/") {
			return
		}
		shown := escapeName(p)
		if strings.ContainsFunc(shown, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }) {
			t.Fatalf("escapeName(%q) = %q holds a control character", p, shown)
		}
		if p == "" || p == "." || p == ".." {
			return
		}
		if got := local("/" + shown); got != p {
			t.Fatalf("local(escapeName(%q)) = %q", p, got)
		}
	})
}

func TestBadNamesRefused(t *testing.T) {
	e := newEnv(t, Config{})
	a, s := e.connect(t, alice), e.connect(t, sysop)
	if err := s.put("/pub/ok.txt", []byte("ok")); err != nil {
		t.Fatal(err)
	}
	bad := []string{"clip\x1b]52;c;ZXZpbA==\x07", "cls\x1b[2J", "c1\u009b2J", "raw\x9b2J", "two\nlines", "evil\u202etxt.exe", `back\slash`, "zw\u200bsp"}
	for _, name := range bad {
		if err := a.put("/uploads/"+name, []byte("x")); code(err) != sftp.ErrSSHFxFailure || !strings.Contains(err.Error(), "names may not contain control characters") {
			t.Errorf("put(%q) = %v; want a failure naming the rule", name, err)
		}
		if err := s.Mkdir("/pub/" + name); code(err) != sftp.ErrSSHFxFailure {
			t.Errorf("sysop Mkdir(%q) = %v; want a failure", name, err)
		}
		if err := s.Rename("/pub/ok.txt", "/pub/"+name); code(err) != sftp.ErrSSHFxFailure {
			t.Errorf("sysop Rename to %q = %v; want a failure", name, err)
		}
	}
	if got := e.names(t, "uploads"); len(got) != 0 {
		t.Errorf("uploads holds %q; want nothing", got)
	}
}

func TestBadNamesOnDiskListedEscaped(t *testing.T) {
	e := newEnv(t, Config{})
	name := "cls\x1b[2J\nfake line"
	mustWrite(t, filepath.Join(e.dir, "pub", name), "payload")
	a := e.connect(t, alice)
	fis, err := a.ReadDir("/pub")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range fis {
		names = append(names, fi.Name())
	}
	shown := `cls\x1b[2J\x0afake line`
	if !slices.Contains(names, shown) {
		t.Fatalf("ReadDir(/pub) = %q; want %q among them", names, shown)
	}
	if got, err := a.get("/pub/" + shown); err != nil || got != "payload" {
		t.Errorf("get(escaped name) = %q, %v; want the file", got, err)
	}
	// The sysop can rename it to a clean name by its escaped one.
	s := e.connect(t, sysop)
	if err := s.Rename("/pub/"+shown, "/pub/clean.txt"); err != nil {
		t.Errorf("Rename(escaped name) = %v", err)
	}
}

func TestOpenHandleLimits(t *testing.T) {
	e := newEnv(t, Config{MaxOpen: 4, MaxOpenPerUser: 6, MaxSessionsPerUser: 10})
	if n := e.area.MaxOpen(); n != 4 {
		t.Errorf("MaxOpen() = %d; want 4", n)
	}
	if n := newEnv(t, Config{}).area.MaxOpen(); n != DefaultMaxOpen {
		t.Errorf("MaxOpen() = %d by default; want %d", n, DefaultMaxOpen)
	}
	for i := range 8 {
		mustWrite(t, filepath.Join(e.dir, "pub", fmt.Sprintf("f%d", i)), "x")
	}
	c1, c2 := e.connect(t, alice), e.connect(t, alice)
	var open []*sftp.File
	for i := range 4 {
		f, err := c1.Open(fmt.Sprintf("/pub/f%d", i))
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		open = append(open, f)
	}
	_, err := c1.Open("/pub/f4")
	if code(err) != sftp.ErrSSHFxFailure || !strings.Contains(err.Error(), "too many open files: at most 4 in this session") {
		t.Errorf("5th open in a session = %v; want a failure naming the limit", err)
	}
	// Uploads and directory listings count too.
	if err := c1.put("/uploads/u", []byte("x")); code(err) != sftp.ErrSSHFxFailure {
		t.Errorf("upload past the limit = %v; want a failure", err)
	}
	if _, err := c1.ReadDir("/pub"); code(err) != sftp.ErrSSHFxFailure {
		t.Errorf("listing past the limit = %v; want a failure", err)
	}
	// The user's other session has 2 left of 6.
	f, err := c2.Open("/pub/f5")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := c2.Open("/pub/f6")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := c2.Open("/pub/f7"); code(err) != sftp.ErrSSHFxFailure || !strings.Contains(err.Error(), "at most 6 in all your sessions") {
		t.Errorf("7th open of the user = %v; want a failure naming the limit", err)
	}
	// Another user is not affected.
	if got, err := e.connect(t, bob).get("/pub/f7"); err != nil || got != "x" {
		t.Errorf("bob's get = %q, %v", got, err)
	}
	// Closing gives handles back.
	open[0].Close()
	if got, err := c1.get("/pub/f4"); err != nil || got != "x" {
		t.Errorf("get after a close = %q, %v", got, err)
	}
	for _, f := range open[1:] {
		f.Close()
	}
	if err := c1.put("/uploads/u", []byte("x")); err != nil {
		t.Errorf("upload after closes = %v", err)
	}
	// A dropped connection gives back what it held.
	held, _ := c1.Open("/pub/f0")
	_ = held
	c1.drop()
	c3 := e.connect(t, alice)
	for i := range 4 {
		if _, err := c3.Open(fmt.Sprintf("/pub/f%d", i)); err != nil {
			t.Errorf("open %d after the drop: %v", i, err)
		}
	}
}

func TestSessionsPerUser(t *testing.T) {
	e := newEnv(t, Config{MaxSessionsPerUser: 2})
	s1, err := e.area.NewSession(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := e.area.NewSession(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.area.NewSession(t.Context(), alice); !errors.Is(err, ErrTooManySessions) {
		t.Errorf("3rd session = %v; want ErrTooManySessions", err)
	}
	if s, err := e.area.NewSession(t.Context(), bob); err != nil {
		t.Errorf("bob's session = %v", err)
	} else {
		s.Close()
	}
	s1.Close()
	s1.Close() // once only
	s3, err := e.area.NewSession(t.Context(), alice)
	if err != nil {
		t.Errorf("session after a close = %v", err)
	} else {
		s3.Close()
	}
	if _, err := e.area.NewSession(t.Context(), alice); err != nil {
		t.Errorf("2nd session after the double close = %v; want nil", err)
	}
	s2.Close()
}

func TestRequestPace(t *testing.T) {
	e := newEnv(t, Config{RequestsPerSecond: 10})
	c := e.connect(t, alice)
	start := time.Now()
	for range 25 {
		if _, err := c.Stat("/pub/readme.txt"); err != nil {
			t.Fatal(err)
		}
	}
	// 10 at once, then 10 a second: the 25th cannot come before 1.5 s.
	if d := time.Since(start); d < 1400*time.Millisecond {
		t.Errorf("25 requests at 10 a second took %v; want at least 1.4 s", d)
	}
}

func TestRefusalLogThrottled(t *testing.T) {
	e := newEnv(t, Config{LinesPerSecond: 3, MaxLogValue: 64})
	c := e.connect(t, alice)
	long := "/uploads/" + strings.Repeat("Z", 30000)
	start := time.Now()
	// pkg/sftp's client tries Rmdir after a refused Remove: two refusals
	// a call.
	for range 50 {
		if err := c.Remove(long); code(err) != sftp.ErrSSHFxPermissionDenied {
			t.Fatalf("Remove = %v", err)
		}
	}
	seconds := int(time.Since(start)/time.Second) + 1
	logs := e.logs.String()
	lines := strings.Count(logs, "filearea: refused")
	if lines < 3 || lines > 3*seconds {
		t.Errorf("%d refusals logged in %d s; want 3 to %d", lines, seconds, 3*seconds)
	}
	if len(logs) > lines*400 {
		t.Errorf("log grew by %d bytes in %d lines; want at most 400 a line", len(logs), lines)
	}
	if !strings.Contains(logs, "(30009 bytes)") {
		t.Errorf("log does not say how long the cut path was:\n%s", logs)
	}
	// After a second, the next line counts those held back: every
	// refusal is logged or counted.
	time.Sleep(time.Second)
	c.Remove(long)
	logs = e.logs.String()
	total := strings.Count(logs, "filearea: refused")
	for _, m := range regexp.MustCompile(`unlogged_before=(\d+)`).FindAllStringSubmatch(logs, -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	if total != 102 {
		t.Errorf("logged and counted %d refusals; want 102:\n%s", total, logs)
	}
}

func TestFileCountLimit(t *testing.T) {
	e := newEnv(t, Config{MaxFiles: 3})
	a := e.connect(t, alice)
	for i := range 3 {
		if err := a.put(fmt.Sprintf("/uploads/%d", i), []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	err := a.put("/uploads/3", []byte("x"))
	if code(err) != sftp.ErrSSHFxFailure || !strings.Contains(err.Error(), "at most 3 files in /uploads") {
		t.Errorf("4th file = %v; want a failure naming the limit", err)
	}
	// Replacing one's own file adds none.
	if err := a.put("/uploads/0", []byte("again")); err != nil {
		t.Errorf("replacing a file at the limit = %v", err)
	}
	// Sysops are exempt; others have their own count.
	if err := e.connect(t, bob).put("/uploads/b", []byte("x")); err != nil {
		t.Errorf("bob's upload = %v", err)
	}
	if err := e.connect(t, sysop).put("/uploads/s", []byte("x")); err != nil {
		t.Errorf("sysop's upload = %v", err)
	}
	// Parallel uploads share the count.
	e2 := newEnv(t, Config{MaxFiles: 2})
	c := e2.connect(t, alice)
	var files []*sftp.File
	var refused int
	for i := range 4 {
		f, err := c.Create(fmt.Sprintf("/uploads/p%d", i))
		if err != nil {
			refused++
			continue
		}
		files = append(files, f)
	}
	for _, f := range files {
		f.Close()
	}
	if refused != 2 {
		t.Errorf("%d of 4 parallel uploads refused with a limit of 2; want 2", refused)
	}
}

func TestDropBox(t *testing.T) {
	e := newEnv(t, Config{})
	a, b, s := e.connect(t, alice), e.connect(t, bob), e.connect(t, sysop)
	if err := a.put("/uploads/fresh.zip", []byte("new")); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(e.dir, "uploads", "unrecorded.txt"), "sysop's")
	list := func(c *conn) []string {
		fis, err := c.ReadDir("/uploads")
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, fi := range fis {
			ns = append(ns, fi.Name())
		}
		return ns
	}
	if got := list(a); !slices.Equal(got, []string{"fresh.zip"}) {
		t.Errorf("alice lists %q; want her own upload", got)
	}
	if got := list(b); len(got) != 0 {
		t.Errorf("bob lists %q; want nothing", got)
	}
	if got := list(s); !slices.Equal(got, []string{"fresh.zip", "unrecorded.txt"}) {
		t.Errorf("sysop lists %q; want everything", got)
	}
	for _, op := range []func() error{
		func() error { _, err := b.get("/uploads/fresh.zip"); return err },
		func() error { _, err := b.Stat("/uploads/fresh.zip"); return err },
		func() error { _, err := b.Lstat("/uploads/fresh.zip"); return err },
		func() error { _, err := b.get("/uploads/unrecorded.txt"); return err },
	} {
		if err := op(); code(err) != sftp.ErrSSHFxNoSuchFile {
			t.Errorf("bob reaching a held upload = %v; want no such file", err)
		}
	}
	// The sysop releases it into the area.
	if err := s.Rename("/uploads/fresh.zip", "/pub/fresh.zip"); err != nil {
		t.Fatal(err)
	}
	if got, err := b.get("/pub/fresh.zip"); err != nil || got != "new" {
		t.Errorf("bob's get after the release = %q, %v", got, err)
	}
}

// TestReregisteredHandle checks that a new account under a deleted
// account's handle inherits neither its files nor its usage.
func TestReregisteredHandle(t *testing.T) {
	e := newEnv(t, Config{Quota: 1000})
	old := User{ID: 10, Handle: "dave"}
	if err := e.connect(t, old).put("/uploads/dave.zip", make([]byte, 900)); err != nil {
		t.Fatal(err)
	}
	// The store sets the owner to nobody when the account is deleted.
	rec, _ := e.up.Upload(context.Background(), "uploads/dave.zip")
	rec.OwnerID = 0
	e.up.PutUpload(context.Background(), rec)

	newDave := e.connect(t, User{ID: 11, Handle: "dave"})
	if err := newDave.put("/uploads/dave.zip", []byte("mine now")); code(err) != sftp.ErrSSHFxPermissionDenied {
		t.Errorf("new dave overwriting the old dave's upload = %v; want permission denied", err)
	}
	if _, err := newDave.get("/uploads/dave.zip"); code(err) != sftp.ErrSSHFxNoSuchFile {
		t.Errorf("new dave reading the old dave's upload = %v; want no such file", err)
	}
	if err := newDave.put("/uploads/new.zip", make([]byte, 1000)); err != nil {
		t.Errorf("new dave's upload of a whole quota = %v; want his own quota", err)
	}
	if got, _ := os.ReadFile(filepath.Join(e.dir, "uploads", "dave.zip")); len(got) != 900 {
		t.Errorf("old dave's file changed: %d bytes", len(got))
	}
	var st store.UploadUsage
	st, _ = e.up.UploadUsage(context.Background(), 11)
	if st.Files != 1 {
		t.Errorf("new dave's usage = %+v; want his one file", st)
	}
}

// TestDropBoxOpenUpload: an upload a user has open gives him no view of
// a file someone else commits under that name meanwhile.
func TestDropBoxOpenUpload(t *testing.T) {
	e := newEnv(t, Config{})
	a, b := e.connect(t, alice), e.connect(t, bob)
	f, err := a.Create("/uploads/x.zip")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := b.put("/uploads/x.zip", []byte("bob's secret")); err != nil {
		t.Fatal(err)
	}
	if got, err := a.get("/uploads/x.zip"); code(err) != sftp.ErrSSHFxNoSuchFile {
		t.Errorf("alice reading bob's upload under the name she has open = %q, %v; want no such file", got, err)
	}
	if fi, err := a.Stat("/uploads/x.zip"); code(err) != sftp.ErrSSHFxNoSuchFile {
		t.Errorf("alice's stat of bob's upload = %v, %v; want no such file", fi, err)
	}
}

// TestDropBoxThroughLinks: symlinks a sysop made into the upload folder
// lead to the same drop box.
func TestDropBoxThroughLinks(t *testing.T) {
	e := newEnv(t, Config{})
	a, b := e.connect(t, alice), e.connect(t, bob)
	if err := a.put("/uploads/x.zip", []byte("alice's")); err != nil {
		t.Fatal(err)
	}
	for _, l := range [][2]string{{"incoming", "uploads"}, {"pub/x-link", "../uploads/x.zip"}, {"pub/deep", "sub/../../incoming"}} {
		if err := os.Symlink(l[1], filepath.Join(e.dir, l[0])); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"/incoming/x.zip", "/pub/x-link", "/pub/deep/x.zip"} {
		if _, err := b.get(p); code(err) != sftp.ErrSSHFxNoSuchFile {
			t.Errorf("bob's get of %s = %v; want no such file", p, err)
		}
		if _, err := b.Stat(p); code(err) != sftp.ErrSSHFxNoSuchFile {
			t.Errorf("bob's stat of %s = %v; want no such file", p, err)
		}
		if got, err := a.get(p); err != nil || got != "alice's" {
			t.Errorf("alice's get of her own upload through %s = %q, %v", p, got, err)
		}
	}
	for _, dir := range []string{"/incoming", "/pub/deep"} {
		if fis, err := b.ReadDir(dir); err != nil || len(fis) != 0 {
			t.Errorf("bob lists %s = %d entries, %v; want none", dir, len(fis), err)
		}
		if fis, err := a.ReadDir(dir); err != nil || len(fis) != 1 {
			t.Errorf("alice lists %s = %d entries, %v; want her upload", dir, len(fis), err)
		}
	}
}

// TestActivityHidesDropBox: who's online names downloads from the area,
// but not the files of the drop box.
func TestActivityHidesDropBox(t *testing.T) {
	e := newEnv(t, Config{})
	var mu sync.Mutex
	var seen []string
	ss, err := e.area.NewSession(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	ss.Activity = func(a string) { mu.Lock(); seen = append(seen, a); mu.Unlock() }
	s := ss.s
	s.activity = ss.Activity
	w, err := s.Filewrite(sftp.NewRequest("Put", "/uploads/secret-name.zip"))
	if err != nil {
		t.Fatal(err)
	}
	w.(*upload).Close()
	rd, err := s.Fileread(sftp.NewRequest("Get", "/pub/readme.txt"))
	if err != nil {
		t.Fatal(err)
	}
	rd.(*download).Close()
	want := []string{"uploading (/uploads)", ActivityIdle, "downloading /pub/readme.txt", ActivityIdle}
	if !slices.Equal(seen, want) {
		t.Errorf("activities %q; want %q", seen, want)
	}
}

// TestFileLimitOwnStaleRecord: re-uploading one's own file whose record
// outlived it adds no file to the count.
func TestFileLimitOwnStaleRecord(t *testing.T) {
	e := newEnv(t, Config{MaxFiles: 1})
	a := e.connect(t, alice)
	if err := a.put("/uploads/only", []byte("x")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(e.dir, "uploads", "only")) // gone, its record not
	if err := a.put("/uploads/only", []byte("again")); err != nil {
		t.Errorf("re-upload of one's own file at the limit = %v", err)
	}
}
