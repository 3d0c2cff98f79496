package postgres

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/pgtest"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/sqlite"
)

// TestCopyScriptData: scripts' saved values move to PostgreSQL with the
// rest of the board, byte for byte and with their times; a database that
// holds only a script's value is not empty.
func TestCopyScriptData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "x84.db")
	src, err := sqlite.Open(ctx, path, sqlite.Config{})
	if err != nil {
		t.Fatalf("sqlite.Open = %v", err)
	}
	values := []struct{ script, key, value string }{
		{"hiscores", "top", "1. ann 9000"},
		{"hiscores", "🎮 100%_x", "🏆 ann — 9000 👾\r\n\ttab"},
		{"bbslist", "empty", ""},
		{"bbslist", "big", strings.Repeat("é", store.MaxScriptValue/2)},
	}
	for _, v := range values {
		if err := src.ScriptData.SetScriptValue(ctx, v.script, v.key, v.value); err != nil {
			t.Fatalf("SetScriptValue(%q, %q) on SQLite = %v", v.script, v.key, err)
		}
	}
	want := map[string][]store.ScriptValue{}
	for _, sc := range []string{"hiscores", "bbslist"} {
		if want[sc], err = src.ScriptData.ListScriptValues(ctx, sc, "", "", 100); err != nil {
			t.Fatalf("ListScriptValues(%q) on SQLite = %v", sc, err)
		}
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}

	url := pgtest.URL(t)
	counts, err := CopyFromSQLite(ctx, path, url, nil)
	if err != nil {
		t.Fatalf("CopyFromSQLite = %v; want nil", err)
	}
	if got := counts["script_data"]; got != int64(len(values)) {
		t.Errorf("CopyFromSQLite counts[script_data] = %d; want %d", got, len(values))
	}
	dst, err := Open(ctx, url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for sc, w := range want {
		got, err := dst.ScriptData.ListScriptValues(ctx, sc, "", "", 100)
		if err != nil || !slices.EqualFunc(got, w, func(a, b store.ScriptValue) bool {
			return a.Key == b.Key && a.Value == b.Value && a.Updated.Equal(b.Updated)
		}) {
			t.Errorf("ListScriptValues(%q) after the copy = %d values, %v; want the %d SQLite had", sc, len(got), err, len(w))
		}
	}

	// A new database whose only record is a script's value.
	other := pgtest.URL(t)
	o, err := Open(ctx, other, Config{})
	if err != nil {
		t.Fatal(err)
	}
	err = o.ScriptData.SetScriptValue(ctx, "hiscores", "top", "already here")
	o.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CopyFromSQLite(ctx, path, other, nil); !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "script_data") {
		t.Errorf("CopyFromSQLite into a database with a script's value = %v; want ErrNotEmpty naming script_data", err)
	}
}
