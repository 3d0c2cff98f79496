package storetest

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// scriptLimit is the key limit RunLimited opens its stores with: low, so
// that reaching it takes a few writes.
const scriptLimit = 5

// scriptData returns s's ScriptData or ends the test.
func scriptData(t *testing.T, s *store.Store) store.ScriptData {
	t.Helper()
	if s.ScriptData == nil {
		t.Fatal("Store.ScriptData is nil; want the engine's")
	}
	return s.ScriptData
}

// setScript saves value under key of script or ends the test.
func setScript(t *testing.T, s *store.Store, script, key, value string) {
	t.Helper()
	if err := scriptData(t, s).SetScriptValue(t.Context(), script, key, value); err != nil {
		t.Fatalf("SetScriptValue(%q, %q, %d bytes) = %v; want nil", script, key, len(value), err)
	}
}

// listScript lists script's keys with prefix after after, or ends the
// test.
func listScript(t *testing.T, s *store.Store, script, prefix, after string, limit int) []store.ScriptValue {
	t.Helper()
	vs, err := scriptData(t, s).ListScriptValues(t.Context(), script, prefix, after, limit)
	if err != nil {
		t.Fatalf("ListScriptValues(%q, %q, %q, %d) = %v; want nil", script, prefix, after, limit, err)
	}
	return vs
}

// scriptKeys is the keys of vs, in order.
func scriptKeys(vs []store.ScriptValue) []string {
	keys := make([]string, len(vs))
	for i, v := range vs {
		keys[i] = v.Key
	}
	return keys
}

// scriptValue returns key's entry in the list of script, or ends the
// test.
func scriptValue(t *testing.T, s *store.Store, script, key string) store.ScriptValue {
	t.Helper()
	vs := listScript(t, s, script, key, "", 1)
	if len(vs) != 1 || vs[0].Key != key {
		t.Fatalf("ListScriptValues(%q, %q, \"\", 1) = %q; want key %q", script, key, scriptKeys(vs), key)
	}
	return vs[0]
}

// tickAfter waits until the clock, to the millisecond, is past t, so
// that a time stored next is later than t.
func tickAfter(t time.Time) {
	for !time.Now().Truncate(time.Millisecond).After(t) {
		runtime.Gosched()
	}
}

func testScriptGetSet(t *testing.T, s *store.Store) {
	ctx := t.Context()
	d := scriptData(t, s)
	if v, err := d.GetScriptValue(ctx, "hiscores", "top"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`GetScriptValue("hiscores", "top") on an empty store = %q, %v; want ErrNotFound`, v, err)
	}
	// Values come back byte for byte: any UTF-8 text without NUL, up to
	// the bound.
	tests := []struct{ name, key, value string }{
		{"plain", "top", "1. ann 9000"},
		{"empty", "blank", ""},
		{"lines", "art", "line one\r\nline two\n\ttabbed \x1b[1;31mred\x1b[0m\n"},
		{"emoji", "🎮", "🏆 ann — 9000 points 👾 (ZWJ: 👩‍💻, flag: 🇫🇷)"},
		{"scripts", "name:日本", "日本語 • Ελληνικά • עברית • e\u0301 é"},
		{"control", "ctl", "\x01\x7f\u0085\u2028\ufeff"},
		{"json", `{"k":1}`, `{"top":[{"h":"ann","s":9000}],"q":"100% _done_"}`},
		{"value at bound", "big", strings.Repeat("v", store.MaxScriptValue-len("€")) + "€"},
		{"key at bound", strings.Repeat("k", store.MaxScriptKey-len("€")) + "€", "v"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now()
			setScript(t, s, "hiscores", tt.key, tt.value)
			after := time.Now()
			if got, err := d.GetScriptValue(ctx, "hiscores", tt.key); err != nil || got != tt.value {
				t.Errorf("GetScriptValue(%q) = %q, %v; want %q, nil", tt.key, got, err, tt.value)
			}
			got := scriptValue(t, s, "hiscores", tt.key)
			if got.Value != tt.value || !addedWithin(got.Updated, before, after) {
				t.Errorf("ListScriptValues(%q) = %q, Updated %v; want %q, Updated %v to %v, in UTC, to the millisecond",
					tt.key, got.Value, got.Updated, tt.value, before, after)
			}
		})
	}

	// SetScriptValue on a key replaces its value and moves Updated.
	first := scriptValue(t, s, "hiscores", "top")
	tickAfter(first.Updated)
	before := time.Now()
	setScript(t, s, "hiscores", "top", "1. ben 9001")
	after := time.Now()
	if got, err := d.GetScriptValue(ctx, "hiscores", "top"); err != nil || got != "1. ben 9001" {
		t.Errorf(`GetScriptValue("top") after replacing it = %q, %v; want "1. ben 9001", nil`, got, err)
	}
	again := scriptValue(t, s, "hiscores", "top")
	if !again.Updated.After(first.Updated) || !addedWithin(again.Updated, before, after) {
		t.Errorf(`Updated of "top" after replacing it = %v; want after %v, within %v to %v`,
			again.Updated, first.Updated, before, after)
	}
	if n := len(listScript(t, s, "hiscores", "", "", 100)); n != len(tests) {
		t.Errorf("ListScriptValues(hiscores) after replacing a key = %d keys; want %d", n, len(tests))
	}
}

func testScriptDelete(t *testing.T, s *store.Store) {
	ctx := t.Context()
	d := scriptData(t, s)
	setScript(t, s, "bbslist", "a", "1")
	setScript(t, s, "bbslist", "b", "2")
	setScript(t, s, "oneliner", "a", "kept")
	if err := d.DeleteScriptValue(ctx, "bbslist", "a"); err != nil {
		t.Fatalf(`DeleteScriptValue("bbslist", "a") = %v; want nil`, err)
	}
	if v, err := d.GetScriptValue(ctx, "bbslist", "a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`GetScriptValue("bbslist", "a") after deleting it = %q, %v; want ErrNotFound`, v, err)
	}
	if got := scriptKeys(listScript(t, s, "bbslist", "", "", 10)); !slices.Equal(got, []string{"b"}) {
		t.Errorf(`ListScriptValues("bbslist") after deleting "a" = %q; want ["b"]`, got)
	}
	// Deleting what is not there is no error.
	for _, k := range [][2]string{{"bbslist", "a"}, {"bbslist", "never"}, {"nosuchscript", "a"}} {
		if err := d.DeleteScriptValue(ctx, k[0], k[1]); err != nil {
			t.Errorf("DeleteScriptValue(%q, %q) of a missing key = %v; want nil", k[0], k[1], err)
		}
	}
	if v, err := d.GetScriptValue(ctx, "oneliner", "a"); err != nil || v != "kept" {
		t.Errorf(`GetScriptValue("oneliner", "a") after deleting bbslist's "a" = %q, %v; want "kept", nil`, v, err)
	}
	// A deleted key may be set again.
	setScript(t, s, "bbslist", "a", "back")
	if v, err := d.GetScriptValue(ctx, "bbslist", "a"); err != nil || v != "back" {
		t.Errorf(`GetScriptValue("bbslist", "a") set after deleting = %q, %v; want "back", nil`, v, err)
	}
}

// testScriptIsolation: each script has keys of its own, even when one's
// name starts another's or differs only in case.
func testScriptIsolation(t *testing.T, s *store.Store) {
	ctx := t.Context()
	d := scriptData(t, s)
	scripts := []string{"game", "games", "Game", "gam"}
	for _, sc := range scripts {
		setScript(t, s, sc, "k", "of "+sc)
		setScript(t, s, sc, "only "+sc, sc)
	}
	for _, sc := range scripts {
		if v, err := d.GetScriptValue(ctx, sc, "k"); err != nil || v != "of "+sc {
			t.Errorf("GetScriptValue(%q, \"k\") = %q, %v; want %q, nil", sc, v, err, "of "+sc)
		}
		want := []string{"k", "only " + sc}
		if got := scriptKeys(listScript(t, s, sc, "", "", 10)); !slices.Equal(got, want) {
			t.Errorf("ListScriptValues(%q) = %q; want %q", sc, got, want)
		}
	}
	if v, err := d.GetScriptValue(ctx, "game", "only games"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`GetScriptValue("game", "only games") = %q, %v; want ErrNotFound`, v, err)
	}
	if got := listScript(t, s, "gamesx", "", "", 10); len(got) != 0 {
		t.Errorf(`ListScriptValues("gamesx") = %q; want none`, scriptKeys(got))
	}
}

// testScriptList: keys sort byte by byte, and a prefix is a prefix:
// '%', '_' and '\' match themselves only.
func testScriptList(t *testing.T, s *store.Store) {
	keys := []string{
		"1000", "100x", "100%", "100%_x", "100_", "100\\%",
		"A", "a", "a%b", "aXb", "a_b", "a\\_b", "ab", "é", "🎮", "\U0010FFFF", "\U0010FFFFz",
	}
	for _, k := range keys {
		setScript(t, s, "list", k, "v "+k)
	}
	setScript(t, s, "lis", "100%", "another script")
	sorted := slices.Clone(keys)
	slices.Sort(sorted) // Go compares strings byte by byte
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", sorted},
		{"100%", []string{"100%", "100%_x"}},
		{"100_", []string{"100_"}},
		{"100\\", []string{"100\\%"}},
		{"a_", []string{"a_b"}},
		{"a%", []string{"a%b"}},
		{"a\\", []string{"a\\_b"}},
		{"a", []string{"a", "a%b", "aXb", "a\\_b", "a_b", "ab"}},
		{"A", []string{"A"}},
		{"%", nil},
		{"_", nil},
		{"é", []string{"é"}},
		{"🎮", []string{"🎮"}},
		{"\U0010FFFF", []string{"\U0010FFFF", "\U0010FFFFz"}},
		{"1000x", nil},
		{"zzz", nil},
	}
	for _, tt := range tests {
		vs := listScript(t, s, "list", tt.prefix, "", 100)
		if got := scriptKeys(vs); !slices.Equal(got, tt.want) {
			t.Errorf("ListScriptValues(\"list\", %q) = %q; want %q", tt.prefix, got, tt.want)
		}
		for _, v := range vs {
			if v.Value != "v "+v.Key {
				t.Errorf("ListScriptValues(\"list\", %q): %q = %q; want %q", tt.prefix, v.Key, v.Value, "v "+v.Key)
			}
		}
	}
	// A limit below 1 is an empty list, as everywhere in package store.
	for _, limit := range []int{0, -1} {
		if got := listScript(t, s, "list", "", "", limit); len(got) != 0 {
			t.Errorf("ListScriptValues(\"list\", limit %d) = %q; want none", limit, scriptKeys(got))
		}
	}
}

// testScriptPaging pages through a prefix with after.
func testScriptPaging(t *testing.T, s *store.Store) {
	var want []string
	for i := range 10 {
		k := fmt.Sprintf("k%02d", i)
		want = append(want, k)
		setScript(t, s, "pages", k, k)
	}
	for _, k := range []string{"j99", "k", "l00", "k%"} {
		setScript(t, s, "pages", k, k)
	}
	want = append([]string{"k", "k%"}, want...)

	var got []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > len(want) {
			t.Fatalf("paging through %q by 3 never ends: %q so far", "k", got)
		}
		vs := listScript(t, s, "pages", "k", after, 3)
		if len(vs) > 3 {
			t.Errorf("ListScriptValues(\"pages\", \"k\", %q, 3) = %d keys; want at most 3", after, len(vs))
		}
		if len(vs) == 0 {
			break
		}
		got = append(got, scriptKeys(vs)...)
		after = vs[len(vs)-1].Key
	}
	if !slices.Equal(got, want) {
		t.Errorf("paging through %q by 3 = %q; want %q", "k", got, want)
	}

	tests := []struct {
		prefix, after string
		want          []string
	}{
		{"k", "", []string{"k", "k%"}},                  // the first page of a prefix
		{"k", "k", []string{"k%", "k00"}},               // after the prefix itself
		{"k", "k045", []string{"k05", "k06"}},           // after need not be a key
		{"k", "a", []string{"k", "k%"}},                 // after below the prefix
		{"k", "l", nil},                                 // after above the prefix
		{"k", "k09", nil},                               // after the last key
		{"k", "k\U0010FFFF", nil},                       // after every key of the prefix
		{"k0", "k00\U0010FFFF", []string{"k01", "k02"}}, // just past a key
		{"k%", "", []string{"k%"}},                      // '%' is itself
		{"", "", []string{"j99", "k"}},                  // no prefix
		{"", "k08", []string{"k09", "l00"}},             // across a prefix's end
		{"", "\U0010FFFF", nil},                         // after every key
	}
	for _, tt := range tests {
		got := scriptKeys(listScript(t, s, "pages", tt.prefix, tt.after, 2))
		if !slices.Equal(got, tt.want) {
			t.Errorf("ListScriptValues(\"pages\", %q, %q, 2) = %q; want %q", tt.prefix, tt.after, got, tt.want)
		}
	}
}

// testScriptListMax: a list is at most 1000 keys, whatever the limit.
// The keys are set by writers at once, as sessions of one script on
// several nodes would: each of them must get in.
func testScriptListMax(t *testing.T, s *store.Store) {
	const keys, workers = 1001, 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < keys; i += workers {
				k := fmt.Sprintf("%04d", i)
				if err := s.ScriptData.SetScriptValue(t.Context(), "many", k, k); err != nil {
					t.Errorf("SetScriptValue(\"many\", %q) = %v; want nil", k, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for _, limit := range []int{1000, 1001, 1 << 30} {
		got := listScript(t, s, "many", "", "", limit)
		if len(got) != 1000 || got[0].Key != "0000" || got[999].Key != "0999" {
			t.Errorf("ListScriptValues(\"many\", limit %d) = %d keys; want 1000, 0000 to 0999", limit, len(got))
		}
	}
	if got := listScript(t, s, "many", "", "0999", 1000); len(got) != 1 || got[0].Key != "1000" {
		t.Errorf("ListScriptValues(\"many\", after 0999) = %q; want [1000]", scriptKeys(got))
	}
}

// testScriptBounds: what the store does not keep is refused with an
// error that says what is wrong, and nothing is stored.
func testScriptBounds(t *testing.T, s *store.Store) {
	ctx := t.Context()
	d := scriptData(t, s)
	long := func(n int) string { return strings.Repeat("x", n) }
	// What each error must name, and what it must not (the other parts).
	const name, key, value = "script name", "key", "value"
	type call struct {
		script, key, value string
		says               string
	}
	tests := []call{
		{"", "k", "v", name},
		{long(store.MaxScriptName + 1), "k", "v", name},
		{long(store.MaxScriptName-1) + "é", "k", "v", name}, // 65 bytes, 64 runes
		{"bad\xff", "k", "v", name},
		{"nul\x00", "k", "v", name},
		{"game", "", "v", key},
		{"game", long(store.MaxScriptKey + 1), "v", key},
		{"game", "\xc3(", "v", key},
		{"game", "a\x00b", "v", key},
		{"game", "k", long(store.MaxScriptValue + 1), value},
		{"game", "k", long(store.MaxScriptValue-1) + "é", value},
		{"game", "k", "half \xe2\x82", value},
		{"game", "k", "nul \x00", value},
	}
	check := func(op string, tt call, err error, says string) {
		t.Helper()
		show := func(s string) string {
			if len(s) > 20 {
				return fmt.Sprintf("%d bytes", len(s))
			}
			return fmt.Sprintf("%q", s)
		}
		if !refused(err) || errors.Is(err, store.ErrLimit) {
			t.Errorf("%s(%s, %s, %s) = %v; want an error saying the %s is wrong", op, show(tt.script), show(tt.key), show(tt.value), err, says)
			return
		}
		msg := err.Error()
		for _, other := range []string{name, key, value} {
			if mentions := strings.Contains(msg, other); mentions != (other == says) {
				t.Errorf("%s(%s, %s, %s) = %q; want it to name the %s and nothing else", op, show(tt.script), show(tt.key), show(tt.value), msg, says)
				break
			}
		}
	}
	for _, tt := range tests {
		check("SetScriptValue", tt, d.SetScriptValue(ctx, tt.script, tt.key, tt.value), tt.says)
		if tt.says == value {
			continue
		}
		_, err := d.GetScriptValue(ctx, tt.script, tt.key)
		check("GetScriptValue", tt, err, tt.says)
		check("DeleteScriptValue", tt, d.DeleteScriptValue(ctx, tt.script, tt.key), tt.says)
		if tt.says == name {
			_, err := d.ListScriptValues(ctx, tt.script, "", "", 10)
			check("ListScriptValues", tt, err, tt.says)
		}
	}
	if got := listScript(t, s, "game", "", "", 10); len(got) != 0 {
		t.Errorf(`ListScriptValues("game") after refused sets = %q; want none`, scriptKeys(got))
	}
	// A prefix or after that no key could be is refused too.
	for _, b := range [][2]string{
		{"\xff", ""}, {"", "\xff"}, {long(store.MaxScriptKey + 1), ""}, {"", long(store.MaxScriptKey + 1)},
	} {
		if vs, err := d.ListScriptValues(ctx, "game", b[0], b[1], 10); !refused(err) {
			t.Errorf("ListScriptValues(\"game\", %d bytes, %d bytes) = %d keys, %v; want an error", len(b[0]), len(b[1]), len(vs), err)
		}
	}
}

// testScriptLimit: a script holds at most the limit's keys; at it, a
// key it holds may be replaced, and a key deleted makes room.
func testScriptLimit(t *testing.T, s *store.Store) {
	ctx := t.Context()
	d := scriptData(t, s)
	for i := range scriptLimit {
		setScript(t, s, "full", fmt.Sprintf("k%d", i), "v")
	}
	if err := d.SetScriptValue(ctx, "full", "one more", "v"); !errors.Is(err, store.ErrLimit) {
		t.Errorf("SetScriptValue of key %d of %d = %v; want ErrLimit", scriptLimit+1, scriptLimit, err)
	}
	if v, err := d.GetScriptValue(ctx, "full", "one more"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`GetScriptValue("one more") refused at the limit = %q, %v; want ErrNotFound`, v, err)
	}
	// Replacing is no new key.
	setScript(t, s, "full", "k0", "replaced at the limit")
	if v, err := d.GetScriptValue(ctx, "full", "k0"); err != nil || v != "replaced at the limit" {
		t.Errorf(`GetScriptValue("k0") replaced at the limit = %q, %v; want the new value`, v, err)
	}
	// The limit is per script.
	setScript(t, s, "other", "k0", "v")
	if err := d.DeleteScriptValue(ctx, "full", "k1"); err != nil {
		t.Fatalf(`DeleteScriptValue("full", "k1") = %v; want nil`, err)
	}
	setScript(t, s, "full", "one more", "v")
	if err := d.SetScriptValue(ctx, "full", "k1", "v"); !errors.Is(err, store.ErrLimit) {
		t.Errorf("SetScriptValue of a new key at the limit again = %v; want ErrLimit", err)
	}
	want := []string{"k0", "k2", "k3", "k4", "one more"}
	if got := scriptKeys(listScript(t, s, "full", "", "", 100)); !slices.Equal(got, want) {
		t.Errorf(`ListScriptValues("full") = %q; want %q`, got, want)
	}
}

// testScriptLimitConcurrent: new keys racing for the last places of a
// script take exactly those places, while replacements all succeed. The
// race is run several times over, since a round may pass by luck.
func testScriptLimitConcurrent(t *testing.T, s *store.Store) {
	const (
		held    = 2
		workers = 20
		rounds  = 10
	)
	d := scriptData(t, s)
	for round := range rounds {
		script := fmt.Sprintf("race%d", round)
		for i := range held {
			setScript(t, s, script, fmt.Sprintf("held%d", i), "old")
		}
		errs := make([]error, workers)
		keys := make([]string, workers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for g := range workers {
			keys[g] = fmt.Sprintf("new%02d", g)
			if g%5 == 0 { // some replace a key the script holds
				keys[g] = fmt.Sprintf("held%d", g%held)
			}
			wg.Go(func() {
				<-start
				errs[g] = d.SetScriptValue(t.Context(), script, keys[g], fmt.Sprintf("by %d", g))
			})
		}
		close(start)
		wg.Wait()
		in := []string{"held0", "held1"}
		for g, err := range errs {
			switch {
			case strings.HasPrefix(keys[g], "held") && err != nil:
				t.Errorf("round %d: SetScriptValue(%q) replacing at the limit = %v; want nil", round, keys[g], err)
			case err == nil && !strings.HasPrefix(keys[g], "held"):
				in = append(in, keys[g])
			case err != nil && !errors.Is(err, store.ErrLimit):
				t.Errorf("round %d: SetScriptValue(%q) = %v; want nil or ErrLimit", round, keys[g], err)
			}
		}
		if len(in) != scriptLimit {
			t.Errorf("round %d: %d sets at once under a limit of %d keys: %d keys got in; want %d",
				round, workers, scriptLimit, len(in), scriptLimit)
		}
		slices.Sort(in)
		if got := scriptKeys(listScript(t, s, script, "", "", 100)); !slices.Equal(got, in) {
			t.Errorf("round %d: ListScriptValues(%q) = %q; want the %q that got in", round, script, got, in)
		}
		for i := range held {
			if v, err := d.GetScriptValue(t.Context(), script, fmt.Sprintf("held%d", i)); err != nil || v == "old" {
				t.Errorf("round %d: GetScriptValue(held%d) = %q, %v; want a racer's value", round, i, v, err)
			}
		}
		if t.Failed() {
			return
		}
	}
}
