package art

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sp pads s with spaces to n bytes.
func sp(s string, n int) string { return s + strings.Repeat(" ", n-len(s)) }

// nul pads s with NULs to n bytes.
func nul(s string, n int) string { return s + strings.Repeat("\x00", n-len(s)) }

// A record as PabloDraw writes one: 80x25 ANSI, iCE colours, IBM VGA.
var recICE = "SAUCE00" + sp("Title", 35) + sp("Author", 20) + sp("Group", 20) + "20240131" +
	"\x05\x00\x00\x00" + "\x01\x01" + "\x50\x00" + "\x19\x00" + "\x00\x00\x00\x00" +
	"\x00" + "\x01" + nul("IBM VGA", 22)

// A record with two comment lines, fields padded with NULs and junk after
// the NUL, a bad date and CP437 characters (é, ☺, ▒).
var recComments = "SAUCE00" + nul("caf\x82 \x01", 35) + nul("me\x00junk", 20) + sp("", 20) + "2024 1 1" +
	"\x03\x00\x00\x00" + "\x01\x01" + "\x84\x03" + "\x00\x00" + "\x00\x00\x00\x00" +
	"\x02" + "\x12" + nul("", 22)

var comments = "COMNT" + sp("first line \xb1", 64) + sp("  indented", 64)

// A bitmap record: width and height do not apply.
var recBitmap = "SAUCE00" + sp("pic", 35) + sp("", 20) + sp("", 20) + sp("", 8) +
	"\x00\x00\x00\x00" + "\x02\x00" + "\x40\x01" + "\xc8\x00" + "\x08\x00\x00\x00" +
	"\x00" + "\x01" + nul("", 22)

var splitTests = []struct {
	name string
	in   string
	body string
	want *SAUCE
}{
	{"empty", "", "", nil},
	{"no record", "hello\r\n", "hello\r\n", nil},
	{"eof only", "hello\x1a", "hello", nil},
	{"one eof dropped", "hi\x1a\x1a", "hi\x1a", nil},
	{"eof in the middle", "a\x1ab", "a\x1ab", nil},
	{"short with SAUCE word", "SAUCE", "SAUCE", nil},
	{"record", "body\x1a" + recICE, "body", &SAUCE{
		Title: "Title", Author: "Author", Group: "Group",
		Date:     time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC),
		DataType: 1, FileType: 1, Width: 80, Height: 25, Flags: 1, ICEColors: true, Font: "IBM VGA",
	}},
	{"record without eof", "body" + recICE, "body", &SAUCE{
		Title: "Title", Author: "Author", Group: "Group",
		Date:     time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC),
		DataType: 1, FileType: 1, Width: 80, Height: 25, Flags: 1, ICEColors: true, Font: "IBM VGA",
	}},
	{"record only", recICE, "", &SAUCE{
		Title: "Title", Author: "Author", Group: "Group",
		Date:     time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC),
		DataType: 1, FileType: 1, Width: 80, Height: 25, Flags: 1, ICEColors: true, Font: "IBM VGA",
	}},
	{"comments", "abc\x1a" + comments + recComments, "abc", &SAUCE{
		Title: "café ☺", Author: "me", DataType: 1, FileType: 1, Width: 900, Flags: 0x12,
		Comments: []string{"first line ▒", "  indented"},
	}},
	{"bitmap", "\x1a" + recBitmap, "", &SAUCE{Title: "pic", DataType: 2, Flags: 1}},
}

func TestSplit(t *testing.T) {
	for _, tt := range splitTests {
		t.Run(tt.name, func(t *testing.T) {
			body, s, err := Split([]byte(tt.in))
			if err != nil {
				t.Fatalf("Split(%q) error %v", tt.in, err)
			}
			if string(body) != tt.body {
				t.Errorf("Split(%q) body = %q; want %q", tt.in, body, tt.body)
			}
			if !reflect.DeepEqual(s, tt.want) {
				t.Errorf("Split(%q) SAUCE = %+v; want %+v", tt.in, s, tt.want)
			}
		})
	}
}

func TestSplitDamaged(t *testing.T) {
	for _, tt := range []struct{ name, in string }{
		{"comment count without block", "abc\x1a" + recComments},
		{"comment count beyond the file", recComments},
		{"block too short", "COMNT" + strings.Repeat(" ", 64) + recComments},
		{"block missing", strings.Repeat("x", 200) + recComments},
		{"truncated record", "abc\x1a" + recICE[:100]},
		{"record id only", "abc\x1aSAUCE00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, s, err := Split([]byte(tt.in))
			if !errors.Is(err, ErrBadSAUCE) || body != nil || s != nil {
				t.Errorf("Split(%q) = %q, %v, %v; want error %v", tt.in, body, s, err, ErrBadSAUCE)
			}
		})
	}
}

func TestJoin(t *testing.T) {
	s := &SAUCE{
		Title: "café ☺", Author: "me", DataType: 1, FileType: 1, Width: 900, Flags: 0x12,
		Comments: []string{"first line ▒", "  indented"},
	}
	// ☺ is not a text character in a SAUCE field.
	if _, err := Join([]byte("abc"), s); err == nil {
		t.Errorf("Join with ☺ in the title succeeded; want error")
	}
	s.Title = "café"
	got, err := Join([]byte("abc"), s)
	if err != nil {
		t.Fatal(err)
	}
	want := "abc\x1a" + comments + "SAUCE00" + sp("caf\x82", 35) + sp("me", 20) + sp("", 20) + sp("", 8) +
		"\x03\x00\x00\x00" + "\x01\x01" + "\x84\x03" + "\x00\x00" + "\x00\x00\x00\x00" +
		"\x02" + "\x12" + nul("", 22)
	if string(got) != want {
		t.Errorf("Join = %q; want %q", got, want)
	}
	body, back, err := Split(got)
	if err != nil || string(body) != "abc" || !reflect.DeepEqual(back, s) {
		t.Errorf("Split(Join(s)) = %q, %+v, %v; want %q, %+v", body, back, err, "abc", s)
	}

	ice := &SAUCE{Title: "Title", Author: "Author", Group: "Group", Date: time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC),
		DataType: 1, FileType: 1, Width: 80, Height: 25, ICEColors: true, Font: "IBM VGA"}
	got, err = Join(bytes.Repeat([]byte{'x'}, 5), ice)
	if err != nil || string(got) != "xxxxx\x1a"+recICE {
		t.Errorf("Join(iCE) = %q, %v; want %q", got, err, "xxxxx\x1a"+recICE)
	}

	if got, err := Join([]byte("abc"), nil); err != nil || string(got) != "abc" {
		t.Errorf("Join(nil) = %q, %v; want %q", got, err, "abc")
	}
	for _, bad := range []*SAUCE{
		{Title: strings.Repeat("x", 36)},
		{Font: strings.Repeat("x", 23)},
		{Comments: []string{strings.Repeat("x", 65)}},
		{Comments: make([]string, 256)},
		{Width: 70000},
		{Height: -1},
		{Date: time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := Join(nil, bad); err == nil {
			t.Errorf("Join(%+v) succeeded; want error", bad)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, tt := range splitTests {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte("abc\x1a" + recComments))
	f.Fuzz(func(t *testing.T, data []byte) {
		body, s, err := Split(data)
		if !bytes.HasPrefix(data, body) {
			t.Fatalf("Split(%q) body %q is not a prefix", data, body)
		}
		if err != nil {
			if s != nil || body != nil {
				t.Fatalf("Split(%q) = %q, %v with error %v", data, body, s, err)
			}
			return
		}
		if s != nil && len(data)-len(body) < sauceLen {
			t.Fatalf("Split(%q) found a record in %d bytes", data, len(data)-len(body))
		}
	})
}
