package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/menus"
)

// newLevelWarning returns a warning for `x84 menus check` when [access]
// new_level is below the lowest level an entry of the main menu (the
// sysop's file, else the built-in one) needs: new accounts would then
// see none of those entries, which is seldom meant. "" when all is well.
func newLevelWarning(dir string) (string, error) {
	conf, err := config.Load(filepath.Join(dir, x84.ConfigFile))
	if err != nil {
		return "", err
	}
	set, err := menus.NewSet(filepath.Join(dir, x84.MenuDir), board.BuiltinMenus(), nil)
	if err != nil {
		return "", err
	}
	main := set.Get("main")
	if main == nil {
		return "", nil
	}
	lowest := 0
	var gated []string
	for _, e := range main.Entries {
		if e.Sysop || e.Level <= 0 {
			continue
		}
		if lowest == 0 || e.Level < lowest {
			lowest = e.Level
		}
		gated = append(gated, e.Label)
	}
	level := conf.Access.NewLevel
	if lowest == 0 || level >= lowest {
		return "", nil
	}
	return fmt.Sprintf("warning: [access] new_level is %d, below level %d, the lowest a main menu entry needs: "+
		"new accounts will not see %s until a sysop raises their level", level, lowest, strings.Join(gated, ", ")), nil
}
