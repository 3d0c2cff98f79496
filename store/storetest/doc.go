// Package storetest is the conformance suite every store engine must
// pass. An engine's tests call Run with a function that opens a fresh,
// empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) *store.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// Run opens one store per subtest and closes it when the subtest ends.
//
// Beyond what the interfaces in package store say, the suite pins down
// what engines must agree on:
//
//   - Handles are compared by store.HandleKey (NFC, then Unicode full
//     case folding), computed in Go, so "Émile" and "émile" clash, and so
//     do "Straße" and "STRASSE" and a precomposed and a decomposed É;
//     "Emile" and "Èmile" do not, nor do "dave" and "dave " (no trimming).
//   - ListUsers sorts by the folded handle, compared byte by byte (code
//     point order).
//   - Bans sorts by prefix, byte by byte.
//   - Times come back in UTC, truncated to the millisecond; the zero time
//     comes back as the zero time.
//   - Text comes back exactly as given, byte for byte, for any UTF-8 text
//     without NUL.
//   - UpdateUser of an ID that does not exist is ErrNotFound.
//   - Keys belong to the account, not to the handle: they follow a
//     rename, and DeleteUser removes them, so a new account with the same
//     handle has none and their fingerprints are free again. Keys returns
//     each key with the account's Handle as stored, whatever case it was
//     asked for in. Keys of an unknown handle, or of a user without keys,
//     is an empty list and no error.
//   - Keys sorts by Added; the order of keys added at the same
//     millisecond is not specified.
//   - Fingerprints are compared byte by byte ("SHA256:…" is base64, so
//     case matters). A fingerprint is refused with ErrExists even when
//     many users register it at once: exactly one of them gets it.
//     DeleteKey of another user's key, or with an unknown handle, is
//     ErrNotFound and deletes nothing.
//   - Upload paths are compared byte by byte, as ban prefixes are.
//   - An upload's owner needs no account and is kept as given;
//     UploadUsage matches it by store.HandleKey, and is 0 for an owner
//     without uploads. PutUpload on a recorded path replaces the owner
//     too. Uploaded is kept as given, the zero time included.
//   - Sizes are whole int64 values: a file of 1 TiB, and the sum of
//     several, come back exactly.
//   - Upload records outlive their owner's account.
//
// Concurrency: the subtests run one after another; within a subtest many
// goroutines may use the store at once, as the board does.
package storetest
