package script

import (
	"time"

	"github.com/dlclark/regexp2"
)

// maxMatch bounds one match of a regular expression that the runtime
// hands to regexp2 (those with backreferences or lookaround), which can
// backtrack for ever and cannot be interrupted: one that takes longer
// fails to match. A loop of them is stopped by the watchdog between two.
const maxMatch = time.Second

func init() {
	// Read by regexp2 when an expression is compiled; the runtime is the
	// only user of regexp2 in the board.
	regexp2.DefaultMatchTimeout = maxMatch
}
