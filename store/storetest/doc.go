// Package storetest is the conformance suite every store engine must
// pass. An engine's tests call Run with a function that opens a fresh,
// empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) *store.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
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
//     handle has none and may register them again. Keys returns
//     each key with the account's Handle as stored, whatever case it was
//     asked for in. Keys of an unknown handle, or of a user without keys,
//     is an empty list and no error.
//   - Keys sorts by Added; the order of keys added at the same
//     millisecond is not specified.
//   - Fingerprints are compared byte by byte ("SHA256:…" is base64, so
//     case matters). A user holds a fingerprint once: registering it
//     again is ErrExists, even from many goroutines at once (exactly one
//     of them gets it). Different users may register the same key, at
//     once too, each registration with its own ID; DeleteKey removes the
//     user's registration only. DeleteKey of a key the user has not
//     registered, or with an unknown handle, is ErrNotFound and deletes
//     nothing.
//   - Upload paths are compared byte by byte, as ban prefixes are.
//   - An upload's owner needs no account and is kept as given;
//     UploadUsage matches it by store.HandleKey, and is 0 for an owner
//     without uploads. PutUpload on a recorded path replaces the owner
//     too. Uploaded is kept as given, the zero time included.
//   - Sizes are whole int64 values: a file of 1 TiB, and the sum of
//     several, come back exactly.
//   - Upload records outlive their owner's account.
//   - A user's Signature is kept byte for byte, newlines included, by
//     CreateUser and UpdateUser, and returned by User and ListUsers.
//
// Messages:
//
//   - A message is public (Area set, To "") or private (Area "", To set).
//     One with both or neither is refused with an error that is neither
//     ErrNotFound nor ErrExists, and nothing is stored: a letter must
//     never land in a public area by mistake.
//   - A private message's recipient is found by store.HandleKey; an
//     unknown recipient is ErrNotFound. Public messages and every From
//     need no account.
//   - A Parent (other than 0) must exist when the reply is posted, or it
//     is ErrNotFound; it may be in any area or mailbox (a private answer
//     to a public post is allowed: who may read the parent is for the
//     board to decide). Deleting a message leaves its replies' Parent as
//     it was.
//   - IDs grow in the order messages are posted, across areas and
//     mailboxes, and a deleted message's ID is never handed out again.
//     ListMessages is oldest first in that order, by ID, whatever Created
//     says (imported messages may be back-dated).
//   - Area tags are compared byte by byte ("General" is not "general").
//     With Area set, MessageQuery.To is ignored. AfterID need not be in
//     the list. Limit 0 is no limit, and below 0 the list is empty.
//     CountAfter ignores Limit.
//   - Private mail belongs to the recipient's account: To comes back as
//     the account's handle as stored, the mailbox follows a rename, and
//     DeleteUser drops the mail sent to the account (a new account with
//     the same handle starts with an empty mailbox). What the deleted
//     user wrote stays, under the handle it was written under, as does
//     every message of an author who is renamed. The mailbox of an
//     unknown handle is empty, with no error.
//   - Read pointers belong to the account: they are 0 at first, per user
//     and per area ("" for private mail), move only forward (an ID below
//     the pointer, or below 0, changes nothing), need not name an
//     existing message, follow a rename and go with the account.
//     LastRead of an unknown handle is 0 and no error; SetLastRead of one
//     is ErrNotFound.
//
// Polls:
//
//   - CreatePoll with fewer than 2 or more than store.MaxPollOptions
//     options is refused with an error that is neither ErrNotFound nor
//     ErrExists, and stores nothing. Options keep their order and text
//     (duplicates and empty strings included). The author needs no
//     account and keeps the handle the poll was created under.
//   - Polls is newest first by Created.
//   - Votes belong to the account: one per user per poll, a new vote
//     replaces the old, they follow a rename and go with the account or
//     the poll. A vote by an unknown handle, or in an unknown poll, is
//     ErrNotFound; an option outside [0, len(Options)) is an error that
//     is neither ErrNotFound nor ErrExists, and changes nothing.
//   - Results has one count per option; mine is -1 for a user who has
//     not voted and for an unknown handle (a visitor), with no error.
//     Results, Poll and DeletePoll of an unknown poll are ErrNotFound.
//
// Concurrency: the subtests run one after another; within a subtest many
// goroutines may use the store at once, as the board does.
package storetest
