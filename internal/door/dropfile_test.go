package door

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the dropfile golden files in testdata/dropfile")

// goldenInfo is the caller every golden dropfile describes.
var goldenInfo = DropInfo{
	BBSName:   "The Test Board",
	SysopName: "Ada Sysop",
	Node:      3,
	UserNum:   42,
	Handle:    "biscuit",
	RealName:  "Bea Iscuit",
	Location:  "Portland, OR",
	Level:     30,
	Calls:     17,
	LastCall:  time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC),
	Now:       time.Date(2025, 3, 15, 20, 30, 5, 0, time.UTC),
	TimeLeft:  45*time.Minute + 30*time.Second,
	Rows:      25,
	Cols:      80,
	ANSI:      true,
}

// wantLines is how many lines each format has.
var wantLines = map[Format]int{
	DoorSys:   52,
	Door32Sys: 11,
	DorInfo:   13,
	CallInfo:  36,
	ChainTxt:  32,
}

// checkDropfile fails t unless b has exactly the format's line count,
// every line ends in CR LF, and every other byte is printable ASCII or a
// CP437 high byte.
func checkDropfile(t testing.TB, f Format, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("%s: does not end in CR LF: %q", f, b)
	}
	lines := bytes.Split(b[:len(b)-2], []byte("\r\n"))
	if len(lines) != wantLines[f] {
		t.Fatalf("%s: %d lines, want %d:\n%q", f, len(lines), wantLines[f], b)
	}
	for i, l := range lines {
		for _, c := range l {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("%s: line %d has byte %#02x: %q", f, i+1, c, l)
			}
		}
	}
}

// dropLine returns line n (1-based) of the format's dropfile for info.
func dropLine(t *testing.T, f Format, info DropInfo, n int) string {
	t.Helper()
	b, err := Render(f, info)
	if err != nil {
		t.Fatalf("Render(%s): %v", f, err)
	}
	checkDropfile(t, f, b)
	return strings.Split(string(b), "\r\n")[n-1]
}

func TestDropfileGolden(t *testing.T) {
	for _, f := range []Format{DoorSys, Door32Sys, DorInfo, CallInfo, ChainTxt} {
		t.Run(string(f), func(t *testing.T) {
			got, err := Render(f, goldenInfo)
			if err != nil {
				t.Fatal(err)
			}
			checkDropfile(t, f, got)
			path := filepath.Join("testdata", "dropfile", f.FileName(goldenInfo.Node))
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render(%s) differs from %s:\ngot:\n%s\nwant:\n%s", f, path, got, want)
			}
		})
	}
}

func TestDropfileLayout(t *testing.T) {
	// The fields each format takes from DropInfo, at their lines.
	tests := []struct {
		f    Format
		line int
		want string
	}{
		{DoorSys, 1, "COM1:"},
		{DoorSys, 2, "57600"},
		{DoorSys, 4, "3"},
		{DoorSys, 10, "Bea Iscuit"},
		{DoorSys, 11, "Portland, OR"},
		{DoorSys, 15, "30"},
		{DoorSys, 16, "17"},
		{DoorSys, 17, "03/14/25"},
		{DoorSys, 18, "2730"},
		{DoorSys, 19, "45"},
		{DoorSys, 20, "GR"},
		{DoorSys, 21, "25"},
		{DoorSys, 26, "42"},
		{DoorSys, 35, "Ada Sysop"},
		{DoorSys, 36, "biscuit"},
		{DoorSys, 44, "20:30"},
		{DoorSys, 45, "15:09"},
		{DoorSys, 52, "0"},
		{Door32Sys, 1, "0"},
		{Door32Sys, 2, "0"},
		{Door32Sys, 3, "57600"},
		{Door32Sys, 4, "x84"},
		{Door32Sys, 5, "42"},
		{Door32Sys, 6, "Bea Iscuit"},
		{Door32Sys, 7, "biscuit"},
		{Door32Sys, 8, "30"},
		{Door32Sys, 9, "45"},
		{Door32Sys, 10, "1"},
		{Door32Sys, 11, "3"},
		{DorInfo, 1, "The Test Board"},
		{DorInfo, 2, "Ada"},
		{DorInfo, 3, "Sysop"},
		{DorInfo, 5, "57600 BAUD,N,8,1"},
		{DorInfo, 7, "biscuit"},
		{DorInfo, 8, ""},
		{DorInfo, 9, "Portland, OR"},
		{DorInfo, 10, "1"},
		{DorInfo, 11, "30"},
		{DorInfo, 12, "45"},
		{DorInfo, 13, "-1"},
		{CallInfo, 1, "biscuit"},
		{CallInfo, 2, "4"},
		{CallInfo, 3, "Portland, OR"},
		{CallInfo, 4, "30"},
		{CallInfo, 5, "45"},
		{CallInfo, 6, "COLOR"},
		{CallInfo, 8, "42"},
		{CallInfo, 11, "20:30 03/15/25"},
		{CallInfo, 18, "03/14/25 15:09"},
		{CallInfo, 22, "17"},
		{CallInfo, 23, "25"},
		{CallInfo, 35, "3"},
		{ChainTxt, 1, "42"},
		{ChainTxt, 2, "biscuit"},
		{ChainTxt, 3, "Bea Iscuit"},
		{ChainTxt, 8, "03/14/25"},
		{ChainTxt, 9, "80"},
		{ChainTxt, 10, "25"},
		{ChainTxt, 11, "30"},
		{ChainTxt, 13, "0"},
		{ChainTxt, 14, "1"},
		{ChainTxt, 16, "2730"},
		{ChainTxt, 22, "The Test Board"},
		{ChainTxt, 23, "Ada Sysop"},
		{ChainTxt, 24, "73805"},
		{ChainTxt, 30, "8N1"},
	}
	for _, tt := range tests {
		if got := dropLine(t, tt.f, goldenInfo, tt.line); got != tt.want {
			t.Errorf("%s line %d = %q, want %q", tt.f, tt.line, got, tt.want)
		}
	}
}

func TestRenderOddInput(t *testing.T) {
	long := strings.Repeat("x", 500)
	tests := []struct {
		name string
		edit func(*DropInfo)
		f    Format
		line int
		want string
	}{
		{"CR LF in handle", func(d *DropInfo) { d.Handle = "bob\r\nEVIL" }, Door32Sys, 7, "bob  EVIL"},
		{"lone CR", func(d *DropInfo) { d.Handle = "a\rb" }, DoorSys, 36, "a b"},
		{"ESC sequence", func(d *DropInfo) { d.Handle = "\x1b[2J\x1b]0;pwn\x07bob" }, Door32Sys, 7, "bob"},
		{"NUL and BEL", func(d *DropInfo) { d.Handle = "b\x00o\x07b" }, Door32Sys, 7, "bob"},
		{"C1 CSI", func(d *DropInfo) { d.Handle = "\u009b31mbob" }, Door32Sys, 7, "bob"},
		{"bidi override", func(d *DropInfo) { d.Handle = "bob\u202egnp.exe" }, Door32Sys, 7, "bobgnp.exe"},
		{"DEL", func(d *DropInfo) { d.Location = "here\x7f" }, DoorSys, 11, "here"},
		{"umlaut to CP437", func(d *DropInfo) { d.Handle = "Zoë" }, Door32Sys, 7, "Zo\x89"},
		{"accent CP437 lacks", func(d *DropInfo) { d.Handle = "Zoē" }, Door32Sys, 7, "Zoe"},
		{"wide CJK", func(d *DropInfo) { d.Handle = "日本" }, Door32Sys, 7, "????"},
		{"emoji", func(d *DropInfo) { d.Location = "🏠" }, DoorSys, 11, "??"},
		{"no-break space", func(d *DropInfo) { d.Location = "a\u00a0b" }, DoorSys, 11, "a b"},
		{"invalid UTF-8", func(d *DropInfo) { d.Handle = "b\xffb" }, Door32Sys, 7, "b?b"},
		{"long handle", func(d *DropInfo) { d.Handle = long }, Door32Sys, 7, long[:35]},
		{"long real name", func(d *DropInfo) { d.RealName = long }, DoorSys, 10, long[:35]},
		{"long location", func(d *DropInfo) { d.Location = long }, DoorSys, 11, long[:25]},
		{"long board name", func(d *DropInfo) { d.BBSName = long }, DorInfo, 1, long[:39]},
		{"long CHAIN handle", func(d *DropInfo) { d.Handle = long }, ChainTxt, 2, long[:30]},
		{"long CHAIN real name", func(d *DropInfo) { d.RealName = long }, ChainTxt, 3, long[:20]},
		{"cut leaves no trailing space", func(d *DropInfo) { d.Handle = strings.Repeat("a", 34) + " b" }, Door32Sys, 7, strings.Repeat("a", 34)},
		{"cut wide char", func(d *DropInfo) { d.Handle = strings.Repeat("日", 30) }, Door32Sys, 7, strings.Repeat("?", 35)},
		{"handle with spaces, DORINFO first", func(d *DropInfo) { d.Handle = "Dark  Helmet Jr" }, DorInfo, 7, "Dark"},
		{"handle with spaces, DORINFO last", func(d *DropInfo) { d.Handle = "Dark  Helmet Jr" }, DorInfo, 8, "Helmet Jr"},
		{"handle with spaces, DOOR.SYS alias", func(d *DropInfo) { d.Handle = "Dark Helmet" }, DoorSys, 36, "Dark Helmet"},
		{"padded handle", func(d *DropInfo) { d.Handle = "  bob  " }, Door32Sys, 7, "bob"},
		{"one-word sysop", func(d *DropInfo) { d.SysopName = "root" }, DorInfo, 3, ""},
		{"no real name: handle", func(d *DropInfo) { d.RealName = "" }, Door32Sys, 6, "biscuit"},
		{"real name only control chars: handle", func(d *DropInfo) { d.RealName = "\r\n\x1b" }, DoorSys, 10, "biscuit"},
		{"empty location", func(d *DropInfo) { d.Location = "" }, DoorSys, 11, ""},
		{"empty handle", func(d *DropInfo) { d.Handle, d.RealName = "", "" }, DorInfo, 7, ""},
		{"empty board name", func(d *DropInfo) { d.BBSName = "" }, ChainTxt, 22, ""},
		{"huge calls", func(d *DropInfo) { d.Calls = 1 << 40 }, DoorSys, 16, "32767"},
		{"negative calls", func(d *DropInfo) { d.Calls = -5 }, CallInfo, 22, "0"},
		{"huge level", func(d *DropInfo) { d.Level = 1 << 40 }, Door32Sys, 8, "32767"},
		{"no user number", func(d *DropInfo) { d.UserNum = 0 }, Door32Sys, 5, "999"},
		{"huge user number", func(d *DropInfo) { d.UserNum = 1 << 40 }, ChainTxt, 1, "32767"},
		{"never called: date", func(d *DropInfo) { d.LastCall = time.Time{} }, DoorSys, 17, "01/01/99"},
		{"never called: time", func(d *DropInfo) { d.LastCall = time.Time{} }, DoorSys, 45, "00:00"},
		{"never called: CALLINFO", func(d *DropInfo) { d.LastCall = time.Time{} }, CallInfo, 18, "01/01/90 00:00"},
		{"never called: CHAIN", func(d *DropInfo) { d.LastCall = time.Time{} }, ChainTxt, 8, "01/01/99"},
		{"year 10000 counts as never", func(d *DropInfo) { d.LastCall = time.Date(10000, 1, 2, 3, 4, 5, 0, time.UTC) }, DoorSys, 17, "01/01/99"},
		{"year 2100", func(d *DropInfo) { d.LastCall = time.Date(2100, 7, 4, 0, 0, 0, 0, time.UTC) }, DoorSys, 17, "07/04/00"},
		{"no time limit: minutes", func(d *DropInfo) { d.TimeLeft = 0 }, DoorSys, 19, "256"},
		{"no time limit: seconds", func(d *DropInfo) { d.TimeLeft = 0 }, DoorSys, 18, "15360"},
		{"negative time left", func(d *DropInfo) { d.TimeLeft = -time.Hour }, Door32Sys, 9, "256"},
		{"day left: capped minutes", func(d *DropInfo) { d.TimeLeft = 24 * time.Hour }, DorInfo, 12, "546"},
		{"day left: capped seconds", func(d *DropInfo) { d.TimeLeft = 24 * time.Hour }, ChainTxt, 16, "32760"},
		{"under a minute", func(d *DropInfo) { d.TimeLeft = 30 * time.Second }, DoorSys, 19, "0"},
		{"no ANSI: DOOR.SYS", func(d *DropInfo) { d.ANSI = false }, DoorSys, 20, "NG"},
		{"no ANSI: DOOR32.SYS", func(d *DropInfo) { d.ANSI = false }, Door32Sys, 10, "0"},
		{"no ANSI: DORINFO", func(d *DropInfo) { d.ANSI = false }, DorInfo, 10, "0"},
		{"no ANSI: CALLINFO", func(d *DropInfo) { d.ANSI = false }, CallInfo, 6, "MONO"},
		{"no ANSI: CHAIN", func(d *DropInfo) { d.ANSI = false }, ChainTxt, 14, "0"},
		{"sysop: CHAIN", func(d *DropInfo) { d.Sysop, d.Level = true, 100 }, ChainTxt, 13, "1"},
		{"sysop level", func(d *DropInfo) { d.Sysop, d.Level = true, 100 }, DoorSys, 15, "100"},
		{"no rows", func(d *DropInfo) { d.Rows = 0 }, DoorSys, 21, "24"},
		{"no cols", func(d *DropInfo) { d.Cols = -1 }, ChainTxt, 9, "80"},
		{"huge rows", func(d *DropInfo) { d.Rows = 100000 }, CallInfo, 23, "255"},
		{"baud 0", func(d *DropInfo) { d.Baud = 0 }, DorInfo, 5, "57600 BAUD,N,8,1"},
		{"baud 2400", func(d *DropInfo) { d.Baud = 2400 }, CallInfo, 2, "0"},
		{"baud 300", func(d *DropInfo) { d.Baud = 300 }, CallInfo, 2, "1"},
		{"huge baud", func(d *DropInfo) { d.Baud = 1 << 40 }, Door32Sys, 3, "115200"},
		{"node 0", func(d *DropInfo) { d.Node = 0 }, DoorSys, 4, "1"},
		{"node 10", func(d *DropInfo) { d.Node = 10 }, Door32Sys, 11, "10"},
		{"node 11", func(d *DropInfo) { d.Node = 11 }, CallInfo, 35, "11"},
		{"node 36", func(d *DropInfo) { d.Node = 36 }, DoorSys, 4, "36"},
		{"node 300", func(d *DropInfo) { d.Node = 300 }, Door32Sys, 11, "300"},
		{"node -7", func(d *DropInfo) { d.Node = -7 }, Door32Sys, 11, "1"},
		{"node huge", func(d *DropInfo) { d.Node = 1 << 40 }, DoorSys, 4, "9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := goldenInfo
			tt.edit(&info)
			if got := dropLine(t, tt.f, info, tt.line); got != tt.want {
				t.Errorf("%s line %d = %q, want %q", tt.f, tt.line, got, tt.want)
			}
			// Every format stays well formed with the same input.
			for f := range wantLines {
				b, err := Render(f, info)
				if err != nil {
					t.Fatalf("Render(%s): %v", f, err)
				}
				checkDropfile(t, f, b)
			}
		})
	}
}

func TestRenderZeroInfo(t *testing.T) {
	for f := range wantLines {
		b, err := Render(f, DropInfo{})
		if err != nil {
			t.Fatalf("Render(%s): %v", f, err)
		}
		checkDropfile(t, f, b)
	}
}

func TestRenderBadFormat(t *testing.T) {
	for _, f := range []Format{NoDropfile, "pcboard.sys", "DOOR.SYS"} {
		if b, err := Render(f, goldenInfo); err == nil {
			t.Errorf("Render(%q) = %q, want an error", f, b)
		}
	}
}

func TestFileName(t *testing.T) {
	tests := []struct {
		f    Format
		node int
		want string
	}{
		{DoorSys, 1, "DOOR.SYS"},
		{DoorSys, 300, "DOOR.SYS"},
		{Door32Sys, 9, "door32.sys"},
		{CallInfo, 10, "CALLINFO.BBS"},
		{ChainTxt, 11, "CHAIN.TXT"},
		{DorInfo, 1, "DORINFO1.DEF"},
		{DorInfo, 9, "DORINFO9.DEF"},
		{DorInfo, 10, "DORINFO0.DEF"},
		{DorInfo, 11, "DORINFOA.DEF"},
		{DorInfo, 12, "DORINFOB.DEF"},
		{DorInfo, 36, "DORINFOZ.DEF"},
		{DorInfo, 37, "DORINFO1.DEF"},
		{DorInfo, 300, "DORINFO1.DEF"},
		{DorInfo, 0, "DORINFO1.DEF"},
		{DorInfo, -1, "DORINFO1.DEF"},
		{NoDropfile, 1, ""},
		{"pcboard.sys", 1, ""},
	}
	for _, tt := range tests {
		if got := tt.f.FileName(tt.node); got != tt.want {
			t.Errorf("Format(%q).FileName(%d) = %q, want %q", tt.f, tt.node, got, tt.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"", NoDropfile, false},
		{"none", NoDropfile, false},
		{"NONE", NoDropfile, false},
		{"door.sys", DoorSys, false},
		{"DOOR.SYS", DoorSys, false},
		{" Door32.Sys ", Door32Sys, false},
		{"dorinfo", DorInfo, false},
		{"DorInfo", DorInfo, false},
		{"callinfo.bbs", CallInfo, false},
		{"CHAIN.TXT", ChainTxt, false},
		{"doorsys", NoDropfile, true},
		{"dorinfo1.def", NoDropfile, true},
		{"pcboard.sys", NoDropfile, true},
		{"door.sys\n", DoorSys, false},
		{"door.sys\x00", NoDropfile, true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil {
			for _, name := range []string{"none", "door.sys", "door32.sys", "dorinfo", "callinfo.bbs", "chain.txt"} {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("ParseFormat(%q) error %q does not name %q", tt.in, err, name)
				}
			}
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Board", "Sys Op", "bob", "Bob Smith", "Here", 1, 42, 30, 17, int64(1700000000), int64(1700100000), int64(3600), 25, 80, true, false, 0)
	f.Add("", "", "", "", "", 0, 0, 0, 0, int64(0), int64(0), int64(0), 0, 0, false, false, 0)
	f.Add("\x1b[2J", "a\r\nb", "Zoë\x00", "日本", "\u202e\u200b", 300, -1, 1<<40, -1<<40, int64(-1<<62), int64(1<<62), int64(-1), -1, 1<<30, true, true, -5)
	f.Fuzz(func(t *testing.T, bbs, sysop, handle, real, where string, node, unum, level, calls int,
		last, now, left int64, rows, cols int, ansi, isSysop bool, baud int) {
		info := DropInfo{
			BBSName: bbs, SysopName: sysop, Handle: handle, RealName: real, Location: where,
			Node: node, UserNum: unum, Level: level, Calls: calls, Sysop: isSysop,
			LastCall: time.Unix(last, 0).UTC(), Now: time.Unix(now, 0).UTC(),
			TimeLeft: time.Duration(left), Rows: rows, Cols: cols, ANSI: ansi, Baud: baud,
		}
		if last == 0 {
			info.LastCall = time.Time{}
		}
		for _, format := range []Format{DoorSys, Door32Sys, DorInfo, CallInfo, ChainTxt} {
			b, err := Render(format, info)
			if err != nil {
				t.Fatalf("Render(%s): %v", format, err)
			}
			checkDropfile(t, format, b)
			if name := format.FileName(node); name == "" || strings.ContainsAny(name, "/\\\x00") {
				t.Fatalf("FileName(%d) = %q", node, name)
			}
		}
	})
}
