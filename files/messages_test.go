package files

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/lang"
)

// say fills message id from pairs as the board does: a pair named n is
// the count choosing the plural form.
func say(p *lang.Printer, id string, pairs []string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "n" {
			if n, err := strconv.Atoi(pairs[i+1]); err == nil {
				return p.N(id, n, slices.Delete(slices.Clone(pairs), i, i+2)...)
			}
		}
	}
	return p.T(id, pairs...)
}

// TestMessageIDs: every error the service and the file area give a
// caller has a message id whose English is Message's text, and whose
// German fills every placeholder; every message of files.error is one
// of them (but files.error.failed, the board's own).
func TestMessageIDs(t *testing.T) {
	cat, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	en, de := cat.Printer("en"), cat.Printer("de")
	errs := []error{ErrAnonymous, ErrTooMany, ErrBatch, ErrRatio, ErrSysop, ErrNoUpload, ErrNotFound, ErrNoArea,
		ErrTooManyRefused, ErrLink, errNotText, errTwice, ratioLeft(12345), notFound("a.zip"), access.ErrUnvalidated}
	// Errors whose English message is not their text, on purpose: one
	// wrapped with words of the system's (the refusal is said alone),
	// and a limit of one file ("1 file", where the file area's text
	// says "1 files").
	differ := []error{fmt.Errorf("files: wrapped: %w", ErrNoArea)}
	for _, err := range filearea.Refusals() {
		if strings.Contains(err.Error(), "at most 1 files") {
			differ = append(differ, err)
		} else {
			errs = append(errs, err)
		}
	}
	used := map[string]bool{}
	for _, err := range append(errs, differ...) {
		id, pairs, ok := MessageID(err)
		msg, meant := Message(err)
		if !ok || !meant {
			t.Errorf("%v: MessageID ok %v, Message ok %v; want both", err, ok, meant)
			continue
		}
		used[id] = true
		if !cat.Has(id) {
			t.Errorf("%v: message %q is not in the English catalog", err, id)
			continue
		}
		if got := say(en, id, pairs); got != msg && !slices.Contains(differ, err) {
			t.Errorf("%v: English %q (%s); want %q", err, got, id, msg)
		}
		if got := say(de, id, pairs); strings.ContainsAny(got, "{}") || got == id || !de.Own(id) {
			t.Errorf("%v: German %q (%s)", err, got, id)
		}
	}

	// A refusal in the board's words: the hook's error is read.
	if id, _, ok := MessageID(fmt.Errorf("filearea: permission denied: %w", access.ErrUnvalidated)); !ok || id != "files.error.unvalidated" {
		t.Errorf("a wrapped ErrUnvalidated: %q, %v", id, ok)
	}
	// The system's errors have none.
	if id, _, ok := MessageID(errors.New("store: disk full")); ok {
		t.Errorf("a store error has message %q", id)
	}
	// Sizes are written the caller's way.
	if _, pairs, _ := MessageIDSized(ratioLeft(1536), func(n int64) string { return fmt.Sprint(n, " bytes") }); !slices.Equal(pairs, []string{"left", "1536 bytes"}) {
		t.Errorf("ratio left, sized: %q", pairs)
	}
	if _, pairs, _ := MessageID(ratioLeft(1536)); !slices.Equal(pairs, []string{"left", "1.5 KiB"}) {
		t.Errorf("ratio left: %q", pairs)
	}

	data, err := fs.ReadFile(lang.Builtin(), "en/files.toml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Files struct {
			Error map[string]any `toml:"error"`
		} `toml:"files"`
	}
	if err := toml.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	for key := range file.Files.Error {
		if id := "files.error." + key; !used[id] && key != "failed" {
			t.Errorf("%s is no error's message", id)
		}
	}
}

// TestSizeParts: SizeString is SizeParts' number and unit.
func TestSizeParts(t *testing.T) {
	for _, c := range []struct {
		n            int64
		number, unit string
	}{
		{0, "0", "B"}, {1023, "1023", "B"}, {1024, "1.0", "KiB"}, {5325, "5.2", "KiB"},
		{3 << 20, "3.0", "MiB"}, {5 << 30, "5.0", "GiB"},
	} {
		number, unit := SizeParts(c.n)
		if number != c.number || unit != c.unit || SizeString(c.n) != c.number+" "+c.unit {
			t.Errorf("%d: %q %q, %q", c.n, number, unit, SizeString(c.n))
		}
	}
}
