package markup

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/x84bbs/x84/term"
)

// Vars holds the values of @-codes by name (upper case, as the codes are
// written: "USER", not "user").
type Vars map[string]string

// The standard @-codes the board fills in for sysop text. Custom boards
// and scripts may add their own names (see ValidName).
const (
	VarUser     = "USER"     // the caller's handle
	VarNode     = "NODE"     // the caller's node number
	VarBBS      = "BBS"      // the board's name
	VarTimeLeft = "TIMELEFT" // minutes left in the call, or "unlimited"
	VarDate     = "DATE"     // today's date, DateFormat
	VarTime     = "TIME"     // the time of day, TimeFormat
	VarCalls    = "CALLS"    // how many calls the caller has made
	VarLocation = "LOCATION" // where the caller says they are
	VarOnline   = "ONLINE"   // how many callers are online
	VarCols     = "COLS"     // the caller's terminal width
	VarRows     = "ROWS"     // the caller's terminal height
)

// The time layouts of VarDate and VarTime, for time.Time.Format.
const (
	DateFormat = "2006-01-02"
	TimeFormat = "15:04"
)

// Limits on @-codes, which keep Render's output proportional to its input
// whatever the values are.
const (
	// MaxSubstitutions is how many @-codes one call replaces; later
	// codes stay as they are written.
	MaxSubstitutions = 4096
	// MaxWidth is the largest width an @-code may ask for (@USER:200@).
	MaxWidth = 200
	// MaxValueLen is how many bytes of a value (after sanitising) are
	// inserted; the rest is cut at a character boundary.
	MaxValueLen = 1024
	// MaxNameLen is the longest name of an @-code.
	MaxNameLen = 16
)

// minNameLen is the shortest name of an @-code.
const minNameLen = 2

// Options says how Render and RenderCaller write colours.
type Options struct {
	// Vars holds the values of @-codes; when nil, no @-codes are
	// replaced.
	Vars Vars
	// Colors is the terminal's colour depth: 16 (when 0) or 256. With
	// 256, colours are written as xterm 256-colour indexes (SGR 38;5;N
	// and 48;5;N) of the VGA colours, outside the 16 a terminal lets its
	// user redefine, so every terminal shows the same colours. Any value
	// above 256 (24-bit) counts as 256; any other as 16.
	Colors int
	// NoColor removes colour codes instead of rendering them, for plain
	// or accessible output.
	NoColor bool
}

// ErrSpec is the error Colour returns for anything but one or two pipe
// codes.
var ErrSpec = errors.New("markup: not a pipe colour spec")

// reset ends every rendering that set a colour.
const reset = "\x1b[0m"

// dosToANSI maps a DOS colour number (1 blue, 4 red) to ANSI's order
// (1 red, 4 blue), as the art renderer does.
var dosToANSI = [8]int{0, 4, 2, 6, 1, 5, 3, 7}

// xtermIndex maps the 16 DOS colours (VGA palette, 8–15 bright) to the
// nearest colours of xterm's 256-colour palette among indexes 16–255,
// which terminals do not let users redefine. TestXtermIndex recomputes it.
var xtermIndex = [16]int{
	16, 19, 34, 37, 124, 127, 130, 248,
	240, 63, 83, 87, 203, 207, 227, 231,
}

// Render renders sysop text for a terminal. Escape sequences and control
// characters already in text are removed (term.SanitizeText; a tab becomes
// a space), and each line end becomes "\r\n". Pipe codes |00–|23 become
// SGR colour sequences (none when o.NoColor), and @-codes whose names are
// in o.Vars become their values, sanitised as one line and inserted as
// plain text: pipe and @-codes inside a value are shown as written. Any
// other '|' or '@' is shown as written. If a colour was set, the result
// ends with "\x1b[0m" so it does not leak into what follows.
//
// The result is at most 4·len(text) + 4 bytes plus, for each replaced
// @-code (MaxSubstitutions at most), MaxValueLen + MaxWidth bytes, and
// takes time linear in the size of text and the values used.
func Render(text string, o Options) string {
	r := newRenderer(o)
	r.vars = o.Vars
	r.run(text)
	return r.String()
}

// RenderCaller renders text a caller typed, where the sysop allows
// colour: as Render, with pipe codes only (no @-codes, whatever o.Vars
// holds). A colour code that would make text invisible, the same colour
// on the same background, is ignored; the terminal's own colours are
// judged as DOS's, light grey on black, so |00 alone is ignored too.
func RenderCaller(text string, o Options) string {
	r := newRenderer(o)
	r.caller = true
	r.run(text)
	return r.String()
}

// Strip returns the plain text Render would show: sanitised, without
// colour codes, lines ending in "\n", and with @-codes replaced when vars
// is non-nil. Since codes are removed once, the result may contain a
// pipe code that was shown as text ("||1212" shows "|12").
func Strip(text string, vars Vars) string {
	r := newRenderer(Options{NoColor: true, Vars: vars})
	r.vars = vars
	r.lf = "\n"
	r.run(text)
	return r.String()
}

// Width returns how many terminal columns Render's output for text takes
// (its widest line), counting each character's width as the ui package
// does and no codes.
func Width(text string, vars Vars) int {
	widest := 0
	for line := range strings.SplitSeq(Strip(text, vars), "\n") {
		widest = max(widest, width(line))
	}
	return widest
}

// ColorsFor returns the colour depth to render for a terminal type (the
// client's TERM, any case): 256 when it names 256 or 24-bit colour
// ("xterm-256color", "xterm-direct"), 16 otherwise.
func ColorsFor(termType string) int {
	if term.ColorsFromEnv(termType, "") >= term.Colors256 {
		return 256
	}
	return 16
}

// Colour returns the SGR sequence of a colour spec as themes write it: one
// pipe code ("|14", "|17") or a foreground and a background ("|15|17", in
// either order), for colors 16 or 256 as in Options.
func Colour(spec string, colors int) (string, error) {
	fg, bg := -1, -1
	rest := spec
	for rest != "" {
		if rest[0] != '|' {
			return "", fmt.Errorf("%w: %q", ErrSpec, spec)
		}
		n, ok := pipeCode(rest[1:])
		switch {
		case !ok:
			return "", fmt.Errorf("%w: %q", ErrSpec, spec)
		case n < 16 && fg >= 0:
			return "", fmt.Errorf("%w: %q sets the foreground twice", ErrSpec, spec)
		case n >= 16 && bg >= 0:
			return "", fmt.Errorf("%w: %q sets the background twice", ErrSpec, spec)
		case n < 16:
			fg = n
		default:
			bg = n - 16
		}
		rest = rest[3:]
	}
	if fg < 0 && bg < 0 {
		return "", fmt.Errorf("%w: empty", ErrSpec)
	}
	return string(appendSGR(nil, fg, bg, colors >= 256)), nil
}

// ValidName reports whether name can be written as an @-code: 2 to 16 of
// A–Z, 0–9 and '_'.
func ValidName(name string) bool {
	if len(name) < minNameLen || len(name) > MaxNameLen {
		return false
	}
	for i := range len(name) {
		if !nameByte(name[i]) {
			return false
		}
	}
	return true
}

func nameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// pipeCode reads the two digits after a '|' of a pipe code (00 to 23);
// ok is false for anything else.
func pipeCode(s string) (n int, ok bool) {
	if len(s) < 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	n = int(s[0]-'0')*10 + int(s[1]-'0')
	return n, n <= 23
}

// atCode reads the @-code starting at s[0] == '@': its name, its width (0
// for none) and its length, or ok false when s does not start with one.
// It looks at no more than 22 bytes.
func atCode(s string) (name string, w, n int, ok bool) {
	i := 1
	for i < len(s) && i <= MaxNameLen && nameByte(s[i]) {
		i++
	}
	if i-1 < minNameLen || i >= len(s) {
		return "", 0, 0, false
	}
	name = s[1:i]
	if s[i] == ':' {
		j := i + 1
		for j < len(s) && j-i <= 3 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		digits := s[i+1 : j]
		if digits == "" || digits[0] == '0' {
			return "", 0, 0, false
		}
		w, _ = strconv.Atoi(digits)
		if w > MaxWidth {
			return "", 0, 0, false
		}
		i = j
	}
	if i >= len(s) || s[i] != '@' {
		return "", 0, 0, false
	}
	return name, w, i + 1, true
}

// renderer writes one rendering. Colours are DOS numbers, fg 0–15 and bg
// 0–7, or -1 for the terminal's own; the pending colour (want) is written
// only before text, so codes in a row make one sequence and codes with no
// text after them none.
type renderer struct {
	b        strings.Builder
	c256     bool
	noColor  bool
	caller   bool
	lf       string
	vars     Vars
	subs     int
	values   map[string]string // sanitised values by name
	fg, bg   int               // as written to the terminal
	wfg, wbg int               // as the codes so far ask
	colored  bool
}

func newRenderer(o Options) *renderer {
	return &renderer{
		c256:    o.Colors >= 256,
		noColor: o.NoColor,
		lf:      "\r\n",
		fg:      -1, bg: -1, wfg: -1, wbg: -1,
	}
}

func (r *renderer) String() string {
	if r.colored {
		r.b.WriteString(reset)
	}
	return r.b.String()
}

func (r *renderer) run(text string) {
	s := term.SanitizeText(text)
	r.b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		switch s[i] {
		case '|':
			if n, ok := pipeCode(s[i+1:]); ok {
				r.pipe(n)
				i += 3
				continue
			}
			r.text("|")
			i++
		case '@':
			if r.vars != nil {
				if name, w, n, ok := atCode(s[i:]); ok {
					if v, ok := r.value(name); ok {
						r.insert(v, w)
						i += n
						continue
					}
				}
			}
			r.text("@")
			i++
		case '\n':
			r.b.WriteString(r.lf)
			i++
		case '\t':
			r.text(" ")
			i++
		default:
			j := strings.IndexAny(s[i:], "|@\n\t")
			if j < 0 {
				j = len(s) - i
			}
			r.text(s[i : i+j])
			i += j
		}
	}
}

// pipe takes pipe code n (0–23).
func (r *renderer) pipe(n int) {
	switch {
	case r.noColor:
	case n < 16:
		r.wfg = n
	default:
		r.wbg = n - 16
	}
}

// value returns the sanitised value of @-code name, if it is to be
// replaced.
func (r *renderer) value(name string) (string, bool) {
	if r.subs >= MaxSubstitutions {
		return "", false
	}
	v, ok := r.values[name]
	if !ok {
		raw, found := r.vars[name]
		if !found {
			return "", false
		}
		v = cut(term.Sanitize(raw), MaxValueLen)
		if r.values == nil {
			r.values = make(map[string]string)
		}
		r.values[name] = v
	}
	r.subs++
	return v, true
}

// insert writes value v, fitted to w columns unless w is 0.
func (r *renderer) insert(v string, w int) {
	if w > 0 {
		v = fit(v, w)
	}
	if v != "" {
		r.text(v)
	}
}

// text writes s, after the pending colour.
func (r *renderer) text(s string) {
	if r.wfg != r.fg || r.wbg != r.bg {
		r.flush()
	}
	r.b.WriteString(s)
}

// flush writes the pending colour. For a caller, a change that would
// make the text invisible is undone: the background first.
func (r *renderer) flush() {
	if r.caller && invisible(r.wfg, r.wbg) {
		r.wbg = r.bg
		if invisible(r.wfg, r.wbg) {
			r.wfg = r.fg
		}
	}
	fg, bg := -1, -1
	if r.wfg != r.fg {
		fg = r.wfg
	}
	if r.wbg != r.bg {
		bg = r.wbg
	}
	r.fg, r.bg = r.wfg, r.wbg
	if fg < 0 && bg < 0 {
		return
	}
	var buf [24]byte
	r.b.Write(appendSGR(buf[:0], fg, bg, r.c256))
	r.colored = true
}

// invisible reports whether DOS colours fg on bg (-1 the terminal's own,
// taken as light grey on black) are the same colour.
func invisible(fg, bg int) bool {
	if fg < 0 {
		fg = 7
	}
	if bg < 0 {
		bg = 0
	}
	return fg == bg
}

// appendSGR appends the sequence that sets foreground fg (0–15) and
// background bg (0–7), either -1 to leave it, to b.
func appendSGR(b []byte, fg, bg int, c256 bool) []byte {
	b = append(b, "\x1b["...)
	if fg >= 0 {
		switch {
		case c256:
			b = append(b, "38;5;"...)
			b = strconv.AppendInt(b, int64(xtermIndex[fg]), 10)
		case fg < 8:
			b = strconv.AppendInt(b, int64(30+dosToANSI[fg]), 10)
		default:
			b = strconv.AppendInt(b, int64(90+dosToANSI[fg-8]), 10)
		}
	}
	if bg >= 0 {
		if fg >= 0 {
			b = append(b, ';')
		}
		if c256 {
			b = append(b, "48;5;"...)
			b = strconv.AppendInt(b, int64(xtermIndex[bg]), 10)
		} else {
			b = strconv.AppendInt(b, int64(40+dosToANSI[bg]), 10)
		}
	}
	return append(b, 'm')
}

// cut returns s cut to at most n bytes at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// fit returns s cut or padded with spaces to exactly w columns; a wide
// character that would straddle the edge is left out, as ui.Truncate
// does.
func fit(s string, w int) string {
	used := 0
	for i, c := range s {
		cw := runewidth.RuneWidth(c)
		if used+cw > w {
			s = s[:i]
			break
		}
		used += cw
	}
	if used == w {
		return s
	}
	return s + strings.Repeat(" ", w-used)
}

// width returns the columns plain text s takes.
func width(s string) int {
	w := 0
	for _, c := range s {
		w += runewidth.RuneWidth(c)
	}
	return w
}
