package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/store/sqlite"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBoardTheme: [board] theme picks the board's theme, and a sysop's
// DATA/themes/NAME.toml is where it is looked for.
func TestBoardTheme(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ThemeDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ThemeDir, "night.toml"), []byte("[colors]\ntext = \"|02\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, DatabaseFile), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tt := range []struct {
		theme string
		text  string // the theme's text colour, or
		err   string // the start's error
	}{
		{"", "\x1b[0;37m", ""}, // the default configuration
		{"plain", "\x1b[0;97m", ""},
		{"night", "\x1b[0;32m", ""},
		{"dawn", "", filepath.Join(dir, ThemeDir, "dawn.toml")},
	} {
		cfg := config.Default()
		if tt.theme != "" {
			cfg.Board.Theme = tt.theme
		}
		p, err := NewParts(t.Context(), dir, cfg, st, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		b, err := board.New(p.Board)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("theme %q: board.New = %v; want an error naming %s", tt.theme, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("theme %q: board.New: %v", tt.theme, err)
		case tt.err == "" && b.Theme().Text != tt.text:
			t.Errorf("theme %q: text is %q; want %q", tt.theme, b.Theme().Text, tt.text)
		}
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	}
}
