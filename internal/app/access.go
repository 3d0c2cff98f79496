package app

import (
	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/config"
)

// newLevel is [access] new_level as account.Config wants it, whose zero
// means its default.
func newLevel(level int) int {
	if level == 0 {
		return account.LevelZero
	}
	return level
}

// areaNeeds turns [access.areas.TAG] into the message areas' needs.
func areaNeeds(a config.Access) map[string]access.Need {
	out := make(map[string]access.Need, len(a.Areas))
	for tag, n := range a.Areas {
		if n != nil {
			out[tag] = access.Need{Level: n.Level, Group: n.Group}
		}
	}
	return out
}
