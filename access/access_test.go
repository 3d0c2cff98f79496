package access

import (
	"errors"
	"strings"
	"testing"

	"github.com/x84bbs/x84/store"
)

func TestAllows(t *testing.T) {
	user := func(level int, groups ...string) *store.User {
		return &store.User{Handle: "u", Level: level, Groups: groups}
	}
	tests := []struct {
		name string
		need Need
		user *store.User
		want bool
	}{
		{"nothing, guest", Need{}, nil, true},
		{"nothing, unvalidated", Need{}, user(0, store.GroupUnvalidated), true},
		{"level, guest", Need{Level: 1}, nil, false},
		{"level met", Need{Level: 20}, user(20), true},
		{"level above", Need{Level: 20}, user(100), true},
		{"level short", Need{Level: 20}, user(19), false},
		{"group met", Need{Group: "staff"}, user(0, "staff"), true},
		{"group missing", Need{Group: "staff"}, user(255, "users"), false},
		{"level and group", Need{Level: 50, Group: "staff"}, user(50, "staff"), true},
		{"group but short level", Need{Level: 50, Group: "staff"}, user(49, "staff"), false},
		{"sysop meets all", Need{Level: 255, Group: "staff"}, user(0, store.GroupSysop), true},
		{"unvalidated counts as level 0", Need{Level: 1}, user(255, store.GroupUnvalidated), false},
		{"unvalidated has no groups", Need{Group: "staff"}, user(10, "staff", store.GroupUnvalidated), false},
		{"unvalidated sysop is a sysop", Need{Level: 255}, user(0, store.GroupSysop, store.GroupUnvalidated), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.need.Allows(tt.user); got != tt.want {
				t.Errorf("%v.Allows(%+v) = %v; want %v", tt.need, tt.user, got, tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		need Need
		ok   bool
	}{
		{Need{}, true},
		{Need{Level: 255}, true},
		{Need{Level: 256}, false},
		{Need{Level: -1}, false},
		{Need{Group: "staff"}, true},
		{Need{Group: "co-sysop_2"}, true},
		{Need{Group: "Staff"}, false},
		{Need{Group: "2staff"}, false},
		{Need{Group: "st aff"}, false},
		{Need{Group: "abcdefghijklmnopqrstuvwxyzabcdefg"}, false},
	}
	for _, tt := range tests {
		err := tt.need.Check()
		if (err == nil) != tt.ok {
			t.Errorf("%+v.Check() = %v; want ok %v", tt.need, err, tt.ok)
		}
		if err != nil && tt.need.Group != "" && tt.need.Level >= 0 && tt.need.Level <= 255 && !errors.Is(err, ErrGroup) {
			t.Errorf("%+v.Check() = %v; want ErrGroup", tt.need, err)
		}
	}
}

func TestString(t *testing.T) {
	for _, tt := range []struct {
		need Need
		want string
	}{
		{Need{}, "nothing"},
		{Need{Level: 20}, "level 20"},
		{Need{Group: "staff"}, "group staff"},
		{Need{Level: 20, Group: "staff"}, "level 20 and group staff"},
	} {
		if got := tt.need.String(); got != tt.want {
			t.Errorf("%+v.String() = %q; want %q", tt.need, got, tt.want)
		}
	}
}

// The groups with a meaning to the board cannot be required.
func TestCheckReservedGroup(t *testing.T) {
	for _, tt := range []struct {
		need     Need
		reserved bool
	}{
		{Need{Group: store.GroupSysop}, true},
		{Need{Group: store.GroupLocked}, true},
		{Need{Level: 20, Group: store.GroupUnvalidated}, true},
		{Need{Group: "sysops"}, false},
		{Need{Group: "staff"}, false},
	} {
		err := tt.need.Check()
		if got := errors.Is(err, ErrReservedGroup); got != tt.reserved {
			t.Errorf("%+v.Check() = %v; want ErrReservedGroup %v", tt.need, err, tt.reserved)
		}
		if tt.reserved && !strings.Contains(err.Error(), `"`+tt.need.Group+`" has a meaning of its own`) {
			t.Errorf("%+v.Check() = %q; want it to name the group", tt.need, err)
		}
	}
}

func TestCheckValidated(t *testing.T) {
	for _, tt := range []struct {
		name string
		user *store.User
		want error
	}{
		{"guest", nil, nil},
		{"validated", &store.User{Level: 10}, nil},
		{"unvalidated", &store.User{Level: 10, Groups: []string{store.GroupUnvalidated}}, ErrUnvalidated},
		{"unvalidated sysop", &store.User{Groups: []string{store.GroupSysop, store.GroupUnvalidated}}, nil},
	} {
		if got := CheckValidated(tt.user); got != tt.want {
			t.Errorf("%s: CheckValidated = %v; want %v", tt.name, got, tt.want)
		}
	}
	if got := ErrUnvalidated.Error(); got != "Your account awaits a sysop's validation." {
		t.Errorf("ErrUnvalidated = %q; want the sentence callers see", got)
	}
}

func TestLevel(t *testing.T) {
	for _, tt := range []struct {
		name string
		user *store.User
		want int
	}{
		{"guest", nil, 0},
		{"account", &store.User{Level: 42}, 42},
		{"sysop", &store.User{Level: 10, Groups: []string{store.GroupSysop}}, 255},
		{"unvalidated", &store.User{Level: 42, Groups: []string{store.GroupUnvalidated}}, 0},
	} {
		if got := Level(tt.user); got != tt.want {
			t.Errorf("%s: Level = %d; want %d", tt.name, got, tt.want)
		}
	}
}
