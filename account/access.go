package account

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/store"
)

// LevelZero, as Config.NewLevel, gives new accounts level 0 (the zero
// value of NewLevel means the default, store.DefaultLevel).
const LevelZero = -1

// defaultNewLevel fills in Config.NewLevel.
func defaultNewLevel(level *int) error {
	switch {
	case *level == 0:
		*level = store.DefaultLevel
	case *level == LevelZero:
		*level = 0
	case *level < 0 || *level > store.MaxLevel:
		return fmt.Errorf("account: Config.NewLevel %d is not between 0 and %d", *level, store.MaxLevel)
	}
	return nil
}

// reservedGroups are the groups with a meaning to the board, each set by
// its own method (SetSysop, SetLocked, Validate), never by SetGroups.
var reservedGroups = []string{store.GroupSysop, store.GroupLocked, store.GroupUnvalidated}

// grant gives a new account its access: a sysop the highest level and no
// wait for validation, anyone else Config.NewLevel, and an applicant on
// a board with validation the unvalidated group.
func (s *Service) grant(u *store.User, applicant bool) {
	if u.Sysop() {
		u.Level = store.MaxLevel
		u.Groups = withGroup(u.Groups, store.GroupUnvalidated, false)
		return
	}
	u.Level = s.cfg.NewLevel
	if applicant && s.cfg.Validation {
		u.Groups = withGroup(u.Groups, store.GroupUnvalidated, true)
	}
}

// withGroup returns groups with group in it or not, sorted as the store
// keeps them; groups itself is not changed.
func withGroup(groups []string, group string, in bool) []string {
	i := slices.Index(groups, group)
	switch {
	case in && i < 0:
		groups = append(slices.Clone(groups), group)
		slices.Sort(groups)
	case !in && i >= 0:
		groups = slices.Delete(slices.Clone(groups), i, i+1)
	}
	return groups
}

// Validate ends the wait of the account with the handle for a sysop's
// validation (store.GroupUnvalidated): its level and groups count from
// the next screen it opens. An account that was not waiting is returned
// as it is.
func (s *Service) Validate(ctx context.Context, handle string) (*store.User, error) {
	u, _, err := s.ValidateWaiting(ctx, handle)
	return u, err
}

// ValidateWaiting is Validate, and also reports whether the account was
// waiting, as decided in the same write (so that of two sysops at once,
// one validates it).
func (s *Service) ValidateWaiting(ctx context.Context, handle string) (*store.User, bool, error) {
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, false, err
	}
	was := false
	u, err = s.modify(ctx, u.ID, func(u *store.User) {
		was = u.InGroup(store.GroupUnvalidated)
		u.Groups = withGroup(u.Groups, store.GroupUnvalidated, false)
	})
	if err == nil && was {
		s.log.Info("account validated", "user", u.Handle, "level", u.Level)
	}
	return u, was && err == nil, err
}

// SetLevel sets the security level of the account with the handle, 0 to
// store.MaxLevel (an *InvalidError otherwise).
func (s *Service) SetLevel(ctx context.Context, handle string, level int) (*store.User, error) {
	if err := CheckLevel(level); err != nil {
		return nil, err
	}
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	u, err = s.modify(ctx, u.ID, func(u *store.User) { u.Level = level })
	if err == nil {
		s.log.Info("security level set", "user", u.Handle, "level", level)
	}
	return u, err
}

// SetGroups sets the ordinary groups of the account with the handle:
// each a name access.CheckGroup accepts, duplicates ignored. The groups
// with a meaning to the board (sysop, locked, unvalidated) are refused
// here, and those the account has are kept: they have their own
// methods (SetSysop, SetLocked, Validate).
func (s *Service) SetGroups(ctx context.Context, handle string, groups []string) (*store.User, error) {
	clean, err := checkGroups(groups)
	if err != nil {
		return nil, err
	}
	u, err := s.User(ctx, handle)
	if err != nil {
		return nil, err
	}
	u, err = s.modify(ctx, u.ID, func(u *store.User) {
		kept := slices.DeleteFunc(slices.Clone(u.Groups), func(g string) bool { return !slices.Contains(reservedGroups, g) })
		u.Groups = slices.Compact(slices.Sorted(slices.Values(append(kept, clean...))))
	})
	if err == nil {
		s.log.Info("groups set", "user", u.Handle, "groups", strings.Join(clean, ","))
	}
	return u, err
}

// OrdinaryGroups returns u's groups other than those with a meaning to
// the board: what SetGroups sets.
func OrdinaryGroups(u *store.User) []string {
	return slices.DeleteFunc(slices.Clone(u.Groups), func(g string) bool { return slices.Contains(reservedGroups, g) })
}

// checkGroups checks the groups given to SetGroups and returns them
// sorted, without duplicates.
func checkGroups(groups []string) ([]string, error) {
	out := make([]string, 0, len(groups))
	for _, g := range groups {
		if slices.Contains(reservedGroups, g) {
			return nil, &InvalidError{Field: "groups", Msg: fmt.Sprintf(
				"%q is not set with the other groups: sysop, locked and unvalidated have their own commands.", g),
				ID: "rules.group_reserved", Args: []string{"group", strconv.Quote(g)}}
		}
		if err := access.CheckGroup(g); err != nil {
			// access says why after the name: "…: groups have 1 to 32
			// characters".
			msg := err.Error()
			why := msg[strings.LastIndex(msg, ": ")+2:]
			// The catalogs say the same, by the rule it breaks.
			id, args := "rules.group_characters", []string{"group", strconv.Quote(g)}
			if g == "" || len(g) > access.MaxGroupLen {
				id, args = "rules.group_length", append(args, "max", strconv.Itoa(access.MaxGroupLen))
			}
			return nil, &InvalidError{Field: "groups", Msg: fmt.Sprintf("%q is not a group name: %s.", g, why), ID: id, Args: args}
		}
		out = append(out, g)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// CheckLevel refuses a security level outside 0 to store.MaxLevel.
func CheckLevel(level int) error {
	if level < 0 || level > store.MaxLevel {
		return &InvalidError{Field: "level", Msg: fmt.Sprintf("Levels are whole numbers from 0 to %d.", store.MaxLevel),
			ID: "rules.level", Args: []string{"max", strconv.Itoa(store.MaxLevel)}}
	}
	return nil
}

// ParseLevel reads a security level as a sysop types it.
func ParseLevel(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, CheckLevel(-1)
	}
	return n, CheckLevel(n)
}

// ParseGroups reads a list of groups as a sysop types it: names
// separated by commas or spaces ("staff, elite"); "" is no group. The
// names are checked by SetGroups.
func ParseGroups(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}
