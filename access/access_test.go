package access

import (
	"errors"
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
