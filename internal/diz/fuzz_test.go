package diz

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// FuzzFromZip feeds FromZip any bytes, starting from the test archives:
// it must not panic, and what it returns must be clean, within MaxLines
// lines and 8*MaxDIZ bytes, and the same every time.
func FuzzFromZip(f *testing.F) {
	for _, c := range zipCases() {
		f.Add(makeZip(f, c.entries...))
	}
	f.Add(makeZip(f))
	f.Add(directory(3, 11, 3, -1))
	f.Add(zip64(1, 46))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x2e\x00\x00\x00\xff\xff\x00\x00"))
	// Stored entries without a CRC let the fuzzer change the text.
	f.Add(makeZip(f, stored("FILE_ID.DIZ", "\x1b[1;31m\xda\xc4\xbf\tx \r\n\x1b]0;t\x07\xb3 \xb0\r\n\x1a")))
	f.Add(makeZip(f, stored("file_id.diz", "┌─┐\u009b2J\r\n│\t│\r\n"), stored("desc.sdi", "sdi")))
	f.Add(makeZip(f, stored("DESC.SDI", "\x00\x7f\x9b\x9d\xff\r\r\n\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := FromZip(bytes.NewReader(data), int64(len(data)))
		if err != nil && got != "" {
			t.Fatalf("FromZip = %q with error %v", got, err)
		}
		check(t, got)
		again, err2 := FromZip(bytes.NewReader(data), int64(len(data)))
		if again != got || (err == nil) != (err2 == nil) {
			t.Fatalf("FromZip changed its mind: %q, %v then %q, %v", got, err, again, err2)
		}
	})
}

// FuzzClean fuzzes the text cleaning alone, which FuzzFromZip reaches
// only through archives that decompress.
func FuzzClean(f *testing.F) {
	for _, c := range zipCases() {
		for _, e := range c.entries {
			if !e.raw || e.method == 0 {
				f.Add([]byte(e.data), false)
			}
		}
	}
	f.Add([]byte("ab\xe2\x94"), true)
	f.Add([]byte("\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"), false)
	f.Fuzz(func(t *testing.T, b []byte, cut bool) {
		if len(b) > MaxDIZ {
			b = b[:MaxDIZ]
		}
		check(t, clean(b, cut))
	})
}

// check fails t unless s is something FromZip may return.
func check(t *testing.T, s string) {
	t.Helper()
	if len(s) > 8*MaxDIZ {
		t.Fatalf("%d bytes", len(s))
	}
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8: %q", s)
	}
	if s == "" {
		return
	}
	ls := strings.Split(s, "\n")
	if len(ls) > MaxLines {
		t.Fatalf("%d lines: %q", len(ls), s)
	}
	if ls[len(ls)-1] == "" {
		t.Fatalf("ends in a blank line: %q", s)
	}
	for _, l := range ls {
		if strings.TrimRightFunc(l, unicode.IsSpace) != l {
			t.Fatalf("trailing space: %q", l)
		}
		for _, r := range l {
			if r < 0x20 || r >= 0x7f && r < 0xa0 || term.Invisible(r) {
				t.Fatalf("control character %U in %q", r, l)
			}
		}
	}
}
