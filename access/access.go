package access

import (
	"errors"
	"fmt"
	"slices"
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
// range, a malformed group name, or a group with a meaning to the board
// (ErrReservedGroup).
func (n Need) Check() error {
	if n.Level < 0 || n.Level > store.MaxLevel {
		return fmt.Errorf("level %d is not between 0 and %d", n.Level, store.MaxLevel)
	}
	if n.Group == "" {
		return nil
	}
	if err := CheckGroup(n.Group); err != nil {
		return err
	}
	return CheckNeedGroup(n.Group)
}

// ErrReservedGroup is wrapped by CheckNeedGroup's errors.
var ErrReservedGroup = errors.New("not a group to require")

// reservedGroups are the groups with a meaning to the board: each is
// set by its own command, and none may be what something requires.
var reservedGroups = []string{store.GroupSysop, store.GroupLocked, store.GroupUnvalidated}

// CheckNeedGroup refuses a reserved group as what something requires:
// sysops meet every need already, a locked account never logs in, and an
// account awaiting validation counts as in no group.
func CheckNeedGroup(name string) error {
	if slices.Contains(reservedGroups, name) {
		return fmt.Errorf("%w: %q has a meaning of its own (sysops meet every level and group; locked and unvalidated accounts count as in no group): require a level or another group", ErrReservedGroup, name)
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

// Level is u's security level as needs count it: store.MaxLevel for a
// sysop, 0 for a guest or an account awaiting validation, else its own.
// Door drop files and scripts are told this one.
func Level(u *store.User) int {
	switch {
	case u == nil:
		return 0
	case u.Sysop():
		return store.MaxLevel
	case Unvalidated(u):
		return 0
	}
	return u.Level
}

// ErrUnvalidated is the services' refusal of an account awaiting a
// sysop's validation (CheckValidated). Its text is the sentence shown to
// the caller.
var ErrUnvalidated error = sentence("Your account awaits a sysop's validation.")

// sentence is an error whose text is a whole sentence for a caller.
type sentence string

func (s sentence) Error() string { return string(s) }

// CheckValidated returns ErrUnvalidated for an account awaiting a
// sysop's validation, which may read what its level opens but not post
// messages or letters, upload files or run doors, whatever a menu
// offers; nil for anyone else (sysops, validated accounts, guests, whom
// the services refuse by their own rules).
func CheckValidated(u *store.User) error {
	if Unvalidated(u) && !u.Sysop() {
		return ErrUnvalidated
	}
	return nil
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
