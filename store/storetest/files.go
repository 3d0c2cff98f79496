package storetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// Beyond what store.Files says, the suite pins down for file areas:
//
//   - Paths are compared byte by byte ("pub/Demo.zip" is not
//     "pub/demo.zip"). A path with an empty, "." or ".." element (a
//     leading or trailing slash, "a//b", "./a", "a/../b", "." or "") is
//     refused by every method that stores it, with an error that is
//     neither ErrNotFound nor ErrExists, and changes nothing.
//   - FileRecords lists the files directly in a folder only; "" and "."
//     are both the root, and a folder without records is an empty map
//     and no error.
//   - Added is set once, when the record is made, to the time of the
//     call; replacing a description and counting downloads keep it, and
//     a description keeps the download count and the other way round.
//   - Tags, totals and tag limits are per account; tagging a path the
//     account has tagged already changes nothing, even at the limit.
//     Untagging and tagging again puts the path last. Tags, and totals,
//     of an unknown account are empty, with no error.
//   - Deleting an account removes its tags and totals, not the file
//     records it counted downloads on; a new account under the same
//     handle starts with none.

// badFilePaths are paths no file in the area can have.
var badFilePaths = []string{"", ".", "..", "/pub/a.zip", "pub/", "pub//a.zip", "./a.zip", "pub/./a.zip", "pub/../a.zip", "pub/.."}

// fileRecord returns the record for path or ends the test.
func fileRecord(t *testing.T, s *store.Store, path string) store.FileRecord {
	t.Helper()
	r, err := s.Files.FileRecord(t.Context(), path)
	if err != nil {
		t.Fatalf("FileRecord(%q) = %v; want nil", path, err)
	}
	return r
}

// fileRecords returns the records in dir or ends the test.
func fileRecords(t *testing.T, s *store.Store, dir string) map[string]store.FileRecord {
	t.Helper()
	recs, err := s.Files.FileRecords(t.Context(), dir)
	if err != nil {
		t.Fatalf("FileRecords(%q) = %v; want nil", dir, err)
	}
	return recs
}

// describe sets path's description or ends the test.
func describe(t *testing.T, s *store.Store, path, description string) {
	t.Helper()
	if err := s.Files.SetDescription(t.Context(), path, description); err != nil {
		t.Fatalf("SetDescription(%q) = %v; want nil", path, err)
	}
}

// countDownload counts a download or ends the test.
func countDownload(t *testing.T, s *store.Store, path string, userID, n int64) {
	t.Helper()
	if err := s.Files.CountDownload(t.Context(), path, userID, n); err != nil {
		t.Fatalf("CountDownload(%q, %d, %d) = %v; want nil", path, userID, n, err)
	}
}

// totals returns the account's totals or ends the test.
func totals(t *testing.T, s *store.Store, userID int64) store.TransferTotals {
	t.Helper()
	n, err := s.Files.Totals(t.Context(), userID)
	if err != nil {
		t.Fatalf("Totals(%d) = %v; want nil", userID, err)
	}
	return n
}

// tag tags path for the account or ends the test.
func tag(t *testing.T, s *store.Store, userID int64, path string) {
	t.Helper()
	if err := s.Files.Tag(t.Context(), userID, path, 100); err != nil {
		t.Fatalf("Tag(%d, %q) = %v; want nil", userID, path, err)
	}
}

// tags returns the account's tags or ends the test.
func tags(t *testing.T, s *store.Store, userID int64) []string {
	t.Helper()
	ps, err := s.Files.Tags(t.Context(), userID)
	if err != nil {
		t.Fatalf("Tags(%d) = %v; want nil", userID, err)
	}
	return ps
}

// checkTags reports the account's tags if they are not want, in order.
func checkTags(t *testing.T, s *store.Store, call string, userID int64, want ...string) {
	t.Helper()
	if got := tags(t, s, userID); !slices.Equal(got, want) {
		t.Errorf("Tags(%d) %s = %q; want %q", userID, call, got, want)
	}
}

// sameFileRecord reports whether got is want as stored, Added aside.
func sameFileRecord(got, want store.FileRecord) bool {
	return got.Path == want.Path && got.Description == want.Description && got.Downloads == want.Downloads
}

// addedWithin reports whether an Added set by a call made between from
// and to is right: UTC, to the millisecond, and within the call.
func addedWithin(added, from, to time.Time) bool {
	return added.Location() == time.UTC && added.Equal(added.Truncate(time.Millisecond)) &&
		!added.Before(from.Truncate(time.Millisecond)) && !added.After(to)
}

// paths lists the keys of recs, sorted.
func paths(recs map[string]store.FileRecord) []string {
	return slices.Sorted(maps.Keys(recs))
}

func testFileRecords(t *testing.T, s *store.Store) {
	ctx := t.Context()
	if got := fileRecords(t, s, ""); len(got) != 0 {
		t.Errorf(`FileRecords("") on empty store = %+v; want none`, got)
	}
	files := []string{
		"readme.txt",
		"Émile ✶.zip",
		"pub/demo.zip",
		"pub/Demo.zip",
		"pub/art/ACiD-9603.zip",
		"pub/art/deep/er.zip",
		"pubs/other.zip", // shares a prefix with pub, but is not in it
		"pub.zip",
	}
	for _, p := range files {
		describe(t, s, p, "about "+p)
	}
	tests := []struct {
		dir  string
		want []string // sorted
	}{
		{"", []string{"pub.zip", "readme.txt", "Émile ✶.zip"}},
		{".", []string{"pub.zip", "readme.txt", "Émile ✶.zip"}},
		{"pub", []string{"pub/Demo.zip", "pub/demo.zip"}},
		{"pub/art", []string{"pub/art/ACiD-9603.zip"}},
		{"pub/art/deep", []string{"pub/art/deep/er.zip"}},
		{"pubs", []string{"pubs/other.zip"}},
		// Folders are compared byte by byte, and may have no records.
		{"Pub", nil},
		{"pu", nil},
		{"pub/art/deep/er", nil},
		{"empty", nil},
	}
	for _, tt := range tests {
		recs := fileRecords(t, s, tt.dir)
		if got := paths(recs); !slices.Equal(got, tt.want) {
			t.Errorf("FileRecords(%q) = %q; want %q", tt.dir, got, tt.want)
		}
		for p, r := range recs {
			if want := (store.FileRecord{Path: p, Description: "about " + p}); !sameFileRecord(r, want) {
				t.Errorf("FileRecords(%q)[%q] = %+v; want %+v", tt.dir, p, r, want)
			}
		}
	}
	for _, dir := range []string{"/pub", "pub/", "pub//art", "./pub", "pub/.."} {
		if got, err := s.Files.FileRecords(ctx, dir); !refused(err) {
			t.Errorf("FileRecords(%q) = %+v, %v; want an error", dir, got, err)
		}
	}

	lookups := []struct {
		path  string
		found bool
	}{
		{"readme.txt", true},
		{"Émile ✶.zip", true},
		{"pub/demo.zip", true},
		{"pub/Demo.zip", true},
		{"pub/art/deep/er.zip", true},
		{"pub/DEMO.zip", false},
		{"Pub/demo.zip", false},
		{"pub/demo.zip ", false},
		{"/pub/demo.zip", false},
		{"pub", false},
		{"demo.zip", false},
		{"", false},
	}
	for _, tt := range lookups {
		got, err := s.Files.FileRecord(ctx, tt.path)
		switch {
		case tt.found && (err != nil || !sameFileRecord(got, store.FileRecord{Path: tt.path, Description: "about " + tt.path})):
			t.Errorf("FileRecord(%q) = %+v, %v; want its record", tt.path, got, err)
		case !tt.found && !errors.Is(err, store.ErrNotFound):
			t.Errorf("FileRecord(%q) = %+v, %v; want ErrNotFound", tt.path, got, err)
		}
	}
}

func testFileDescription(t *testing.T, s *store.Store) {
	ctx := t.Context()
	const p = "pub/demo.zip"
	before := time.Now()
	describe(t, s, p, "first")
	after := time.Now()
	first := fileRecord(t, s, p)
	if want := (store.FileRecord{Path: p, Description: "first"}); !sameFileRecord(first, want) {
		t.Errorf("FileRecord(%q) = %+v; want %+v", p, first, want)
	}
	if !addedWithin(first.Added, before, after) {
		t.Errorf("FileRecord(%q).Added = %v; want the time of SetDescription, %v to %v, in UTC, to the millisecond",
			p, first.Added, before, after)
	}
	// Downloads are kept when the description changes, and the other way
	// round.
	countDownload(t, s, p, 0, 10)
	countDownload(t, s, p, 0, 10)
	long := strings.Repeat("x", store.MaxFileDescription-len("é")) + "é"
	tests := []struct {
		description string
		ok          bool
	}{
		{"second\nwith a line break\r\nand ✶ UTF-8\ttabs", true},
		{"", true}, // empty: the record stays
		{long, true},
		{strings.Repeat("y", store.MaxFileDescription+1), false},
		{long + "z", false},
		{"last", true},
	}
	want := store.FileRecord{Path: p, Downloads: 2}
	for _, tt := range tests {
		err := s.Files.SetDescription(ctx, p, tt.description)
		switch {
		case tt.ok && err != nil:
			t.Errorf("SetDescription(%q, %d bytes) = %v; want nil", p, len(tt.description), err)
		case !tt.ok && !refused(err):
			t.Errorf("SetDescription(%q, %d bytes, over %d) = %v; want an error", p, len(tt.description), store.MaxFileDescription, err)
		}
		if tt.ok {
			want.Description = tt.description
		}
		got := fileRecord(t, s, p)
		if !sameFileRecord(got, want) || !got.Added.Equal(first.Added) {
			t.Errorf("FileRecord(%q) after SetDescription(%d bytes) = %+v; want %+v, Added %v",
				p, len(tt.description), got, want, first.Added)
		}
	}
	if _, err := s.Files.FileRecord(ctx, "pub/long.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf(`FileRecord("pub/long.zip") = %v; want ErrNotFound`, err)
	}
	if err := s.Files.SetDescription(ctx, "pub/long.zip", long+"z"); !refused(err) {
		t.Errorf("SetDescription of a new file, over %d bytes = %v; want an error", store.MaxFileDescription, err)
	}
	if got, err := s.Files.FileRecord(ctx, "pub/long.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FileRecord after a refused SetDescription = %+v, %v; want ErrNotFound", got, err)
	}
	for _, bad := range badFilePaths {
		if err := s.Files.SetDescription(ctx, bad, "bad"); !refused(err) {
			t.Errorf("SetDescription(%q) = %v; want an error", bad, err)
		}
	}
	if got := paths(fileRecords(t, s, "")); len(got) != 0 {
		t.Errorf(`FileRecords("") after SetDescription of bad paths = %q; want none`, got)
	}
}

func testMoveFileRecord(t *testing.T, s *store.Store) {
	ctx := t.Context()
	alice, bob := create(t, s, newUser("Alice")), create(t, s, newUser("Bob"))
	describe(t, s, "incoming/demo.zip", "a demo")
	countDownload(t, s, "incoming/demo.zip", 0, 1)
	added := fileRecord(t, s, "incoming/demo.zip").Added
	tag(t, s, alice.ID, "pub/x.zip")
	tag(t, s, alice.ID, "incoming/demo.zip")
	tag(t, s, alice.ID, "pub/y.zip")
	tag(t, s, bob.ID, "incoming/demo.zip")

	// A release: the record and every tag follow it.
	if err := s.Files.MoveFileRecord(ctx, "incoming/demo.zip", "pub/demo.zip"); err != nil {
		t.Fatalf("MoveFileRecord(incoming/demo.zip, pub/demo.zip) = %v; want nil", err)
	}
	got := fileRecord(t, s, "pub/demo.zip")
	if want := (store.FileRecord{Path: "pub/demo.zip", Description: "a demo", Downloads: 1}); !sameFileRecord(got, want) || !got.Added.Equal(added) {
		t.Errorf("FileRecord(pub/demo.zip) after the move = %+v; want %+v, Added %v", got, want, added)
	}
	if got, err := s.Files.FileRecord(ctx, "incoming/demo.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FileRecord(incoming/demo.zip) after the move = %+v, %v; want ErrNotFound", got, err)
	}
	if got := paths(fileRecords(t, s, "incoming")); len(got) != 0 {
		t.Errorf("FileRecords(incoming) after the move = %q; want none", got)
	}
	if got, want := paths(fileRecords(t, s, "pub")), []string{"pub/demo.zip"}; !slices.Equal(got, want) {
		t.Errorf("FileRecords(pub) after the move = %q; want %q", got, want)
	}
	// Tags keep their place in the order.
	checkTags(t, s, "after the move", alice.ID, "pub/x.zip", "pub/demo.zip", "pub/y.zip")
	checkTags(t, s, "after the move", bob.ID, "pub/demo.zip")

	// Onto a file with a record and tags: from's replace them. Alice had
	// tagged both, and keeps one tag, in from's place.
	describe(t, s, "pub/old/demo.zip", "the old demo")
	countDownload(t, s, "pub/old/demo.zip", 0, 1)
	countDownload(t, s, "pub/old/demo.zip", 0, 1)
	tag(t, s, alice.ID, "pub/old/demo.zip")
	carol := create(t, s, newUser("Carol"))
	tag(t, s, carol.ID, "pub/old/demo.zip")
	if err := s.Files.MoveFileRecord(ctx, "pub/demo.zip", "pub/old/demo.zip"); err != nil {
		t.Fatalf("MoveFileRecord(pub/demo.zip, pub/old/demo.zip) = %v; want nil", err)
	}
	got = fileRecord(t, s, "pub/old/demo.zip")
	if want := (store.FileRecord{Path: "pub/old/demo.zip", Description: "a demo", Downloads: 1}); !sameFileRecord(got, want) {
		t.Errorf("FileRecord(pub/old/demo.zip) after a move onto it = %+v; want %+v", got, want)
	}
	if got, want := paths(fileRecords(t, s, "pub/old")), []string{"pub/old/demo.zip"}; !slices.Equal(got, want) {
		t.Errorf("FileRecords(pub/old) = %q; want %q", got, want)
	}
	if got := paths(fileRecords(t, s, "pub")); len(got) != 0 {
		t.Errorf("FileRecords(pub) after moving its file away = %q; want none", got)
	}
	checkTags(t, s, "after a move onto a tagged file", alice.ID, "pub/x.zip", "pub/old/demo.zip", "pub/y.zip")
	checkTags(t, s, "after a move onto a tagged file", bob.ID, "pub/old/demo.zip")
	checkTags(t, s, "after a move onto the file she tagged", carol.ID)

	// Nothing at from: ErrNotFound, but the file moved all the same, so
	// its tags follow and the record at to is the replaced file's.
	describe(t, s, "pub/target.zip", "replaced")
	tag(t, s, bob.ID, "pub/nameless.zip")
	if err := s.Files.MoveFileRecord(ctx, "pub/nameless.zip", "pub/target.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MoveFileRecord from a path without a record = %v; want ErrNotFound", err)
	}
	if got, err := s.Files.FileRecord(ctx, "pub/target.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FileRecord(pub/target.zip) after a file without a record replaced it = %+v, %v; want ErrNotFound", got, err)
	}
	checkTags(t, s, "after moving a file without a record", bob.ID, "pub/old/demo.zip", "pub/target.zip")

	// Moving a path to itself changes nothing.
	if err := s.Files.MoveFileRecord(ctx, "pub/old/demo.zip", "pub/old/demo.zip"); err != nil {
		t.Errorf("MoveFileRecord to itself = %v; want nil", err)
	}
	if got := fileRecord(t, s, "pub/old/demo.zip"); got.Description != "a demo" {
		t.Errorf("FileRecord after a move to itself = %+v; want it kept", got)
	}
	checkTags(t, s, "after a move to itself", alice.ID, "pub/x.zip", "pub/old/demo.zip", "pub/y.zip")
	if err := s.Files.MoveFileRecord(ctx, "pub/none.zip", "pub/none.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MoveFileRecord of a path without a record to itself = %v; want ErrNotFound", err)
	}

	// Paths are compared byte by byte, and bad paths are refused.
	if err := s.Files.MoveFileRecord(ctx, "pub/OLD/demo.zip", "pub/z.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MoveFileRecord(pub/OLD/demo.zip) = %v; want ErrNotFound", err)
	}
	for _, bad := range badFilePaths {
		if err := s.Files.MoveFileRecord(ctx, "pub/old/demo.zip", bad); !refused(err) {
			t.Errorf("MoveFileRecord(pub/old/demo.zip, %q) = %v; want an error", bad, err)
		}
		if err := s.Files.MoveFileRecord(ctx, bad, "pub/old/demo.zip"); !refused(err) {
			t.Errorf("MoveFileRecord(%q, pub/old/demo.zip) = %v; want an error", bad, err)
		}
	}
	if got := fileRecord(t, s, "pub/old/demo.zip"); got.Description != "a demo" {
		t.Errorf("FileRecord after refused moves = %+v; want it kept", got)
	}
	checkTags(t, s, "after refused moves", alice.ID, "pub/x.zip", "pub/old/demo.zip", "pub/y.zip")
}

func testDeleteFileRecord(t *testing.T, s *store.Store) {
	ctx := t.Context()
	alice, bob := create(t, s, newUser("Alice")), create(t, s, newUser("Bob"))
	describe(t, s, "pub/a.zip", "a")
	describe(t, s, "pub/b.zip", "b")
	tag(t, s, alice.ID, "pub/a.zip")
	tag(t, s, alice.ID, "pub/b.zip")
	tag(t, s, bob.ID, "pub/a.zip")
	tag(t, s, bob.ID, "pub/untracked.zip")
	tests := []struct {
		path  string
		alice []string
		bob   []string
	}{
		{"pub/A.ZIP", []string{"pub/a.zip", "pub/b.zip"}, []string{"pub/a.zip", "pub/untracked.zip"}},
		{"pub/a.zip", []string{"pub/b.zip"}, []string{"pub/untracked.zip"}},
		{"pub/a.zip", []string{"pub/b.zip"}, []string{"pub/untracked.zip"}}, // again: not an error
		// A tagged file without a record: its tags go too.
		{"pub/untracked.zip", []string{"pub/b.zip"}, nil},
		{"", []string{"pub/b.zip"}, nil},
		{"pub/missing.zip", []string{"pub/b.zip"}, nil},
	}
	for _, tt := range tests {
		if err := s.Files.DeleteFileRecord(ctx, tt.path); err != nil {
			t.Errorf("DeleteFileRecord(%q) = %v; want nil", tt.path, err)
		}
		checkTags(t, s, fmt.Sprintf("after DeleteFileRecord(%q)", tt.path), alice.ID, tt.alice...)
		checkTags(t, s, fmt.Sprintf("after DeleteFileRecord(%q)", tt.path), bob.ID, tt.bob...)
	}
	if got, err := s.Files.FileRecord(ctx, "pub/a.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FileRecord(pub/a.zip) after DeleteFileRecord = %+v, %v; want ErrNotFound", got, err)
	}
	if got, want := paths(fileRecords(t, s, "pub")), []string{"pub/b.zip"}; !slices.Equal(got, want) {
		t.Errorf("FileRecords(pub) after DeleteFileRecord = %q; want %q", got, want)
	}
}

func testCountDownload(t *testing.T, s *store.Store) {
	ctx := t.Context()
	alice, bob := create(t, s, newUser("Alice")), create(t, s, newUser("Bob"))
	const p = "pub/demo.zip"
	before := time.Now()
	countDownload(t, s, p, alice.ID, 1000)
	after := time.Now()
	got := fileRecord(t, s, p)
	if want := (store.FileRecord{Path: p, Downloads: 1}); !sameFileRecord(got, want) {
		t.Errorf("FileRecord(%q) after its first download = %+v; want %+v", p, got, want)
	}
	if !addedWithin(got.Added, before, after) {
		t.Errorf("FileRecord(%q).Added = %v; want the time of CountDownload, %v to %v, in UTC, to the millisecond",
			p, got.Added, before, after)
	}
	added := got.Added

	steps := []struct {
		user  int64
		n     int64
		ok    bool
		want  int64 // downloads of p afterwards
		alice store.TransferTotals
		bob   store.TransferTotals
	}{
		{alice.ID, 24, true, 2, store.TransferTotals{DownFiles: 2, DownBytes: 1024}, store.TransferTotals{}},
		{bob.ID, tib, true, 3, store.TransferTotals{DownFiles: 2, DownBytes: 1024}, store.TransferTotals{DownFiles: 1, DownBytes: tib}},
		// A guest: only the file counts.
		{0, 5000, true, 4, store.TransferTotals{DownFiles: 2, DownBytes: 1024}, store.TransferTotals{DownFiles: 1, DownBytes: tib}},
		// An empty file.
		{bob.ID, 0, true, 5, store.TransferTotals{DownFiles: 2, DownBytes: 1024}, store.TransferTotals{DownFiles: 2, DownBytes: tib}},
		// Refused: nothing is counted, the file's download neither.
		{alice.ID, -1, false, 5, store.TransferTotals{DownFiles: 2, DownBytes: 1024}, store.TransferTotals{DownFiles: 2, DownBytes: tib}},
	}
	for i, st := range steps {
		err := s.Files.CountDownload(ctx, p, st.user, st.n)
		if st.ok && err != nil {
			t.Errorf("step %d: CountDownload(%q, %d, %d) = %v; want nil", i, p, st.user, st.n, err)
		}
		if !st.ok && !refused(err) {
			t.Errorf("step %d: CountDownload(%q, %d, %d) = %v; want an error", i, p, st.user, st.n, err)
		}
		if got := fileRecord(t, s, p); got.Downloads != st.want || !got.Added.Equal(added) {
			t.Errorf("step %d: FileRecord(%q) = %+v; want %d downloads, Added %v", i, p, got, st.want, added)
		}
		if got := totals(t, s, alice.ID); got != st.alice {
			t.Errorf("step %d: Totals(Alice) = %+v; want %+v", i, got, st.alice)
		}
		if got := totals(t, s, bob.ID); got != st.bob {
			t.Errorf("step %d: Totals(Bob) = %+v; want %+v", i, got, st.bob)
		}
	}
	// A description is kept.
	describe(t, s, p, "a demo")
	countDownload(t, s, p, 0, 1)
	if got, want := fileRecord(t, s, p), (store.FileRecord{Path: p, Description: "a demo", Downloads: 6}); !sameFileRecord(got, want) {
		t.Errorf("FileRecord(%q) after a download = %+v; want %+v", p, got, want)
	}

	// An unknown account is ErrNotFound, and nothing is counted: not the
	// download of an existing record, nor a new record.
	unknown := bob.ID + 1000
	if err := s.Files.CountDownload(ctx, p, unknown, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CountDownload by an unknown account = %v; want ErrNotFound", err)
	}
	if got := fileRecord(t, s, p); got.Downloads != 6 {
		t.Errorf("FileRecord(%q).Downloads after a download by an unknown account = %d; want 6", p, got.Downloads)
	}
	if err := s.Files.CountDownload(ctx, "pub/new.zip", unknown, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CountDownload of a new file by an unknown account = %v; want ErrNotFound", err)
	}
	if got, err := s.Files.FileRecord(ctx, "pub/new.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FileRecord after a refused CountDownload = %+v, %v; want ErrNotFound", got, err)
	}
	if got := totals(t, s, unknown); got != (store.TransferTotals{}) {
		t.Errorf("Totals(unknown account) = %+v; want zeros", got)
	}

	for _, bad := range badFilePaths {
		if err := s.Files.CountDownload(ctx, bad, alice.ID, 1); !refused(err) {
			t.Errorf("CountDownload(%q) = %v; want an error", bad, err)
		}
	}
	if got, want := totals(t, s, alice.ID), (store.TransferTotals{DownFiles: 2, DownBytes: 1024}); got != want {
		t.Errorf("Totals(Alice) after refused downloads = %+v; want %+v", got, want)
	}
	if got, want := paths(fileRecords(t, s, "pub")), []string{p}; !slices.Equal(got, want) {
		t.Errorf("FileRecords(pub) = %q; want %q", got, want)
	}
}

func testTransferTotals(t *testing.T, s *store.Store) {
	ctx := t.Context()
	alice, bob := create(t, s, newUser("Alice")), create(t, s, newUser("Bob"))
	if got := totals(t, s, alice.ID); got != (store.TransferTotals{}) {
		t.Errorf("Totals(Alice) at first = %+v; want zeros", got)
	}
	if got := totals(t, s, 0); got != (store.TransferTotals{}) {
		t.Errorf("Totals(0) = %+v; want zeros", got)
	}
	steps := []struct {
		user int64
		n    int64
		want error // nil, ErrNotFound, or errRefused
	}{
		{alice.ID, 100, nil},
		{alice.ID, 0, nil},
		{alice.ID, tib, nil},
		{bob.ID, 7, nil},
		{0, 50, nil}, // a guest: nothing is counted
		{alice.ID, -5, errRefused},
		{bob.ID + 1000, 5, store.ErrNotFound},
	}
	for _, st := range steps {
		err := s.Files.CountUpload(ctx, st.user, st.n)
		switch {
		case st.want == errRefused && !refused(err):
			t.Errorf("CountUpload(%d, %d) = %v; want an error", st.user, st.n, err)
		case st.want != errRefused && !errors.Is(err, st.want):
			t.Errorf("CountUpload(%d, %d) = %v; want %v", st.user, st.n, err, st.want)
		}
	}
	countDownload(t, s, "pub/a.zip", alice.ID, 3)
	tests := []struct {
		user int64
		want store.TransferTotals
	}{
		{alice.ID, store.TransferTotals{UpFiles: 3, UpBytes: 100 + tib, DownFiles: 1, DownBytes: 3}},
		{bob.ID, store.TransferTotals{UpFiles: 1, UpBytes: 7}},
		{0, store.TransferTotals{}},
		{bob.ID + 1000, store.TransferTotals{}},
	}
	for _, tt := range tests {
		if got := totals(t, s, tt.user); got != tt.want {
			t.Errorf("Totals(%d) = %+v; want %+v", tt.user, got, tt.want)
		}
	}
}

// errRefused stands for an error that is neither ErrNotFound nor
// ErrExists in tables of wanted errors.
var errRefused = errors.New("refused")

func testTags(t *testing.T, s *store.Store) {
	ctx := t.Context()
	alice, bob := create(t, s, newUser("Alice")), create(t, s, newUser("Bob"))
	checkTags(t, s, "at first", alice.ID)
	const limit = 3
	steps := []struct {
		user int64
		path string
		max  int
		want error
	}{
		{alice.ID, "pub/c.zip", limit, nil},
		{alice.ID, "pub/a.zip", limit, nil},
		{alice.ID, "pub/c.zip", limit, nil}, // again: kept in its place
		{alice.ID, "Pub/A.zip", limit, nil}, // another path, byte by byte
		{alice.ID, "pub/d.zip", limit, store.ErrLimit},
		{alice.ID, "pub/a.zip", limit, nil}, // tagged already: no limit
		{alice.ID, "pub/d.zip", limit + 1, nil},
		// Bob's tags are his own, and so is his limit.
		{bob.ID, "pub/d.zip", 1, nil},
		{bob.ID, "pub/e.zip", 1, store.ErrLimit},
		{bob.ID, "pub/d.zip", 0, nil},
		{bob.ID, "pub/e.zip", 0, store.ErrLimit},
		{bob.ID + 1000, "pub/a.zip", limit, store.ErrNotFound},
		{0, "pub/a.zip", limit, store.ErrNotFound},
	}
	for _, bad := range badFilePaths {
		steps = append(steps, struct {
			user int64
			path string
			max  int
			want error
		}{bob.ID, bad, 100, errRefused})
	}
	for _, st := range steps {
		err := s.Files.Tag(ctx, st.user, st.path, st.max)
		switch {
		case st.want == errRefused && !refused(err):
			t.Errorf("Tag(%d, %q, %d) = %v; want an error", st.user, st.path, st.max, err)
		case st.want != errRefused && !errors.Is(err, st.want):
			t.Errorf("Tag(%d, %q, %d) = %v; want %v", st.user, st.path, st.max, err, st.want)
		}
	}
	checkTags(t, s, "", alice.ID, "pub/c.zip", "pub/a.zip", "Pub/A.zip", "pub/d.zip")
	checkTags(t, s, "", bob.ID, "pub/d.zip")
	checkTags(t, s, "of an unknown account", bob.ID+1000)
	checkTags(t, s, "of no account", 0)

	// Tags need no record, and make none.
	if got := paths(fileRecords(t, s, "pub")); len(got) != 0 {
		t.Errorf("FileRecords(pub) after tagging = %q; want none", got)
	}

	// Untag: not tagged is not an error; tagged again, a path goes last.
	untags := []struct {
		user int64
		path string
		want []string
	}{
		{alice.ID, "pub/A.zip", []string{"pub/c.zip", "pub/a.zip", "Pub/A.zip", "pub/d.zip"}},
		{alice.ID, "pub/x.zip", []string{"pub/c.zip", "pub/a.zip", "Pub/A.zip", "pub/d.zip"}},
		{bob.ID, "pub/c.zip", []string{"pub/c.zip", "pub/a.zip", "Pub/A.zip", "pub/d.zip"}},
		{alice.ID, "pub/c.zip", []string{"pub/a.zip", "Pub/A.zip", "pub/d.zip"}},
		{alice.ID, "pub/c.zip", []string{"pub/a.zip", "Pub/A.zip", "pub/d.zip"}},
		{bob.ID + 1000, "pub/a.zip", []string{"pub/a.zip", "Pub/A.zip", "pub/d.zip"}},
		{alice.ID, "", []string{"pub/a.zip", "Pub/A.zip", "pub/d.zip"}},
	}
	for _, tt := range untags {
		if err := s.Files.Untag(ctx, tt.user, tt.path); err != nil {
			t.Errorf("Untag(%d, %q) = %v; want nil", tt.user, tt.path, err)
		}
		checkTags(t, s, fmt.Sprintf("after Untag(%d, %q)", tt.user, tt.path), alice.ID, tt.want...)
	}
	checkTags(t, s, "after Alice's untags", bob.ID, "pub/d.zip")
	tag(t, s, alice.ID, "pub/c.zip")
	checkTags(t, s, "after tagging again", alice.ID, "pub/a.zip", "Pub/A.zip", "pub/d.zip", "pub/c.zip")

	// ClearTags: the account's only, and tags may be added again.
	if err := s.Files.ClearTags(ctx, alice.ID); err != nil {
		t.Errorf("ClearTags(Alice) = %v; want nil", err)
	}
	checkTags(t, s, "after ClearTags", alice.ID)
	checkTags(t, s, "after Alice's ClearTags", bob.ID, "pub/d.zip")
	if err := s.Files.ClearTags(ctx, alice.ID); err != nil {
		t.Errorf("ClearTags(Alice) again = %v; want nil", err)
	}
	if err := s.Files.ClearTags(ctx, bob.ID+1000); err != nil {
		t.Errorf("ClearTags(unknown account) = %v; want nil", err)
	}
	for _, p := range []string{"pub/z.zip", "pub/y.zip", "pub/x.zip"} {
		if err := s.Files.Tag(ctx, alice.ID, p, limit); err != nil {
			t.Errorf("Tag(Alice, %q, %d) after ClearTags = %v; want nil", p, limit, err)
		}
	}
	checkTags(t, s, "after ClearTags and tagging", alice.ID, "pub/z.zip", "pub/y.zip", "pub/x.zip")
}

// testFilesDeleteUser checks that an account's tags and totals go with
// it, while the records of what it downloaded stay.
func testFilesDeleteUser(t *testing.T, s *store.Store) {
	ctx := t.Context()
	leaver, stayer := create(t, s, newUser("Leaver")), create(t, s, newUser("Stayer"))
	for _, u := range []*store.User{leaver, stayer} {
		tag(t, s, u.ID, "pub/a.zip")
		tag(t, s, u.ID, "pub/b.zip")
		countDownload(t, s, "pub/a.zip", u.ID, 10)
		if err := s.Files.CountUpload(ctx, u.ID, 20); err != nil {
			t.Fatalf("CountUpload(%s) = %v; want nil", u.Handle, err)
		}
	}
	if err := s.Users.DeleteUser(ctx, "leaver"); err != nil {
		t.Fatalf(`DeleteUser("leaver") = %v; want nil`, err)
	}
	checkTags(t, s, "of a deleted account", leaver.ID)
	if got := totals(t, s, leaver.ID); got != (store.TransferTotals{}) {
		t.Errorf("Totals of a deleted account = %+v; want zeros", got)
	}
	checkTags(t, s, "of another account", stayer.ID, "pub/a.zip", "pub/b.zip")
	if got, want := totals(t, s, stayer.ID), (store.TransferTotals{UpFiles: 1, UpBytes: 20, DownFiles: 1, DownBytes: 10}); got != want {
		t.Errorf("Totals of another account = %+v; want %+v", got, want)
	}
	if got := fileRecord(t, s, "pub/a.zip"); got.Downloads != 2 {
		t.Errorf("FileRecord(pub/a.zip).Downloads after DeleteUser = %d; want 2", got.Downloads)
	}
	// A new account under the same handle starts with nothing, and the
	// deleted one's ID counts nothing more.
	again := create(t, s, newUser("Leaver"))
	checkTags(t, s, `of a new "Leaver"`, again.ID)
	if got := totals(t, s, again.ID); got != (store.TransferTotals{}) {
		t.Errorf(`Totals of a new "Leaver" = %+v; want zeros`, got)
	}
	if err := s.Files.Tag(ctx, leaver.ID, "pub/a.zip", 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Tag by a deleted account = %v; want ErrNotFound", err)
	}
	if err := s.Files.CountUpload(ctx, leaver.ID, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CountUpload by a deleted account = %v; want ErrNotFound", err)
	}
}

// testCountDownloadConcurrent counts downloads of one file from many
// goroutines at once: none may be lost, on the file or on the accounts.
func testCountDownloadConcurrent(t *testing.T, s *store.Store) {
	const (
		workers = 8
		counts  = 50
		size    = 1000
		p       = "pub/popular.zip"
	)
	ctx := t.Context()
	users := make([]*store.User, workers)
	for g := range workers {
		users[g] = create(t, s, newUser(fmt.Sprintf("leech%d", g)))
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			<-start
			for j := range counts {
				if err := s.Files.CountDownload(ctx, p, users[g].ID, size); err != nil {
					t.Errorf("worker %d: CountDownload %d = %v; want nil", g, j, err)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if got := fileRecord(t, s, p); got.Downloads != workers*counts {
		t.Errorf("FileRecord(%q).Downloads = %d; want %d (%d workers × %d)", p, got.Downloads, workers*counts, workers, counts)
	}
	for _, u := range users {
		if got, want := totals(t, s, u.ID), (store.TransferTotals{DownFiles: counts, DownBytes: counts * size}); got != want {
			t.Errorf("Totals(%s) = %+v; want %+v", u.Handle, got, want)
		}
	}
}

// testTagLimitConcurrent has one account tag many files at once under a
// limit: exactly limit of them get in, and the others get ErrLimit.
func testTagLimitConcurrent(t *testing.T, s *store.Store) {
	const (
		workers = 20
		limit   = 5
	)
	u := create(t, s, newUser("Hasty"))
	errs := make([]error, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			<-start
			errs[g] = s.Files.Tag(t.Context(), u.ID, fmt.Sprintf("pub/%02d.zip", g), limit)
		})
	}
	close(start)
	wg.Wait()
	var in []string
	for g, err := range errs {
		switch {
		case err == nil:
			in = append(in, fmt.Sprintf("pub/%02d.zip", g))
		case !errors.Is(err, store.ErrLimit):
			t.Errorf("Tag(pub/%02d.zip) = %v; want nil or ErrLimit", g, err)
		}
	}
	if len(in) != limit {
		t.Errorf("%d tags at once under a limit of %d: %d got in; want %d", workers, limit, len(in), limit)
	}
	got := tags(t, s, u.ID)
	slices.Sort(got)
	if !slices.Equal(got, in) {
		t.Errorf("Tags(Hasty) = %q; want the %q that got in", got, in)
	}
}
