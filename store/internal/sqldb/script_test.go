package sqldb

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/x84bbs/x84/store"
)

func TestPrefixEnd(t *testing.T) {
	tests := []struct {
		prefix, end string
		ok          bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"score:", "score;", true},
		{"100%_", "100%`", true},
		{"a\x7f", "a\u0080", true},
		{"é", "ê", true},
		{"\ud7ff", "\ue000", true},
		{"x\U0010FFFF", "y", true},
		{"\U0010FFFF\U0010FFFF", "", false},
		{"🎮", "🎯", true},
	}
	for _, tt := range tests {
		end, ok := PrefixEnd(tt.prefix)
		if end != tt.end || ok != tt.ok {
			t.Errorf("PrefixEnd(%q) = %q, %v; want %q, %v", tt.prefix, end, ok, tt.end, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		// end is past every key with the prefix, and is not one of them.
		if !utf8.ValidString(end) || end <= tt.prefix || strings.HasPrefix(end, tt.prefix) {
			t.Errorf("PrefixEnd(%q) = %q: not UTF-8 past the prefix", tt.prefix, end)
		}
		for _, tail := range []string{"", "\x01", "z", "\U0010FFFF\U0010FFFF"} {
			if k := tt.prefix + tail; k >= end {
				t.Errorf("PrefixEnd(%q) = %q; want it above %q", tt.prefix, end, k)
			}
		}
	}
}

func TestCheckScript(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		clean bool
		says  string // in the error
	}{
		{"name", CheckScriptName("hiscores"), true, ""},
		{"empty name", CheckScriptName(""), false, "script name is empty"},
		{"long name", CheckScriptName(strings.Repeat("n", store.MaxScriptName+1)), false, "script name is 65 bytes"},
		{"name at bound", CheckScriptName(strings.Repeat("n", store.MaxScriptName)), true, ""},
		{"bad name", CheckScriptName("\xff"), false, "script name is not valid UTF-8"},
		{"empty key", CheckScriptKey(""), false, "key is empty"},
		{"long key", CheckScriptKey(strings.Repeat("k", store.MaxScriptKey+1)), false, "key is 201 bytes"},
		{"NUL key", CheckScriptKey("a\x00b"), false, "key holds a NUL byte"},
		{"empty value", CheckScriptValue(""), true, ""},
		{"long value", CheckScriptValue(strings.Repeat("v", store.MaxScriptValue+1)), false, "value is 65537 bytes"},
		{"empty prefix", CheckScriptBound("prefix", ""), true, ""},
		{"bad after", CheckScriptBound("after", "\xc3"), false, "after is not valid UTF-8"},
	}
	for _, tt := range tests {
		switch {
		case tt.clean && tt.err != nil:
			t.Errorf("%s: %v; want nil", tt.name, tt.err)
		case !tt.clean && (tt.err == nil || !strings.Contains(tt.err.Error(), tt.says)):
			t.Errorf("%s: %v; want an error saying %q", tt.name, tt.err, tt.says)
		}
	}
}
