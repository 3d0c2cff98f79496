package door

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/x84bbs/x84/term"
)

// Dropfiles
//
// A dropfile is a short text file, one field a line, that tells a door
// who is calling. Doors written for DOS read them with line-at-a-time
// Pascal or C routines into fixed-size buffers and 16-bit integers, so
// Render is careful about what it writes:
//
//   - Every field the user controls goes through term.Sanitize (escape
//     sequences, control characters, CR, LF, bidirectional and invisible
//     characters gone), is turned into CP437, and is cut to the length
//     door kits such as OpenDoors keep: 35 bytes for a name or handle, 25
//     for a location, 39 for the board's and the sysop's name (WWIV's own
//     20 and 30 in CHAIN.TXT). A field can therefore never add a line.
//   - Numbers are kept in range: calls and levels at most 32767, time left
//     at most 546 minutes (32760 seconds, so the seconds still fit a 16-bit
//     integer, the cap Citadel and others used), node 1–9999, screen rows
//     and columns 1–255.
//   - Every line ends in CR LF, the last one too. x/84 ended the last line
//     with a bare LF, an accident of its format strings; every description
//     of these formats says CR LF a line, and a reader that splits on CR
//     LF would otherwise see the final field differently from the others.
//
// The DOS-era formats (DOOR.SYS, DORINFOx.DEF, CALLINFO.BBS, CHAIN.TXT)
// name COM1 as x/84 did: a DOS door runs under dosemu, where the caller is
// on a virtual COM1 wired to the door's pty; told "local" (COM0) such a
// door would talk to dosemu's screen instead. DOOR32.SYS is read by native
// programs, and its comm type 0 (local) tells them to use stdin and
// stdout, which is the pty, rather than an inherited COM or socket handle.

// Format names a dropfile format, as written in x84.toml's [[door]]
// dropfile key.
type Format string

const (
	NoDropfile Format = ""             // none
	DoorSys    Format = "door.sys"     // DOOR.SYS, 52 lines (GAP / PCBoard style)
	Door32Sys  Format = "door32.sys"   // DOOR32.SYS, 11 lines
	DorInfo    Format = "dorinfo"      // DORINFOx.DEF (RBBS/QuickBBS), 13 lines
	CallInfo   Format = "callinfo.bbs" // CALLINFO.BBS (WildCat!), 36 lines
	ChainTxt   Format = "chain.txt"    // CHAIN.TXT (WWIV), 32 lines
)

// dropFormats are the formats Render writes, in the order error messages
// list them.
var dropFormats = []Format{DoorSys, Door32Sys, DorInfo, CallInfo, ChainTxt}

// dropLines is the number of lines each format has.
var dropLines = map[Format]int{
	DoorSys:   52,
	Door32Sys: 11,
	DorInfo:   13,
	CallInfo:  36,
	ChainTxt:  32,
}

// ParseFormat returns the format s names: one of door.sys, door32.sys,
// dorinfo, callinfo.bbs and chain.txt, in any case, or "none" or "" for
// NoDropfile. Any other name is an error that lists the valid ones.
func ParseFormat(s string) (Format, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "" || name == "none" {
		return NoDropfile, nil
	}
	for _, f := range dropFormats {
		if string(f) == name {
			return f, nil
		}
	}
	valid := make([]string, 0, len(dropFormats)+1)
	valid = append(valid, "none")
	for _, f := range dropFormats {
		valid = append(valid, string(f))
	}
	return NoDropfile, fmt.Errorf("door: unknown dropfile format %q (valid: %s)", s, strings.Join(valid, ", "))
}

// FileName returns the name the door expects its dropfile under:
// DOOR.SYS, door32.sys, CALLINFO.BBS, CHAIN.TXT, or for DorInfo
// DORINFOx.DEF, where x is the node 1–9, 0 for node 10 and A–Z for nodes
// 11–36, as x/84 and QuickBBS named them. No letter is left beyond Z, so
// any other node (0, 37 and up) gets DORINFO1.DEF, the single-node name
// every DORINFO reader accepts; each node's door has a directory of its
// own, so the names cannot clash. NoDropfile and unknown formats give "".
func (f Format) FileName(node int) string {
	switch f {
	case DoorSys:
		return "DOOR.SYS"
	case Door32Sys:
		// The DOOR32.SYS specification asks for lower case where names
		// are case-sensitive, and Linux doors open "door32.sys".
		return "door32.sys"
	case DorInfo:
		return "DORINFO" + dorinfoSuffix(node) + ".DEF"
	case CallInfo:
		return "CALLINFO.BBS"
	case ChainTxt:
		return "CHAIN.TXT"
	}
	return ""
}

func dorinfoSuffix(node int) string {
	switch {
	case node >= 1 && node <= 9:
		return strconv.Itoa(node)
	case node == 10:
		return "0"
	case node >= 11 && node <= 36:
		return string(rune('A' + node - 11))
	}
	return "1"
}

// DropInfo is what a dropfile tells the door.
type DropInfo struct {
	BBSName   string // the board's name
	SysopName string // the sysop's name
	Node      int    // node number, 1-based
	UserNum   int    // the user's record number (account id); 0 if none
	Handle    string // alias
	RealName  string // "" means: use the handle
	Location  string
	// Level is the caller's security level, 0 to 255, as needs count it
	// (access.Level: 255 for a sysop, 0 while awaiting validation).
	Level    int
	Sysop    bool
	Calls    int           // number of calls
	LastCall time.Time     // zero: never
	Now      time.Time     // when the door starts (dates/times of "now"); zero: time.Now()
	TimeLeft time.Duration // time the caller has in the door; 0 or less: 256 minutes, as x/84
	Rows     int           // screen rows; 0: 24
	Cols     int           // screen columns; 0: 80
	ANSI     bool          // the terminal does ANSI colour (graphics mode "GR" vs "NG")
	Baud     int           // 0 means 57600
}

// Render returns the dropfile's bytes: ASCII, with characters outside
// ASCII turned into CP437 where CP437 has them (or a look-alike) and '?'
// otherwise, every line ending in CR LF. The layouts are documented on
// the functions that write them (doorSys, door32Sys, dorInfo, callInfo,
// chainTxt). Render fails only for NoDropfile and unknown formats.
func Render(f Format, info DropInfo) ([]byte, error) {
	d := newDrop(info)
	var lines []string
	switch f {
	case DoorSys:
		lines = d.doorSys()
	case Door32Sys:
		lines = d.door32Sys()
	case DorInfo:
		lines = d.dorInfo()
	case CallInfo:
		lines = d.callInfo()
	case ChainTxt:
		lines = d.chainTxt()
	case NoDropfile:
		return nil, errors.New("door: no dropfile format to render")
	default:
		return nil, fmt.Errorf("door: unknown dropfile format %q", string(f))
	}
	if len(lines) != dropLines[f] {
		// A layout table was edited wrongly: the tests catch this.
		panic(fmt.Sprintf("door: %s has %d lines, want %d", f, len(lines), dropLines[f]))
	}
	size := 0
	for _, l := range lines {
		size += len(l) + 2
	}
	out := make([]byte, 0, size)
	for _, l := range lines {
		out = append(out, l...)
		out = append(out, '\r', '\n')
	}
	return out, nil
}

// Field lengths, in bytes, from the buffers of the OpenDoors door kit and
// WWIV's user record.
const (
	nameMax     = 35 // user name, handle
	locationMax = 25
	systemMax   = 39 // board name, sysop name
	wwivNameMax = 30 // CHAIN.TXT handle
	wwivRealMax = 20 // CHAIN.TXT real name
)

// Limits of numeric fields.
const (
	maxNode    = 9999
	maxCount   = 32767 // calls, level, user number: a 16-bit int
	maxSeconds = 546 * 60
	maxScreen  = 255
	minBaud    = 300
	maxBaud    = 115200
)

// Values x/84 wrote where a format wants something x84 does not keep.
const (
	software     = "x84"          // DOOR32.SYS BBSID
	comPort      = "COM1"         // see the package notes on COM1
	noUserNum    = 999            // user number of a caller without one
	defaultMins  = 256            // time left when there is no limit
	defaultBaud  = 57600          // Baud 0
	password     = "<encrypted>"  // never the real one
	phone        = "123-456-7890" // x84 keeps no phone numbers
	defaultRows  = 24
	defaultCols  = 80
	neverDate    = "01/01/99" // last call of a caller who never called
	neverTime    = "00:00"
	expiryDate   = "01/01/99" // DOOR.SYS subscription expiry, as x/84
	birthDate    = "01/01/01" // x84 keeps no birthdays; x/84 used 01/01/2001
	newScanDate  = "09/09/99" // DOOR.SYS last new-files scan, as x/84
	wildcatNever = "01/01/90" // CALLINFO.BBS filler date, as x/84
)

// drop is a DropInfo made safe: text sanitised (still UTF-8, cut and
// encoded per format by field), numbers in range, defaults filled in.
type drop struct {
	bbs, sysopName       string
	handle, real, where  string
	node, userNum, level int
	calls                int
	sysop, ansi          bool
	last, now            time.Time
	never                bool
	secs, mins           int
	rows, cols, baud     int
}

func newDrop(in DropInfo) *drop {
	d := &drop{
		bbs:       clean(in.BBSName),
		sysopName: clean(in.SysopName),
		handle:    clean(in.Handle),
		real:      clean(in.RealName),
		where:     clean(in.Location),
		node:      clamp(in.Node, 1, maxNode),
		level:     clamp(in.Level, 0, maxCount),
		calls:     clamp(in.Calls, 0, maxCount),
		sysop:     in.Sysop,
		ansi:      in.ANSI,
		last:      in.LastCall,
		now:       in.Now,
		rows:      in.Rows,
		cols:      in.Cols,
		baud:      in.Baud,
	}
	if d.real == "" {
		d.real = d.handle
	}
	d.userNum = noUserNum
	if in.UserNum > 0 {
		d.userNum = min(in.UserNum, maxCount)
	}
	if !usable(d.last) {
		d.never = true
	}
	if !usable(d.now) {
		d.now = time.Now()
	}
	d.secs = defaultMins * 60
	if in.TimeLeft > 0 {
		d.secs = int(min(in.TimeLeft/time.Second, maxSeconds))
	}
	d.mins = d.secs / 60
	if d.rows <= 0 {
		d.rows = defaultRows
	}
	d.rows = min(d.rows, maxScreen)
	if d.cols <= 0 {
		d.cols = defaultCols
	}
	d.cols = min(d.cols, maxScreen)
	if d.baud <= 0 {
		d.baud = defaultBaud
	}
	d.baud = clamp(d.baud, minBaud, maxBaud)
	return d
}

// usable reports whether t is a time the mm/dd/yy and hh:mm fields can
// show: not zero, and in years 1–9999.
func usable(t time.Time) bool {
	return !t.IsZero() && t.Year() >= 1 && t.Year() <= 9999
}

func clamp(n, lo, hi int) int {
	return max(lo, min(n, hi))
}

// clean makes user text a single line: escape sequences, control
// characters (CR and LF among them), bidirectional and invisible
// characters gone, surrounding spaces trimmed.
func clean(s string) string {
	return strings.TrimSpace(term.Sanitize(s))
}

// field returns s, already cleaned, in CP437, cut to at most n bytes,
// without surrounding spaces. Bytes that are controls in CP437 cannot
// come out of a cleaned string, but are made '?' all the same, and the
// no-break space (0xFF) a plain space, so a field is printable whatever
// the encoder does.
func field(s string, n int) string {
	var enc term.CP437Encoder
	b := enc.Append(make([]byte, 0, len(s)), []byte(s))
	b = enc.Flush(b)
	for i, c := range b {
		switch {
		case c == 0xff:
			b[i] = ' '
		case c < 0x20 || c == 0x7f:
			b[i] = '?'
		}
	}
	if len(b) > n {
		b = b[:n]
	}
	return strings.Trim(string(b), " ")
}

// splitName splits a name, cut to nameMax, at its first space into the
// first and last names DORINFO wants; a one-word name has no last name.
func splitName(s string) (first, last string) {
	name := field(s, nameMax)
	first, last, _ = strings.Cut(name, " ")
	return first, strings.TrimLeft(last, " ")
}

func itoa(n int) string { return strconv.Itoa(n) }

// lastDate is the caller's last call as mm/dd/yy, or neverDate.
func (d *drop) lastDate() string {
	if d.never {
		return neverDate
	}
	return d.last.Format("01/02/06")
}

// lastTime is the caller's last call as hh:mm (24-hour), or neverTime.
func (d *drop) lastTime() string {
	if d.never {
		return neverTime
	}
	return d.last.Format("15:04")
}

func (d *drop) graphics() string {
	if d.ansi {
		return "GR"
	}
	return "NG"
}

func (d *drop) ansi01() string {
	if d.ansi {
		return "1"
	}
	return "0"
}

// doorSys writes DOOR.SYS, GAP's 52-line format, with x/84's values
// where x84 keeps nothing better.
func (d *drop) doorSys() []string {
	return []string{
		comPort + ":",                 // 1 comm port; COM0: would be local
		itoa(d.baud),                  // 2 connect (DCE) rate
		"8",                           // 3 data bits
		itoa(d.node),                  // 4 node
		itoa(d.baud),                  // 5 port (DTE) rate
		"Y",                           // 6 screen display on
		"Y",                           // 7 printer on
		"Y",                           // 8 page bell on
		"Y",                           // 9 caller alarm on
		field(d.real, nameMax),        // 10 user's full name
		field(d.where, locationMax),   // 11 calling from
		phone,                         // 12 home phone
		phone,                         // 13 work/data phone
		password,                      // 14 password
		itoa(d.level),                 // 15 security level
		itoa(d.calls),                 // 16 times on
		d.lastDate(),                  // 17 last call, mm/dd/yy
		itoa(d.secs),                  // 18 seconds left
		itoa(d.mins),                  // 19 minutes left
		d.graphics(),                  // 20 GR (ANSI) or NG
		itoa(d.rows),                  // 21 page length
		"N",                           // 22 expert mode off
		"1,2,3,4,5,6,7",               // 23 conferences joined
		"1",                           // 24 conference the door was opened from
		expiryDate,                    // 25 subscription expiry
		itoa(d.userNum),               // 26 user record number
		"X",                           // 27 default protocol (Xmodem)
		"0",                           // 28 uploads
		"0",                           // 29 downloads
		"0",                           // 30 kilobytes downloaded today
		"9999999",                     // 31 daily download limit, kilobytes
		"01/01/2001",                  // 32 birth date (x/84's value)
		`C:\XXX`,                      // 33 main directory
		`C:\XXX`,                      // 34 gen directory
		field(d.sysopName, systemMax), // 35 sysop's name
		field(d.handle, nameMax),      // 36 alias
		"00:05",                       // 37 next event time
		"Y",                           // 38 error-correcting connection
		// 39 "ANSI supported but caller in NG mode": never so here,
		// since ANSI callers get GR. x/84 wrote Y next to NG.
		"N",
		"Y",                   // 40 record locking
		"7",                   // 41 default colour
		itoa(d.mins),          // 42 time credits, minutes (x/84: the time left)
		newScanDate,           // 43 last new-files scan date
		d.now.Format("15:04"), // 44 time of this call
		d.lastTime(),          // 45 time of last call
		"9999",                // 46 daily file limit
		"0",                   // 47 files downloaded today
		"0",                   // 48 kilobytes uploaded
		"0",                   // 49 kilobytes downloaded
		"None",                // 50 user comment
		"0",                   // 51 doors opened
		"0",                   // 52 messages left
	}
}

// door32Sys writes DOOR32.SYS (Door32 revision 1).
func (d *drop) door32Sys() []string {
	return []string{
		"0",                      // 1 comm type: 0 local (1 serial, 2 telnet)
		"0",                      // 2 comm or socket handle: none
		itoa(d.baud),             // 3 baud rate
		software,                 // 4 BBS id: software name
		itoa(d.userNum),          // 5 user record number
		field(d.real, nameMax),   // 6 real name
		field(d.handle, nameMax), // 7 handle
		itoa(d.level),            // 8 security level
		itoa(d.mins),             // 9 minutes left
		d.ansi01(),               // 10 emulation: 1 ANSI, 0 ASCII
		itoa(d.node),             // 11 node
	}
}

// dorInfo writes DORINFOx.DEF (RBBS, QuickBBS). The caller's name is
// the handle, as x/84 wrote it, split at its first space.
func (d *drop) dorInfo() []string {
	sysFirst, sysLast := splitName(d.sysopName)
	first, last := splitName(d.handle)
	return []string{
		field(d.bbs, systemMax),      // 1 board name
		sysFirst,                     // 2 sysop's first name
		sysLast,                      // 3 sysop's last name
		comPort,                      // 4 port; COM0 would be local
		itoa(d.baud) + " BAUD,N,8,1", // 5 rate and line settings
		"0",                          // 6 networked: no
		first,                        // 7 caller's first name
		last,                         // 8 caller's last name
		field(d.where, locationMax),  // 9 location
		d.ansi01(),                   // 10 graphics: 1 ANSI, 0 TTY
		itoa(d.level),                // 11 security level
		itoa(d.mins),                 // 12 minutes left
		"-1",                         // 13 FOSSIL: -1 external driver
	}
}

// callinfoBaud is CALLINFO.BBS's code for a baud rate: 1 300, 2 1200,
// 0 2400, 3 9600, 4 19200 and faster (5 is local).
func callinfoBaud(b int) string {
	switch {
	case b >= 19200:
		return "4"
	case b >= 9600:
		return "3"
	case b >= 2400:
		return "0"
	case b >= 1200:
		return "2"
	}
	return "1"
}

// callInfo writes CALLINFO.BBS, WildCat! 2's 36-line format. x/84 wrote
// 35 lines: it left out the birth date (line 30), so its last six fields
// sat a line early; here they are where WildCat! put them.
func (d *drop) callInfo() []string {
	stamp := d.now.Format("15:04")
	lastOn := wildcatNever + " " + neverTime
	lastDay := wildcatNever
	if !d.never {
		lastOn = d.last.Format("01/02/06 15:04")
		lastDay = d.last.Format("01/02/06")
	}
	colour := "MONO"
	if d.ansi {
		colour = "COLOR"
	}
	return []string{
		field(d.handle, nameMax),               // 1 user name
		callinfoBaud(d.baud),                   // 2 baud code
		field(d.where, locationMax),            // 3 calling from
		itoa(d.level),                          // 4 security level
		itoa(d.mins),                           // 5 minutes left
		colour,                                 // 6 COLOR or MONO
		password,                               // 7 password
		itoa(d.userNum),                        // 8 user record number
		"0",                                    // 9 minutes on so far
		stamp,                                  // 10 time of call, hh:mm
		stamp + " " + d.now.Format("01/02/06"), // 11 time and date of call
		"ABCDEFGH",                             // 12 conferences joined
		"0",                                    // 13 files downloaded today
		"99",                                   // 14 daily file limit
		"0",                                    // 15 kilobytes downloaded today
		"9999",                                 // 16 daily kilobyte limit
		phone,                                  // 17 phone number
		lastOn,                                 // 18 last call, mm/dd/yy hh:mm
		"NOVICE",                               // 19 NOVICE or EXPERT
		"Xmodem",                               // 20 transfer protocol
		lastDay,                                // 21 last new-files date
		itoa(d.calls),                          // 22 times on
		itoa(d.rows),                           // 23 lines a page
		"0",                                    // 24 highest message read
		"0",                                    // 25 uploads
		"0",                                    // 26 downloads
		"8",                                    // 27 data bits
		"REMOTE",                               // 28 LOCAL or REMOTE
		comPort,                                // 29 port
		birthDate,                              // 30 birth date
		itoa(d.baud),                           // 31 port rate
		"FALSE",                                // 32 already connected
		"Normal Connection",                    // 33 MNP/ARQ or Normal Connection
		d.now.Format("01/02/06 15:04"),         // 34 date and time
		itoa(d.node),                           // 35 node
		"1",                                    // 36 door number
	}
}

// chainTxt writes WWIV's CHAIN.TXT as WWIV 4.2x wrote it: the 30 lines
// Synchronet also writes, then the port rate and the WWIVnet node.
func (d *drop) chainTxt() []string {
	remote := "1" // the caller is on the COM port, not at the console
	sysop := "0"
	if d.sysop {
		sysop = "1"
	}
	midnight := d.now.Hour()*3600 + d.now.Minute()*60 + d.now.Second()
	return []string{
		itoa(d.userNum),               // 1 user number
		field(d.handle, wwivNameMax),  // 2 handle
		field(d.real, wwivRealMax),    // 3 real name
		"",                            // 4 call sign
		"0",                           // 5 age: unknown
		"?",                           // 6 sex: unknown
		"0",                           // 7 gold
		d.lastDate(),                  // 8 last call, mm/dd/yy
		itoa(d.cols),                  // 9 screen columns
		itoa(d.rows),                  // 10 screen rows
		itoa(d.level),                 // 11 security level
		"0",                           // 12 co-sysop
		sysop,                         // 13 sysop
		d.ansi01(),                    // 14 ANSI
		remote,                        // 15 remote
		itoa(d.secs),                  // 16 seconds left
		`.\`,                          // 17 gfiles directory: the door's own
		`.\`,                          // 18 data directory: the door's own
		"CHAIN.LOG",                   // 19 log file name
		itoa(d.baud),                  // 20 rate ("KB" would be local)
		"1",                           // 21 COM port
		field(d.bbs, systemMax),       // 22 board name
		field(d.sysopName, systemMax), // 23 sysop's name
		itoa(midnight),                // 24 time of call, seconds since midnight
		"0",                           // 25 seconds on so far
		"0",                           // 26 kilobytes uploaded
		"0",                           // 27 files uploaded
		"0",                           // 28 kilobytes downloaded
		"0",                           // 29 files downloaded
		"8N1",                         // 30 data bits, parity, stop bits
		itoa(d.baud),                  // 31 port rate
		"0",                           // 32 WWIVnet node: none
	}
}
