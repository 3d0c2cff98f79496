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
//
// Concurrency: the subtests run one after another; within a subtest many
// goroutines may use the store at once, as the board does.
package storetest
