package script

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/term"
)

// A Go panic in an API function is contained: the script cannot catch
// it, and the run returns it as a *panicError, for the caller to be told
// and the log to get its stack.
func TestPanicIsContained(t *testing.T) {
	vm := goja.New()
	r := &run{vm: vm, dog: startWatchdog(t.Context(), vm, Limits{Time: time.Second, MemoryMiB: 64})}
	defer r.dog.stop()
	vm.Set("boom", func(goja.FunctionCall) goja.Value {
		panic("a bug in the board")
	})
	prg, err := compile("panic", `var caught = false; try { boom(); } catch (e) { caught = true; }`)
	if err != nil {
		t.Fatal(err)
	}
	err = r.contain(func() error { return r.exec(prg) })
	var pe *panicError
	if !errors.As(err, &pe) || !strings.Contains(pe.Error(), "a bug in the board") || !strings.Contains(string(pe.stack), "TestPanicIsContained") {
		t.Fatalf("exec = %v; want the panic with its stack", err)
	}
	if v := vm.Get("caught"); v != nil && v.ToBoolean() {
		t.Error("the script caught a Go panic")
	}
}

// Keys as typed are in TestKeys (screen_test.go); these are the names
// with modifiers, and the keys a script never sees.
func TestKeyNames(t *testing.T) {
	tests := []struct {
		k    term.Key
		want string
	}{
		{term.Key{Code: term.KeyRune, Rune: 'q'}, "q"},
		{term.Key{Code: term.KeyRune, Rune: 'Q', Mod: term.ModShift}, "Q"},
		{term.Key{Code: term.KeyRune, Rune: 'x', Mod: term.ModAlt}, "alt-x"},
		{term.Key{Code: term.KeyRune, Rune: 'c', Mod: term.ModCtrl}, "ctrl-c"},
		{term.Key{Code: term.KeyUp, Mod: term.ModCtrl}, "ctrl-up"},
		{term.Key{Code: term.KeyTab, Mod: term.ModShift}, "shift-tab"},
		{term.Key{Code: term.KeyF5, Mod: term.ModShift | term.ModCtrl}, "ctrl-shift-f5"},
		{term.Key{Code: term.KeyInsert}, "insert"},
		{term.Key{Code: term.KeyRune, Rune: '\u200b'}, ""},
		{term.Key{Code: term.KeyUnknown}, ""},
		{term.Key{Code: term.KeyBegin}, ""},
	}
	for _, tt := range tests {
		if got := keyName(tt.k); got != tt.want {
			t.Errorf("keyName(%v) = %q; want %q", tt.k, got, tt.want)
		}
	}
}

func TestCapText(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer text", 10, "a longe…"},
		{"ééééééé", 8, "éé…"},
	}
	for _, tt := range tests {
		if got := capText(tt.in, tt.n); got != tt.want || len(got) > tt.n {
			t.Errorf("capText(%q, %d) = %q; want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
