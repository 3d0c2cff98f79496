package config

import (
	"maps"
	"path"
	"slices"

	"github.com/BurntSushi/toml"
)

// MaxLevel is the highest security level (store.MaxLevel, which this
// package cannot import).
const MaxLevel = 255

// Access sets the security levels and groups of new accounts, and what
// the message areas require ([access.areas.TAG]). Menu entries, file
// areas and doors name their own requirements (level and group keys).
type Access struct {
	// NewLevel is the security level of new accounts other than sysops'
	// (0 to 255; sysops have 255). The built-in main menu's Messages,
	// Voting booth, Files, Doors and Extras need level 10, so below 10
	// new accounts do not see them (x84 menus check warns).
	NewLevel int `toml:"new_level"`
	// Validation makes new accounts wait for a sysop's validation: they
	// can log in, but count as level 0 in no group until validated.
	Validation bool `toml:"validation"`
	// Areas are what the message areas of [board] areas require, by tag;
	// an area not listed requires nothing.
	Areas map[string]*Need `toml:"areas"`
}

// Need is what an area, door or menu entry requires of a caller.
type Need struct {
	// Level is the lowest security level allowed (0 to 255).
	Level int `toml:"level"`
	// Group, if not "", is a group the caller must belong to.
	Group string `toml:"group"`
}

// defaultAccess is Default's [access].
func defaultAccess() Access {
	return Access{NewLevel: 10}
}

func (a Access) check() *problem {
	if p := intIn("new_level", a.NewLevel, 0, MaxLevel); p != nil {
		return p
	}
	for _, tag := range sortedKeys(a.Areas) {
		n := a.Areas[tag]
		if n == nil {
			continue
		}
		if p := n.check(); p != nil {
			p.sub = []string{"areas", tag}
			return p
		}
	}
	return nil
}

// check checks a level and group as a table's keys.
func (n Need) check() *problem {
	return firstProblem(levelIn("level", n.Level), groupName("group", n.Group), neededGroup("group", n.Group))
}

// neededGroup refuses the groups with a meaning to the board as what
// something requires, as package access does (a test keeps the two in
// step): sysops meet every need, and locked and unvalidated accounts
// count as in no group.
func neededGroup(key, name string) *problem {
	switch name {
	case "sysop":
		return problemf(key, "%q cannot be required: sysops meet every level and group already (a door or file area has sysop_only = true)", name)
	case "locked", "unvalidated":
		return problemf(key, "%q cannot be required: locked and unvalidated accounts count as in no group; require a level or another group", name)
	}
	return nil
}

func levelIn(key string, level int) *problem { return intIn(key, level, 0, MaxLevel) }

// groupName checks a group's name as package access does (a test keeps
// the two in step): 1 to 32 lower-case ASCII letters, digits, '-' and
// '_', starting with a letter; "" is no group.
func groupName(key, name string) *problem {
	if name == "" {
		return nil
	}
	ok := len(name) <= 32
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok = ok && (c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_'))
	}
	if !ok {
		return problemf(key, "%q is not a group name: 1 to 32 lower-case letters, digits, '-' and '_', starting with a letter", name)
	}
	return nil
}

// checkAreaTags checks that [access.areas.TAG] names areas of [board]:
// a requirement on an area that does not exist is a typo that would
// leave the real area open.
func (c Config) checkAreaTags() (toml.Key, error) {
	for _, tag := range sortedKeys(c.Access.Areas) {
		if !slices.Contains(c.Board.Areas, tag) {
			p := problemf(tag, "no message area %q in [board] areas (%v)", tag, c.Board.Areas)
			return toml.Key{"access", "areas", p.key}, p.err
		}
	}
	return nil, nil
}

// sortedKeys keeps the first problem reported the same from run to run.
func sortedKeys(m map[string]*Need) []string { return slices.Sorted(maps.Keys(m)) }

// sharedFolders refuses two file areas on one folder that differ in
// what they need: the folder's files are the same in both, and sftp
// serves a folder as one, so the laxer area would open the stricter.
func sharedFolders(areas []FileArea) *problem {
	first := map[string]int{} // folder -> index of its first area
	for i, a := range areas {
		dir := path.Clean("/" + a.Dir)
		j, ok := first[dir]
		if !ok {
			first[dir] = i
			continue
		}
		b := areas[j]
		if b.SysopOnly != a.SysopOnly || b.Level != a.Level || b.Group != a.Group {
			p := problemf("dir", "file areas %q and %q share the folder %q but not their level, group and sysop_only: "+
				"whoever may see one would see the other's files (over sftp too); give them the same or separate folders",
				b.Name, a.Name, dir[1:])
			p.table, p.index = "area", i+1
			return p
		}
	}
	return nil
}
