package access

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/x84bbs/x84/store"
)

// Need is what something requires of a caller. The zero Need requires
// nothing.
type Need struct {
	// Level is the lowest security level allowed, 0 to store.MaxLevel.
	Level int
	// Group, if not "", is a group the caller must belong to.
	Group string
}

// MaxGroupLen is the longest group name.
const MaxGroupLen = 32

// Allows reports whether u meets n. A nil u is a guest.
func (n Need) Allows(u *store.User) bool {
	if u != nil && u.InGroup(store.GroupSysop) {
		return true
	}
	if n.Level <= 0 && n.Group == "" {
		return true
	}
	if u == nil || Unvalidated(u) {
		return false
	}
	return u.Level >= n.Level && (n.Group == "" || u.InGroup(n.Group))
}

// IsZero reports whether n requires nothing.
func (n Need) IsZero() bool { return n.Level <= 0 && n.Group == "" }

// Check reports a Need that cannot be met as written: a level out of
// range or a malformed group name.
func (n Need) Check() error {
	if n.Level < 0 || n.Level > store.MaxLevel {
		return fmt.Errorf("level %d is not between 0 and %d", n.Level, store.MaxLevel)
	}
	if n.Group != "" {
		return CheckGroup(n.Group)
	}
	return nil
}

// String describes n for a sysop: "level 50 and group staff", "nothing".
func (n Need) String() string {
	switch {
	case n.IsZero():
		return "nothing"
	case n.Group == "":
		return "level " + strconv.Itoa(n.Level)
	case n.Level <= 0:
		return "group " + n.Group
	}
	return "level " + strconv.Itoa(n.Level) + " and group " + n.Group
}

// Unvalidated reports whether u awaits a sysop's validation.
func Unvalidated(u *store.User) bool {
	return u != nil && u.InGroup(store.GroupUnvalidated)
}

// ErrGroup is wrapped by CheckGroup's errors.
var ErrGroup = errors.New("not a group name")

// CheckGroup reports whether name can name a group: 1 to MaxGroupLen
// lower-case ASCII letters, digits, '-' and '_', starting with a letter.
func CheckGroup(name string) error {
	if name == "" || len(name) > MaxGroupLen {
		return fmt.Errorf("%w: %q: groups have 1 to %d characters", ErrGroup, name, MaxGroupLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_'):
		default:
			return fmt.Errorf("%w: %q: use lower-case letters, digits, '-' and '_', starting with a letter", ErrGroup, name)
		}
	}
	return nil
}
