package tomlpos

import (
	"errors"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestLocateKey(t *testing.T) {
	tests := []struct {
		name string
		src  string
		key  []string
		want int
	}{
		{"table header", "# c\n\n[telnet]\nport = 1\n", []string{"telnet"}, 3},
		{"key in table", "# c\n\n[telnet]\nport = 1\n", []string{"telnet", "port"}, 4},
		{"top-level key", "a = 1\nb = 2\n", []string{"b"}, 2},
		{"no spaces", "[t]\nx=1\nport=2\n", []string{"t", "port"}, 3},
		{"indented", "[t]\n\t  port = 2\n", []string{"t", "port"}, 2},
		{"same name in other table", "[board]\nport = 1\n[telnet]\nport = 2\n", []string{"telnet", "port"}, 4},
		{"comment looks like key", "[telnet]\n# port = 1\nport = 2\n", []string{"telnet", "port"}, 3},
		{"trailing comment", "[telnet] # [board]\nport = 2 # port = 3\n", []string{"telnet", "port"}, 2},
		{"quoted header and key", "[\"telnet\"]\n'port' = 1\n", []string{"telnet", "port"}, 2},
		{"quoted key with dot", "[t]\n\"a.b\" = 1\n", []string{"t", "a.b"}, 2},
		{"quoted key with dot, split", "[t]\n\"a.b\" = 1\n", []string{"t", "a", "b"}, 0},
		{"dotted header", "[a . \"b\".c]\nd = 1\n", []string{"a", "b", "c", "d"}, 2},
		{"dotted key at top level", "board.name = 'x'\ntelnet.port = 1\n", []string{"telnet", "port"}, 2},
		{"dotted key in table", "[a]\nb.c = 1\n", []string{"a", "b", "c"}, 2},
		{"blanks around dots", "telnet . port = 1\n", []string{"telnet", "port"}, 1},
		{"parent of dotted key", "x = 1\ntelnet.port = 1\n", []string{"telnet"}, 2},
		{"inline table", "x = 1\ntelnet = { address = \"}\", port = 1 }\n", []string{"telnet", "port"}, 2},
		{"nested inline table", "a = { b = { c = 1 } }\n", []string{"a", "b", "c"}, 1},
		{"multi-line inline table", "telnet = {\n  address = \"x\", # a comment\n  port = 1,\n}\n", []string{"telnet", "port"}, 3},
		{"array of inline tables", "a = [\n  { b = 1 },\n  { c = 2 },\n]\n", []string{"a", "c"}, 3},
		{"array of tables", "[[a]]\nb = 1\n[[a]]\nc = 2\n", []string{"a", "c"}, 4},
		{"multi-line array", "[t]\nx = [\n  \"]\", # ]\n  'p = 1',\n]\np = 1\n", []string{"t", "p"}, 6},
		{"multi-line basic string", "[t]\ns = \"\"\"\n[u]\np = 1\n\\\"\"\"\n\"\"\"\np = 2\n", []string{"t", "p"}, 7},
		{"multi-line literal string", "[t]\ns = '''\np = 1\n''''\np = 2\n", []string{"t", "p"}, 5},
		{"string holding a hash", "[t]\ns = \"# p = 1\" # p = 2\np = 3\n", []string{"t", "p"}, 3},
		{"escaped key", "[t]\n\"p\\u0041\\\"\" = 1\n", []string{"t", "pA\""}, 2},
		{"more escapes", "\"\\x41\\e\\U0001F600\\t\" = 1\n", []string{"A\x1b\U0001F600\t"}, 1},
		{"date with a space", "[t]\nd = 1979-05-27 07:32:00Z\np = 1\n", []string{"t", "p"}, 3},
		{"CRLF", "[t]\r\nx = 1\r\np = 1\r\n", []string{"t", "p"}, 3},
		{"byte order mark", "\ufeff[t]\np = 1\n", []string{"t", "p"}, 2},
		{"missing", "[t]\np = 1\n", []string{"t", "q"}, 0},
		{"missing table", "[t]\np = 1\n", []string{"u"}, 0},
		{"empty file", "", []string{"t"}, 0},
		{"empty quoted key", "\"\" = 1\n", []string{""}, 1},
		{"unterminated string", "[t]\ns = \"abc\np = 1\n", []string{"t", "p"}, 3},
		// Linear time matters here: a copy of the path per level once made
		// this take minutes.
		{"deep inline tables", "x = " + strings.Repeat("{a = ", 1<<16) + "1" + strings.Repeat("}", 1<<16) + "\ny = 1\n", []string{"y"}, 2},
		{"deep arrays", "x = " + strings.Repeat("[", 1<<16) + strings.Repeat("]", 1<<16) + "\ny = 1\n", []string{"y"}, 2},
		{"junk line", "[t]\n= = =\np = 1\n", []string{"t", "p"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := locateKey([]byte(tt.src), tt.key); got != tt.want {
				t.Errorf("locateKey(%q, %q) = %d; want %d", tt.src, tt.key, got, tt.want)
			}
		})
	}
	if got := locateKey([]byte("a = 1\n"), nil); got != 0 {
		t.Errorf("locateKey(%q, nil) = %d; want 0", "a = 1\n", got)
	}
}

// FuzzLocateKey checks that locateKey never panics, returns a line of its
// input, and finds every key of a document toml accepts.
func FuzzLocateKey(f *testing.F) {
	f.Add("[telnet]\nport = 1\n", "telnet.port")
	f.Add("telnet = { port = 1 }\n", "telnet.port")
	f.Add("telnet.port = 1 # c\n", "telnet.port")
	f.Add("[\"a b\".'c']\n\"d\\u00e9\" = [1, {e = 2}]\n", "a b.c.dé.e")
	f.Add("s = \"\"\"\n[t]\n\"\"\"\n[[t]]\np = '''x''''\n", "t.p")
	f.Add("\ufeffa = [[[{b = 1}]]]\n", "a.b")
	f.Fuzz(func(t *testing.T, src, key string) {
		lines := strings.Count(src, "\n") + 1
		if got := locateKey([]byte(src), strings.Split(key, ".")); got < 0 || got > lines {
			t.Fatalf("locateKey(%q, %q) = %d; want 0 to %d", src, key, got, lines)
		}
		var doc map[string]any
		md, err := toml.Decode(src, &doc)
		if err != nil {
			return
		}
		for _, k := range md.Keys() {
			if got := locateKey([]byte(src), k); got < 1 || got > lines {
				t.Errorf("locateKey(%q, %q) = %d; want 1 to %d", src, k, got, lines)
			}
		}
	})
}

func TestLineOf(t *testing.T) {
	doors := "[board]\nname = 'x'\n\n[[door]]\nname = 'a'\ncommand = 'x'\n\n[[door]]\nname = 'b'\n\n[door.env]\nA = '1'\n\n[[door]]\ncommand = 'y'\n"
	tests := []struct {
		name string
		src  string
		key  []string
		want int
	}{
		{"plain key", "[board]\nname = 'x'\n", []string{"board", "name"}, 2},
		{"key in first table", doors, []string{"door", "#1", "command"}, 6},
		{"key in third table", doors, []string{"door", "#3", "command"}, 15},
		{"key not set: the header", doors, []string{"door", "#2", "command"}, 8},
		{"sub-table", doors, []string{"door", "#2", "env"}, 11},
		{"no such table", doors, []string{"door", "#4", "command"}, 0},
		{"bad index", doors, []string{"door", "#x", "command"}, 0},
		{"missing", "a = 1\n", []string{"b"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LineOf([]byte(tt.src), tt.key); got != tt.want {
				t.Errorf("LineOf(%q, %q) = %d; want %d", tt.src, tt.key, got, tt.want)
			}
		})
	}
}

func TestSyntaxLine(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{"a = 1\n[telnet\nport = 1\n", 2},
		{"\ufeffa = 1\nb = \n", 2},
		{"a = 1\nb = 2\nc = x\n", 3},
	}
	for _, tt := range tests {
		var doc map[string]any
		_, err := toml.Decode(tt.src, &doc)
		var pe toml.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("toml.Decode(%q) = %v; want a ParseError", tt.src, err)
			continue
		}
		if got := SyntaxLine([]byte(tt.src), pe); got != tt.want {
			t.Errorf("SyntaxLine(%q) = %d; want %d", tt.src, got, tt.want)
		}
	}
}

func TestBOMLen(t *testing.T) {
	for in, want := range map[string]int{"\xef\xbb\xbfa": 3, "\xff\xfea": 2, "\xfe\xffa": 2, "a = 1": 0, "": 0} {
		if got := BOMLen([]byte(in)); got != want {
			t.Errorf("BOMLen(%q) = %d; want %d", in, got, want)
		}
	}
}
