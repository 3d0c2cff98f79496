package logcap

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestHandlerCuts(t *testing.T) {
	long := strings.Repeat("Z", 30000)
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		want string
		not  string
	}{
		{"string", func(l *slog.Logger) { l.Info("m", "path", long) }, `path="ZZZZZZZZZZ…(30000 bytes)"`, long[:11]},
		{"error", func(l *slog.Logger) { l.Info("m", "err", errors.New(long)) }, `err="ZZZZZZZZZZ…(30000 bytes)"`, long[:11]},
		{"group", func(l *slog.Logger) { l.Info("m", slog.Group("g", "v", long)) }, `g.v="ZZZZZZZZZZ…(30000 bytes)"`, long[:11]},
		{"with", func(l *slog.Logger) { l.With("term", long).Info("m") }, `term="ZZZZZZZZZZ…(30000 bytes)"`, long[:11]},
		{"bytes", func(l *slog.Logger) { l.Info("m", "raw", []byte(long)) }, `raw="ZZZZZZZZZZ…(30000 bytes)"`, long[:11]},
		{"short", func(l *slog.Logger) { l.Info("m", "handle", "erin", "n", 3) }, "handle=erin n=3", "bytes)"},
		{"message", func(l *slog.Logger) { l.Info(long) }, `msg="ZZZZZZZZZZ…(30000 bytes)"`, long[:11]},
		{"key", func(l *slog.Logger) { l.Info("m", long, 1) }, `"ZZZZZZZZZZ…(30000 bytes)"=1`, long[:11]},
		{"slice", func(l *slog.Logger) { l.Info("m", "list", []string{long}) }, `list="[ZZZZZZZZZ…(30002 bytes)"`, long[:11]},
		{"typed nil error", func(l *slog.Logger) { var e *nilErr; l.Info("m", "err", e) }, `err=<nil>`, "PANIC"},
		{"trusted", func(l *slog.Logger) { l.Info("m", "stack", Trusted(long)) }, long, "bytes)"},
		{"utf-8 boundary", func(l *slog.Logger) { l.Info("m", "s", strings.Repeat("é", 20)) }, `s="éééééé…(40 bytes)"`, "\xc3\""},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		tt.log(slog.New(New(slog.NewTextHandler(&b, nil), 26)))
		if !strings.Contains(b.String(), tt.want) || strings.Contains(b.String(), tt.not) {
			t.Errorf("%s: logged %q; want %q and not %q", tt.name, b.String(), tt.want, tt.not)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a string of twenty-nine bytes", 20, "a strin…(29 bytes)"},
		{"€€€€€€€€", 20, "€€…(24 bytes)"},
		{"anything", 0, "anything"},
		{strings.Repeat("Z", 30000), 8, "…(30000 bytes)"}, // the note alone
	}
	for _, tt := range tests {
		got := Cut(tt.s, tt.max)
		if got != tt.want {
			t.Errorf("Cut(%q, %d) = %q; want %q", tt.s, tt.max, got, tt.want)
		}
		if again := Cut(got, tt.max); again != got && len(got) <= tt.max {
			t.Errorf("Cut(Cut(%q, %d)) = %q; want it unchanged", tt.s, tt.max, again)
		}
	}
}

type nilErr struct{}

func (*nilErr) Error() string { panic("called on nil") }
