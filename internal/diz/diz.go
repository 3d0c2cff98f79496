package diz

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// Limits; doc.go says why.
const (
	// MaxDIZ is the most bytes of a description read; the rest is cut.
	MaxDIZ = 8 << 10
	// MaxEntries is the most central directory entries an archive may
	// have; FromZip refuses one with more.
	MaxEntries = 10000
	// MaxDirectory is the largest central directory, in bytes, FromZip
	// lets archive/zip load; it refuses an archive with a larger one.
	MaxDirectory = 4 << 20
	// MaxLines is the most lines of a description kept.
	MaxLines = 20
)

// endSlack is what archive/zip may read besides the central directory
// while it opens an archive: 1 KiB and 65 KiB in its search for the end
// record, the zip64 end records, a probe of one directory header (name,
// extra field and comment up to 64 KiB each), and the 4 KiB its buffered
// reader reads past the directory: 263 KiB at most, and some spare.
const endSlack = 320 << 10

// ErrTooLarge is wrapped by the errors of FromZip for archives whose
// central directory is over MaxEntries or MaxDirectory.
var ErrTooLarge = errors.New("diz: zip central directory over limit")

// Names of the description files, in order of preference.
var names = [...]string{"FILE_ID.DIZ", "DESC.SDI"}

// FromZip returns the description in the zip archive r of size bytes: the
// text of its FILE_ID.DIZ, or of its DESC.SDI when there is no
// FILE_ID.DIZ or it says nothing. Either must be at the top level of the
// archive; names are matched without regard to ASCII case, and of two
// entries with the same name the first that can be read is used.
//
// The text is cut at MaxDIZ bytes and at the first ^Z, decoded from CP437
// unless it is valid UTF-8, and cleaned for other people's terminals:
// escape sequences and control characters removed (term.SanitizeText),
// CR LF and lone CR made "\n", tabs expanded to spaces (stops every 8
// characters), trailing white space of each line and trailing blank lines
// removed, and only the first MaxLines lines kept. The result does not
// end in "\n".
//
// FromZip returns "" and nil when the archive has no description, or
// only an unreadable one (encrypted, in an unsupported method, corrupt),
// and an error only when r is not a readable zip archive or, wrapping
// ErrTooLarge, is over the limits (see the package documentation).
func FromZip(r io.ReaderAt, size int64) (string, error) {
	if err := checkEnd(r, size); err != nil {
		return "", err
	}
	br := &budgetReader{r: r, left: MaxDirectory + endSlack}
	zr, err := zip.NewReader(br, size)
	br.left = -1 // entries are read through br too: unlimited from now on
	if errors.Is(err, errBudget) {
		return "", fmt.Errorf("%w: directory larger than %d bytes", ErrTooLarge, MaxDirectory)
	}
	// ErrInsecurePath (GODEBUG zipinsecurepath=0) comes with a usable
	// reader: names like ../x do not matter here, nothing is extracted.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return "", err
	}
	if len(zr.File) > MaxEntries {
		return "", fmt.Errorf("%w: %d entries, more than %d", ErrTooLarge, len(zr.File), MaxEntries)
	}
	for _, name := range names {
		for _, f := range zr.File {
			if !asciiEqualFold(f.Name, name) {
				continue
			}
			b, cut, ok := read(f)
			if !ok {
				continue
			}
			if s := clean(b, cut); s != "" {
				return s, nil
			}
		}
	}
	return "", nil
}

// FromFile returns the description of the file name in root: FromZip of
// it for a regular file whose name ends in ".zip" (in any case), and ""
// and nil for other names and for what is not a regular file. Nothing
// outside root is opened (os.Root refuses "..", absolute paths and
// symlinks leading out); such names are errors, like missing files.
func FromFile(root *os.Root, name string) (string, error) {
	if len(name) < 4 || !asciiEqualFold(name[len(name)-4:], ".zip") {
		return "", nil
	}
	// Stat first so that a FIFO is not opened (that would block).
	fi, err := root.Stat(name)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", nil
	}
	f, err := root.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", nil
	}
	return FromZip(f, fi.Size())
}

// read returns up to MaxDIZ bytes of f's contents, and whether there were
// more; ok is false when f cannot be read.
func read(f *zip.File) (b []byte, cut, ok bool) {
	if f.Flags&0x1 != 0 { // encrypted
		return nil, false, false
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false, false
	}
	defer rc.Close()
	b, err = io.ReadAll(io.LimitReader(rc, MaxDIZ+1))
	if err != nil {
		return nil, false, false
	}
	if len(b) > MaxDIZ {
		return b[:MaxDIZ], true, true
	}
	return b, false, true
}

// clean turns the bytes of a description into the text FromZip returns;
// cut says whether b was cut at MaxDIZ, perhaps inside a UTF-8 sequence.
func clean(b []byte, cut bool) string {
	if i := bytes.IndexByte(b, 0x1a); i >= 0 { // ^Z: DOS end of file
		b, cut = b[:i], false
	}
	var s string
	if v, ok := validUTF8(b, cut); ok {
		s = string(v)
	} else {
		var sb strings.Builder
		sb.Grow(len(b) * 2)
		for _, c := range b {
			sb.WriteRune(term.DecodeCP437(c))
		}
		s = sb.String()
	}
	s = term.SanitizeText(s)

	lines := strings.SplitN(s, "\n", MaxLines+1)
	if len(lines) > MaxLines {
		lines = lines[:MaxLines]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(term.ExpandTabs(l), unicode.IsSpace)
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// validUTF8 reports whether b is valid UTF-8, ignoring, when b was cut,
// an incomplete sequence at its end, and returns b without it.
func validUTF8(b []byte, cut bool) ([]byte, bool) {
	if utf8.Valid(b) {
		return b, true
	}
	if !cut {
		return b, false
	}
	for i := 1; i <= utf8.UTFMax-1 && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			head, tail := b[:len(b)-i], b[len(b)-i:]
			if !utf8.FullRune(tail) && utf8.Valid(head) {
				return head, true
			}
			break
		}
	}
	return b, false
}

// asciiEqualFold reports whether a and b are equal but for the case of
// ASCII letters. (strings.EqualFold would also match "ſ" with "s".)
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Zip format constants (APPNOTE.TXT 4.3.14–4.3.16).
const (
	endSig       = 0x06054b50 // end of central directory record
	endLen       = 22
	end64LocSig  = 0x07064b50 // zip64 end of central directory locator
	end64LocLen  = 20
	end64Sig     = 0x06064b50 // zip64 end of central directory record
	end64Len     = 56
	maxEndSearch = 65 * 1024
)

// checkEnd reads the end of central directory record of the archive r of
// size bytes, and its zip64 form if it has one, finding them as
// archive/zip does, and returns an error wrapping ErrTooLarge if they
// claim more than MaxEntries entries or a directory larger than
// MaxDirectory. It leaves all other errors to archive/zip, and returns nil
// for them.
func checkEnd(r io.ReaderAt, size int64) error {
	var buf []byte
	var endOff int64
	found := false
	for _, n := range []int64{1024, maxEndSearch} {
		n = min(n, size)
		if n < endLen {
			return nil
		}
		buf = make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return nil
		}
		if p := findEnd(buf); p >= 0 {
			buf, endOff, found = buf[p:], size-n+int64(p), true
			break
		}
		if n == size {
			break
		}
	}
	if !found {
		return nil
	}
	le := binary.LittleEndian
	records := uint64(le.Uint16(buf[10:]))
	dirSize := uint64(le.Uint32(buf[12:]))
	dirOff := uint64(le.Uint32(buf[16:]))
	if records == 0xffff || dirSize == 0xffffffff || dirOff == 0xffffffff {
		if loc := endOff - end64LocLen; loc >= 0 {
			var l [end64LocLen]byte
			if _, err := r.ReadAt(l[:], loc); err != nil {
				return nil
			}
			if le.Uint32(l[0:]) == end64LocSig && le.Uint32(l[4:]) == 0 && le.Uint32(l[16:]) == 1 {
				off := le.Uint64(l[8:])
				if off > 1<<63-1 {
					return nil
				}
				var e [end64Len]byte
				if _, err := r.ReadAt(e[:], int64(off)); err != nil || le.Uint32(e[0:]) != end64Sig {
					return nil
				}
				records = le.Uint64(e[32:])
				dirSize = le.Uint64(e[40:])
			}
		}
	}
	if records > MaxEntries {
		return fmt.Errorf("%w: %d entries claimed, more than %d", ErrTooLarge, records, MaxEntries)
	}
	if dirSize > MaxDirectory {
		return fmt.Errorf("%w: %d-byte directory claimed, more than %d", ErrTooLarge, dirSize, MaxDirectory)
	}
	return nil
}

// findEnd returns where in b the end of central directory record begins,
// searching from the end as archive/zip does, or -1. A record whose
// comment does not fit in b stops the search.
func findEnd(b []byte) int {
	for i := len(b) - endLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(b[i:]) == endSig {
			n := int(binary.LittleEndian.Uint16(b[i+endLen-2:]))
			if i+endLen+n > len(b) {
				return -1
			}
			return i
		}
	}
	return -1
}

// errBudget is what budgetReader returns once its budget is spent.
var errBudget = errors.New("diz: read budget spent")

// budgetReader is an io.ReaderAt that reads at most left bytes in all, or
// any number when left is negative.
type budgetReader struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if b.left >= 0 {
		if int64(len(p)) > b.left {
			return 0, errBudget
		}
		b.left -= int64(len(p))
	}
	return b.r.ReadAt(p, off)
}
