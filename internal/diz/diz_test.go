package diz

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// entry is one file of a test archive.
type entry struct {
	name string
	data string
	// raw entries are written with CreateRaw: data is then the
	// compressed data, and method, crc and size are used as given.
	raw    bool
	method uint16
	crc    uint32
	size   uint64
	flags  uint16
}

// deflated returns an entry whose data is the deflate of text, claiming
// size bytes uncompressed (len(text) when size is 0), with the CRC of
// text.
func deflated(name, text string, size uint64) entry {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestSpeed)
	w.Write([]byte(text))
	w.Close()
	if size == 0 {
		size = uint64(len(text))
	}
	return entry{name: name, data: b.String(), raw: true, method: zip.Deflate,
		crc: crc32.ChecksumIEEE([]byte(text)), size: size}
}

// stored returns a raw stored entry with CRC 0, which archive/zip does
// not check: the fuzzer may change its contents.
func stored(name, text string) entry {
	return entry{name: name, data: text, raw: true, method: zip.Store, size: uint64(len(text))}
}

// makeZip returns a zip archive of the entries, deflated unless raw.
func makeZip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		var w io.Writer
		var err error
		if e.raw {
			w, err = zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: e.method, Flags: e.flags,
				CRC32: e.crc, CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.size})
		} else {
			w, err = zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Flags: e.flags})
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func lines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "line %d\r\n", i)
	}
	return b.String()
}

// Big texts, compressed once.
var (
	bigOnce               sync.Once
	megA, megBox, bombEnt entry
)

func big() {
	bigOnce.Do(func() {
		megA = deflated("FILE_ID.DIZ", strings.Repeat("A", 1<<20), 0)
		megBox = deflated("FILE_ID.DIZ", strings.Repeat("─", 1<<20/3), 0)
		// 4 MiB that claims an exabyte.
		bombEnt = deflated("FILE_ID.DIZ", strings.Repeat("BOOM", 1<<20), 1<<60)
	})
}

type zipCase struct {
	name    string
	entries []entry
	want    string
}

func zipCases() []zipCase {
	big()
	return []zipCase{
		{"upper case", []entry{{name: "FILE_ID.DIZ", data: "Hello"}}, "Hello"},
		{"lower case", []entry{{name: "file_id.diz", data: "Hello"}}, "Hello"},
		{"mixed case", []entry{{name: "readme.txt", data: "no"}, {name: "File_Id.Diz", data: "Hello"}}, "Hello"},
		{"no description", []entry{{name: "readme.txt", data: "no"}, {name: "FILE_ID.TXT", data: "no"}}, ""},
		{"in a folder only", []entry{{name: "docs/FILE_ID.DIZ", data: "no"}, {name: `docs\FILE_ID.DIZ`, data: "no"}}, ""},
		{"folder ignored", []entry{{name: "x/FILE_ID.DIZ", data: "no"}, {name: "FILE_ID.DIZ", data: "yes"}}, "yes"},
		{"folder named FILE_ID.DIZ", []entry{{name: "FILE_ID.DIZ/", data: ""}, {name: "FILE_ID.DIZ/a", data: "no"}}, ""},
		{"DESC.SDI", []entry{{name: "desc.sdi", data: "from sdi"}}, "from sdi"},
		{"FILE_ID.DIZ first", []entry{{name: "DESC.SDI", data: "sdi"}, {name: "FILE_ID.DIZ", data: "diz"}}, "diz"},
		{"blank DIZ, DESC.SDI", []entry{{name: "FILE_ID.DIZ", data: " \r\n\t\r\n"}, {name: "DESC.SDI", data: "sdi"}}, "sdi"},
		{"first of two", []entry{{name: "FILE_ID.DIZ", data: "one"}, {name: "file_id.diz", data: "two"}}, "one"},
		{"long s is no s", []entry{{name: "DEſC.SDI", data: "no"}}, ""},

		{"CP437 box", []entry{{name: "FILE_ID.DIZ", data: "\xda\xc4\xc4\xbf\r\n\xb3\xb0\xb1\xb3\r\n\xc0\xc4\xc4\xd9\r\n"}}, "┌──┐\n│░▒│\n└──┘"},
		{"CP437 letters", []entry{{name: "FILE_ID.DIZ", data: "Caf\x82 \x84\x94\x81 \xe1 \x9c5 \xfb\xf8"}}, "Café äöü ß £5 √°"},
		{"CP437 0xFF is trailing blank", []entry{{name: "FILE_ID.DIZ", data: "x\xff\xff\r\n\xff\r\n"}}, "x"},
		{"UTF-8 kept", []entry{{name: "FILE_ID.DIZ", data: "┌─┐ café 世界 😀\n└─┘"}}, "┌─┐ café 世界 😀\n└─┘"},
		{"UTF-8 BOM", []entry{{name: "FILE_ID.DIZ", data: "\ufeffText"}}, "Text"},

		{"ANSI removed", []entry{{name: "FILE_ID.DIZ", data: "\x1b[1;33mHELLO\x1b[0m \x1b[2J\x1b]0;pwned\x07world\x1b[K"}}, "HELLO world"},
		{"ANSI in CP437", []entry{{name: "FILE_ID.DIZ", data: "\x1b[0;1;34m\xdb\xdb\x1b[0m \xc4\x1b[5m!"}}, "██ ─!"},
		{"8-bit CSI is CP437", []entry{{name: "FILE_ID.DIZ", data: "\x9b5"}}, "¢5"},
		{"8-bit CSI in UTF-8", []entry{{name: "FILE_ID.DIZ", data: "a\u009b2Jb\u202ec"}}, "abc"},
		{"controls", []entry{{name: "FILE_ID.DIZ", data: "a\x00b\x07c\x08d\x7fe\x0cf"}}, "abcdef"},
		{"tabs", []entry{{name: "FILE_ID.DIZ", data: "a\tb\r\n\tc\r\nabcdefgh\ti\r\n─\tx"}}, "a       b\n        c\nabcdefgh        i\n─       x"},

		{"CR LF", []entry{{name: "FILE_ID.DIZ", data: "one\r\ntwo\r\n\r\nfour\r\n"}}, "one\ntwo\n\nfour"},
		{"lone CR", []entry{{name: "FILE_ID.DIZ", data: "one\rtwo"}}, "one\ntwo"},
		{"trailing blanks", []entry{{name: "FILE_ID.DIZ", data: "  one   \r\n two \t\r\n\r\n   \r\n\r\n"}}, "  one\n two"},
		{"leading blank kept", []entry{{name: "FILE_ID.DIZ", data: "\r\ntwo"}}, "\ntwo"},
		{"only blanks", []entry{{name: "FILE_ID.DIZ", data: "\r\n  \r\n\x1b[0m\r\n"}}, ""},
		{"MaxLines", []entry{{name: "FILE_ID.DIZ", data: lines(MaxLines)}}, strings.TrimSuffix(strings.ReplaceAll(lines(MaxLines), "\r\n", "\n"), "\n")},
		{"more than MaxLines", []entry{{name: "FILE_ID.DIZ", data: lines(30)}}, strings.TrimSuffix(strings.ReplaceAll(lines(MaxLines), "\r\n", "\n"), "\n")},
		{"blank lines before the cut", []entry{{name: "FILE_ID.DIZ", data: lines(MaxLines-2) + "\r\n\r\nline 21\r\n"}}, strings.TrimSuffix(strings.ReplaceAll(lines(MaxLines-2), "\r\n", "\n"), "\n")},
		{"^Z and SAUCE", []entry{{name: "FILE_ID.DIZ", data: "desc \xb0\r\n\x1aSAUCE00Title                              Artist"}}, "desc ░"},

		{"1 MiB cut", []entry{megA}, strings.Repeat("A", MaxDIZ)},
		{"1 MiB UTF-8 cut in a character", []entry{megBox}, strings.Repeat("─", MaxDIZ/3)},
		{"bomb", []entry{bombEnt}, strings.Repeat("BOOM", MaxDIZ/4)},
		{"claims less than it holds", []entry{deflated("FILE_ID.DIZ", strings.Repeat("x", 1000), 10)}, ""},
		{"bad CRC", []entry{func() entry { e := deflated("FILE_ID.DIZ", "text", 0); e.crc++; return e }()}, ""},
		{"bad deflate", []entry{{name: "FILE_ID.DIZ", data: "\xff\xff\xff\xff", raw: true, method: zip.Deflate, size: 4}}, ""},
		{"encrypted", []entry{{name: "FILE_ID.DIZ", data: "secret", flags: 1}, {name: "DESC.SDI", data: "sdi"}}, "sdi"},
		{"imploded", []entry{{name: "FILE_ID.DIZ", data: "\x01\x02\x03", raw: true, method: 6, size: 10}, {name: "DESC.SDI", data: "sdi"}}, "sdi"},
		{"stored without CRC", []entry{stored("FILE_ID.DIZ", "plain")}, "plain"},
	}
}

func TestFromZip(t *testing.T) {
	for _, c := range zipCases() {
		t.Run(c.name, func(t *testing.T) {
			z := makeZip(t, c.entries...)
			got, err := FromZip(bytes.NewReader(z), int64(len(z)))
			if err != nil {
				t.Fatalf("FromZip: %v", err)
			}
			if got != c.want {
				t.Errorf("FromZip = %q, want %q", got, c.want)
			}
		})
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// TestReadsLittle: of a stored 1 MiB FILE_ID.DIZ, little more than MaxDIZ
// is read.
func TestReadsLittle(t *testing.T) {
	z := makeZip(t, entry{name: "FILE_ID.DIZ", data: strings.Repeat("B", 1<<20), raw: true, method: zip.Store, size: 1 << 20})
	cr := &countingReader{r: bytes.NewReader(z)}
	got, err := FromZip(cr, int64(len(z)))
	if err != nil || got != strings.Repeat("B", MaxDIZ) {
		t.Fatalf("FromZip = %d bytes, %v", len(got), err)
	}
	// The search for the end record reads 1 KiB, the directory is read
	// with a 4 KiB buffer, the local header, MaxDIZ+1 bytes and what
	// archive/zip asks for in its reads.
	if cr.n > 64<<10 {
		t.Errorf("read %d bytes of a %d-byte archive", cr.n, len(z))
	}
}

func TestNotZip(t *testing.T) {
	for _, c := range []struct{ name, data string }{
		{"empty", ""},
		{"text", "FILE_ID.DIZ: just some text, no archive at all"},
		{"end record only half", "PK\x05\x06\x00\x00"},
		{"end cut off", func() string { z := makeZip(t, entry{name: "FILE_ID.DIZ", data: "x"}); return string(z[:len(z)-5]) }()},
		{"directory outside", "PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x2e\x00\x00\x00\xff\xff\x00\x00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := FromZip(strings.NewReader(c.data), int64(len(c.data)))
			if err == nil || got != "" {
				t.Errorf("FromZip = %q, %v; want an error", got, err)
			}
		})
	}
	if _, err := FromZip(strings.NewReader(""), -1); err == nil {
		t.Error("negative size: no error")
	}
}

func TestEmptyZip(t *testing.T) {
	z := makeZip(t)
	got, err := FromZip(bytes.NewReader(z), int64(len(z)))
	if got != "" || err != nil {
		t.Errorf("FromZip = %q, %v; want \"\", nil", got, err)
	}
}

// directory returns an archive of n central directory records (names of
// nameLen bytes, no local headers) whose end record claims claimed
// records and a directory of dirSize bytes (the true size when -1).
func directory(n int, nameLen int, claimed uint16, dirSize int64) []byte {
	rec := make([]byte, 46+nameLen)
	binary.LittleEndian.PutUint32(rec, 0x02014b50)
	binary.LittleEndian.PutUint16(rec[28:], uint16(nameLen))
	for i := 46; i < len(rec); i++ {
		rec[i] = 'a'
	}
	b := bytes.Repeat(rec, n)
	if dirSize < 0 {
		dirSize = int64(len(b))
	}
	end := make([]byte, 22)
	binary.LittleEndian.PutUint32(end, 0x06054b50)
	binary.LittleEndian.PutUint16(end[8:], claimed)
	binary.LittleEndian.PutUint16(end[10:], claimed)
	binary.LittleEndian.PutUint32(end[12:], uint32(dirSize))
	binary.LittleEndian.PutUint32(end[16:], 0)
	return append(b, end...)
}

// zip64 returns an archive whose zip64 end record claims records
// entries and a directory of dirSize bytes.
func zip64(records, dirSize uint64) []byte {
	var b []byte
	le := binary.LittleEndian
	e := make([]byte, 56)
	le.PutUint32(e, 0x06064b50)
	le.PutUint64(e[4:], 44)
	le.PutUint64(e[24:], records)
	le.PutUint64(e[32:], records)
	le.PutUint64(e[40:], dirSize)
	le.PutUint64(e[48:], 0)
	b = append(b, e...)
	l := make([]byte, 20)
	le.PutUint32(l, 0x07064b50)
	le.PutUint64(l[8:], 0)
	le.PutUint32(l[16:], 1)
	b = append(b, l...)
	end := make([]byte, 22)
	le.PutUint32(end, 0x06054b50)
	le.PutUint16(end[8:], 0xffff)
	le.PutUint16(end[10:], 0xffff)
	le.PutUint32(end[12:], 0xffffffff)
	le.PutUint32(end[16:], 0xffffffff)
	return append(b, end...)
}

func TestLimits(t *testing.T) {
	many := func(n int) []byte {
		es := make([]entry, n)
		for i := range es {
			es[i] = stored(fmt.Sprint(i), "")
		}
		es[n-1] = stored("FILE_ID.DIZ", "last")
		return makeZip(t, es...)
	}
	ok := many(MaxEntries)
	got, err := FromZip(bytes.NewReader(ok), int64(len(ok)))
	if got != "last" || err != nil {
		t.Errorf("%d entries: FromZip = %q, %v", MaxEntries, got, err)
	}
	for _, c := range []struct {
		name string
		z    []byte
	}{
		{"MaxEntries+1", many(MaxEntries + 1)},
		{"claims 65535", directory(1, 0, 0xffff, -1)},
		{"claims a large directory", directory(1, 0, 1, MaxDirectory+1)},
		// archive/zip compares counts modulo 65536 and reads on.
		{"count wraps", directory(1<<16+5, 0, 5, 5*46)},
		{"count wraps, large directory", directory(200000, 0, 200000%(1<<16), 200000%(1<<16)*46)},
		{"zip64 records", zip64(1<<40, 46)},
		{"zip64 size", zip64(1, 1<<40)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := FromZip(bytes.NewReader(c.z), int64(len(c.z)))
			if !errors.Is(err, ErrTooLarge) || got != "" {
				t.Errorf("FromZip = %q, %v; want ErrTooLarge", got, err)
			}
		})
	}
}

// TestHostileDirectoryMemory: a 48 MB directory of a million empty
// entries that claims 5 costs archive/zip 266 MB; FromZip refuses it
// having spent a few MB.
func TestHostileDirectoryMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 48 MB archive")
	}
	z := directory(1<<20+5, 0, 5, 5*46)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, err := FromZip(bytes.NewReader(z), int64(len(z)))
	runtime.ReadMemStats(&m1)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("FromZip: %v; want ErrTooLarge", err)
	}
	alloc := m1.TotalAlloc - m0.TotalAlloc
	t.Logf("allocated %d KiB for a %d KiB directory", alloc>>10, len(z)>>10)
	if alloc > 64<<20 {
		t.Errorf("allocated %d MiB", alloc>>20)
	}
}

// area makes a folder with an area folder in it, and returns the area
// opened as a root.
func area(t *testing.T) (*os.Root, string) {
	dir := t.TempDir()
	a := filepath.Join(dir, "area")
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(a, "sub", "dir.zip"), 0o755); err != nil {
		t.Fatal(err)
	}
	good := makeZip(t, entry{name: "FILE_ID.DIZ", data: "good \xb0"})
	write(filepath.Join(a, "good.zip"), good)
	write(filepath.Join(a, "sub", "UPPER.ZIP"), good)
	write(filepath.Join(a, "sub", "nodiz.zip"), makeZip(t, entry{name: "a.txt", data: "a"}))
	write(filepath.Join(a, "good.txt"), good)
	write(filepath.Join(a, "bad.zip"), []byte("not a zip"))
	write(filepath.Join(dir, "outside.zip"), makeZip(t, entry{name: "FILE_ID.DIZ", data: "secret"}))
	root, err := os.OpenRoot(a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root, dir
}

func TestFromFile(t *testing.T) {
	root, dir := area(t)
	symlinks := true
	if err := os.Symlink(filepath.Join(dir, "outside.zip"), filepath.Join(dir, "area", "abs.zip")); err != nil {
		symlinks = false
	}
	if err := os.Symlink("../outside.zip", filepath.Join(dir, "area", "rel.zip")); err != nil {
		symlinks = false
	}
	if err := os.Symlink("good.zip", filepath.Join(dir, "area", "link.zip")); err != nil {
		symlinks = false
	}
	for _, c := range []struct {
		name, want string
		err, link  bool
	}{
		{name: "good.zip", want: "good ░"},
		{name: "sub/UPPER.ZIP", want: "good ░"},
		{name: "sub/../good.zip", want: "good ░"},
		{name: "sub/nodiz.zip"},
		{name: "good.txt"},
		{name: "sub/dir.zip"},
		{name: "bad.zip", err: true},
		{name: "missing.zip", err: true},
		{name: "../outside.zip", err: true},
		{name: "sub/../../outside.zip", err: true},
		{name: filepath.Join(dir, "outside.zip"), err: true},
		{name: "../outside.txt"}, // not a zip: not even looked at
		{name: "abs.zip", err: true, link: true},
		{name: "rel.zip", err: true, link: true},
		{name: "link.zip", want: "good ░", link: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.link && !symlinks {
				t.Skip("no symlinks")
			}
			got, err := FromFile(root, c.name)
			if (err != nil) != c.err || got != c.want {
				t.Errorf("FromFile = %q, %v; want %q, error %v", got, err, c.want, c.err)
			}
			if strings.Contains(got, "secret") {
				t.Error("read outside the root")
			}
		})
	}
}

func TestClean(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		cut  bool
		want string
	}{
		{"cut UTF-8 sequence", "ab\xe2\x94", true, "ab"},
		{"uncut bad UTF-8 is CP437", "ab\xe2\x94", false, "abΓö"},
		{"cut mid 4-byte", "😀😀"[:7], true, "😀"},
		{"cut, invalid before", "\xb0ab\xe2\x94", true, "░abΓö"},
		{"cut after ^Z does not matter", "a\x1a\xe2", true, "a"},
		{"unterminated OSC takes the rest", "ok\x1b]0;title\r\nmore", false, "ok"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := clean([]byte(c.in), c.cut); got != c.want {
				t.Errorf("clean(%q, %v) = %q, want %q", c.in, c.cut, got, c.want)
			}
		})
	}
}

// TestInsecurePath: with GODEBUG=zipinsecurepath=0, archive/zip reports
// names like ../x as an error but still reads the archive; nothing is
// extracted here, so the description is still shown.
func TestInsecurePath(t *testing.T) {
	t.Setenv("GODEBUG", "zipinsecurepath=0")
	z := makeZip(t, entry{name: "../../etc/passwd", data: "x"}, entry{name: "FILE_ID.DIZ", data: "ok"})
	if _, err := zip.NewReader(bytes.NewReader(z), int64(len(z))); !errors.Is(err, zip.ErrInsecurePath) {
		t.Logf("archive/zip: %v, not ErrInsecurePath: GODEBUG not applied", err)
	}
	got, err := FromZip(bytes.NewReader(z), int64(len(z)))
	if got != "ok" || err != nil {
		t.Errorf("FromZip = %q, %v; want \"ok\", nil", got, err)
	}
}
