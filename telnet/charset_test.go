package telnet

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestCanonicalCharset(t *testing.T) {
	tests := []struct{ in, want string }{
		{"UTF-8", CharsetUTF8}, {"utf-8", CharsetUTF8}, {"UTF8", CharsetUTF8}, {" utf8 ", CharsetUTF8},
		{"IBM437", CharsetCP437}, {"cp437", CharsetCP437}, {"437", CharsetCP437}, {"csPC8CodePage437", CharsetCP437},
		{"UTF-16", ""}, {"ISO-8859-1", ""}, {"US-ASCII", ""}, {"", ""}, {"UTF-8;CP437", ""},
	}
	for _, tt := range tests {
		if got := CanonicalCharset(tt.in); got != tt.want {
			t.Errorf("CanonicalCharset(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseCharsetRequest(t *testing.T) {
	long := strings.Repeat("x", charsetNameMax+1)
	tests := []struct {
		in   string
		want []string
	}{
		{";UTF-8;CP437", []string{"UTF-8", "CP437"}},
		{" UTF-8 IBM437", []string{"UTF-8", "IBM437"}},
		{";;UTF-8;;", []string{"UTF-8"}},
		{"[TTABLE]\x01;UTF-8", []string{"UTF-8"}},
		{"[TTABLE]\x01 KOI8-R", []string{"KOI8-R"}},
		{"[TTABLE]", nil},
		{"[TTABLE]\x01", nil},
		{";", nil},
		{"", nil},
		{";" + long + ";UTF-8", []string{"UTF-8"}},
	}
	for _, tt := range tests {
		if got := parseCharsetRequest([]byte(tt.in)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("parseCharsetRequest(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestChooseCharset(t *testing.T) {
	tests := []struct {
		in              []string
		name, canonical string
	}{
		{[]string{"CP437", "utf-8"}, "utf-8", CharsetUTF8},
		{[]string{"ISO-8859-1", "437"}, "437", CharsetCP437},
		{[]string{"ISO-8859-1", "KOI8-R"}, "", ""},
		{nil, "", ""},
	}
	for _, tt := range tests {
		if name, c := chooseCharset(tt.in); name != tt.name || c != tt.canonical {
			t.Errorf("chooseCharset(%q) = %q, %q; want %q, %q", tt.in, name, c, tt.name, tt.canonical)
		}
	}
}

// FuzzCharsetRequest checks the REQUEST parser on any payload, and that
// a REQUEST we build is read back as the names it was built from.
func FuzzCharsetRequest(f *testing.F) {
	f.Add([]byte(";UTF-8;IBM437;CP437"))
	f.Add([]byte(" utf8 437"))
	f.Add([]byte("[TTABLE]\x01;UTF-8"))
	f.Add([]byte("[TTABLE]"))
	f.Add([]byte("\xff\xffUTF-8\xff"))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > charsetMax {
			in = in[:charsetMax] // what the decoder keeps
		}
		names := parseCharsetRequest(in)
		if len(names) > len(in) {
			t.Fatalf("parseCharsetRequest(%q) = %d names", in, len(names))
		}
		for _, n := range names {
			if n == "" || len(n) > charsetNameMax || !bytes.Contains(in, []byte(n)) {
				t.Fatalf("parseCharsetRequest(%q) gave name %q", in, n)
			}
		}
		if name, c := chooseCharset(names); c != "" && CanonicalCharset(name) != c {
			t.Fatalf("chooseCharset(%q) = %q, %q", names, name, c)
		}
		// Round trip through our own REQUEST and the decoder.
		var mine []string
		for _, n := range strings.Split(string(in), string(rune(charsetSep))) {
			if n != "" && len(n) <= charsetNameMax && strings.IndexByte(n, IAC) < 0 {
				mine = append(mine, n)
			}
		}
		if len(mine) == 0 {
			return
		}
		var got []string
		NewDecoder(0).Decode(nil, appendCharsetRequest(nil, mine...), func(ev Event) {
			got = parseCharsetRequest(ev.Data[1:])
		})
		if fmt.Sprint(got) != fmt.Sprint(mine) {
			t.Fatalf("REQUEST of %q read back as %q", mine, got)
		}
	})
}
