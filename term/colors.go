package term

import (
	"strconv"
	"strings"
)

// Colors is how many colours a terminal can show, as its client stated:
// 16 (the ANSI colours, bright ones included), 256 (xterm's palette) or
// 24-bit colour. ColorsUnknown means the client said nothing; what to
// assume then is the renderer's choice.
type Colors int

// The colour depths a client can state.
const (
	ColorsUnknown Colors = 0
	Colors16      Colors = 16
	Colors256     Colors = 256
	ColorsTrue    Colors = 1 << 24
)

func (c Colors) String() string {
	switch c {
	case ColorsUnknown:
		return "unknown"
	case ColorsTrue:
		return "truecolor"
	}
	return strconv.Itoa(int(c))
}

// ColorsFromEnv returns the colour depth that a terminal type and the
// COLORTERM variable state: "truecolor" or "24bit" in COLORTERM, or
// "truecolor", "24bit" or "direct" in the terminal type, for 24-bit
// colour; "256color" in the terminal type for 256; ColorsUnknown
// otherwise.
func ColorsFromEnv(termType, colorterm string) Colors {
	termType = strings.ToLower(termType)
	switch strings.ToLower(colorterm) {
	case "truecolor", "24bit":
		return ColorsTrue
	}
	for _, s := range []string{"truecolor", "24bit", "direct"} {
		if strings.Contains(termType, s) {
			return ColorsTrue
		}
	}
	if strings.Contains(termType, "256color") || strings.Contains(termType, "256colour") {
		return Colors256
	}
	return ColorsUnknown
}
