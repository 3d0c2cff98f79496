package board

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/lang"
)

func filePrinters(t *testing.T) (en, de *lang.Printer) {
	t.Helper()
	cat, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	return cat.Printer("en"), cat.Printer("de")
}

// TestSizeIn: sizes as files.SizeString writes them in English, with a
// decimal comma in German.
func TestSizeIn(t *testing.T) {
	en, de := filePrinters(t)
	for _, c := range []struct {
		n      int64
		en, de string
	}{
		{512, "512 B", "512 B"}, {5325, "5.2 KiB", "5,2 KiB"}, {3 << 20, "3.0 MiB", "3,0 MiB"}, {3 << 30, "3.0 GiB", "3,0 GiB"},
	} {
		if got := sizeIn(en, c.n); got != c.en || got != files.SizeString(c.n) {
			t.Errorf("%d in English: %q; want %q", c.n, got, c.en)
		}
		if got := sizeIn(de, c.n); got != c.de {
			t.Errorf("%d in German: %q; want %q", c.n, got, c.de)
		}
	}
}

// TestDurationIn: whole seconds, at least one, and whole minutes from
// two minutes on or for a whole number of them.
func TestDurationIn(t *testing.T) {
	en, de := filePrinters(t)
	for _, c := range []struct {
		d      time.Duration
		en, de string
	}{
		{200 * time.Millisecond, "1 second", "1 Sekunde"}, {3200 * time.Millisecond, "3 seconds", "3 Sekunden"},
		{90 * time.Second, "90 seconds", "90 Sekunden"}, {time.Minute, "1 minute", "1 Minute"},
		{10 * time.Minute, "10 minutes", "10 Minuten"}, {150 * time.Second, "3 minutes", "3 Minuten"},
	} {
		if got := durationIn(en, c.d); got != c.en {
			t.Errorf("%v in English: %q; want %q", c.d, got, c.en)
		}
		if got := durationIn(de, c.d); got != c.de {
			t.Errorf("%v in German: %q; want %q", c.d, got, c.de)
		}
	}
}

// TestFileReasonIn: the refusals of the files service and the file area
// in English as files.Message says them, in German whole; sizes the
// German way; the system's errors are not for callers.
func TestFileReasonIn(t *testing.T) {
	en, de := filePrinters(t)
	errs := append([]error{files.ErrRatio, files.ErrNotFound, files.ErrLink, access.ErrUnvalidated}, filearea.Refusals()...)
	for _, err := range errs {
		msg, _ := files.Message(err)
		got, ok := fileReasonIn(en, err)
		if !ok || got != msg && !strings.Contains(msg, "at most 1 files") {
			t.Errorf("%v in English: %q, %v; want %q", err, got, ok, msg)
		}
		got, ok = fileReasonIn(de, err)
		if !ok || got == msg || strings.ContainsAny(got, "{}") || strings.Contains(got, "files.error.") {
			t.Errorf("%v in German: %q, %v", err, got, ok)
		}
	}
	if _, ok := fileReasonIn(en, errors.New("store: disk full")); ok {
		t.Error("a store error is said to the caller")
	}
	// A refusal no catalog has is said as it is.
	if got, ok := fileReasonIn(de, errors.New("transfer aborted")); !ok || got != "transfer aborted" {
		t.Errorf("an error in words of its own: %q, %v", got, ok)
	}
}
