package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/cases"

	"github.com/x84bbs/x84/store"
)

// Run runs the conformance suite. open must return a fresh, empty store;
// Run closes it at the end of each subtest.
func Run(t *testing.T, open func(t *testing.T) *store.Store) {
	t.Helper()
	runTests(t, open, []suiteTest{
		{"CreateUser", testCreateUser},
		{"UserLookup", testUserLookup},
		{"HandleClash", testHandleClash},
		{"Groups", testGroups},
		{"UpdateUser", testUpdateUser},
		{"ModifyUser", testModifyUser},
		{"ModifyUserConcurrent", testModifyUserConcurrent},
		{"DeleteUser", testDeleteUser},
		{"ListUsers", testListUsers},
		{"CountUsers", testCountUsers},
		{"RecordCall", testRecordCall},
		{"RecordCallUnknown", testRecordCallUnknown},
		{"RecordCallAtomic", testRecordCallAtomic},
		{"LastCalls", testLastCalls},
		{"HistoryOutlivesUser", testHistory},
		{"AddOneliner", testAddOneliner},
		{"Oneliners", testOneliners},
		{"LastOnelinerBy", testLastOnelinerBy},
		{"OnelinerGap", testOnelinerGap},
		{"OnelinerGapConcurrent", testOnelinerGapConcurrent},
		{"DeleteOneliner", testDeleteOneliner},
		{"Bans", testBans},
		{"AddKey", testAddKey},
		{"KeysOrder", testKeysOrder},
		{"KeyLookup", testKeyLookup},
		{"AddKeyUnknown", testAddKeyUnknown},
		{"KeyTaken", testKeyTaken},
		{"KeySharedConcurrent", testKeySharedConcurrent},
		{"KeyTwiceConcurrent", testKeyTwiceConcurrent},
		{"DeleteKey", testDeleteKey},
		{"KeysDeleteUser", testKeysDeleteUser},
		{"KeysRename", testKeysRename},
		{"Uploads", testUploads},
		{"DeleteUpload", testDeleteUpload},
		{"UploadUsage", testUploadUsage},
		{"UploadSizes", testUploadSizes},
		{"UploadsOutliveUser", testUploadsOutliveUser},
		{"UploadsOf", testUploadsOf},
		{"FileRecords", testFileRecords},
		{"FileDescription", testFileDescription},
		{"MoveFileRecord", testMoveFileRecord},
		{"DeleteFileRecord", testDeleteFileRecord},
		{"CountDownload", testCountDownload},
		{"TransferTotals", testTransferTotals},
		{"Tags", testTags},
		{"FilesDeleteUser", testFilesDeleteUser},
		{"CountDownloadConcurrent", testCountDownloadConcurrent},
		{"TagLimitConcurrent", testTagLimitConcurrent},
		{"Signature", testSignature},
		{"PostMessage", testPostMessage},
		{"PostMessageRefused", testPostMessageRefused},
		{"ListMessages", testListMessages},
		{"MessageIDs", testMessageIDs},
		{"Mailbox", testMailbox},
		{"MailboxRename", testMailboxRename},
		{"MailDeleteUser", testMailDeleteUser},
		{"Threads", testThreads},
		{"DeleteMessage", testDeleteMessage},
		{"CountAfter", testCountAfter},
		{"ReadPointers", testReadPointers},
		{"ReadPointersUser", testReadPointersUser},
		{"CreatePoll", testCreatePoll},
		{"CreatePollRefused", testCreatePollRefused},
		{"Polls", testPolls},
		{"PollNotFound", testPollNotFound},
		{"Vote", testVote},
		{"VoteRefused", testVoteRefused},
		{"VotesRename", testVotesRename},
		{"VotesDeleteUser", testVotesDeleteUser},
		{"VotesDeletePoll", testVotesDeletePoll},
		{"Times", testTimes},
		{"Text", testText},
		{"ScriptGetSet", testScriptGetSet},
		{"ScriptDelete", testScriptDelete},
		{"ScriptIsolation", testScriptIsolation},
		{"ScriptList", testScriptList},
		{"ScriptPaging", testScriptPaging},
		{"ScriptListMax", testScriptListMax},
		{"ScriptBounds", testScriptBounds},
		{"Concurrent", testConcurrent},
		{"CommunityConcurrent", testCommunityConcurrent},
	})
}

// RunLimited runs the part of the suite that needs limits lowered, so
// that reaching them takes a few writes. open must return a fresh, empty
// store that lets a script keep at most maxScriptKeys keys
// (store.MaxScriptKeys in production); RunLimited closes it at the end of
// each subtest. An engine's tests call it beside Run.
func RunLimited(t *testing.T, open func(t *testing.T, maxScriptKeys int) *store.Store) {
	t.Helper()
	runTests(t, func(t *testing.T) *store.Store { return open(t, scriptLimit) }, []suiteTest{
		{"ScriptLimit", testScriptLimit},
		{"ScriptLimitConcurrent", testScriptLimitConcurrent},
	})
}

// suiteTest is one subtest of the suite.
type suiteTest struct {
	name string
	f    func(t *testing.T, s *store.Store)
}

// runTests runs each test on a store of its own from open, and closes
// it.
func runTests(t *testing.T, open func(t *testing.T) *store.Store, tests []suiteTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() = %v; want nil", err)
				}
			})
			tt.f(t, s)
		})
	}
}

// base is a time with nanoseconds in a zone other than UTC, to catch
// engines that keep either.
func base() time.Time {
	return time.Date(2024, time.March, 9, 21, 30, 15, 123456789, time.FixedZone("CET", 3600))
}

// fold is the key handles are compared by.
func fold(s string) string {
	return cases.Fold().String(s)
}

// stored is t as engines keep it: UTC, milliseconds.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Millisecond).UTC()
}

// sameTime reports whether got is what an engine returns for want.
func sameTime(got, want time.Time) bool {
	if want.IsZero() {
		return got.IsZero()
	}
	return got.Equal(stored(want)) && got.Location() == time.UTC
}

// normGroups is groups sorted and without duplicates.
func normGroups(groups []string) []string {
	gs := slices.Clone(groups)
	slices.Sort(gs)
	return slices.Compact(gs)
}

// newUser returns a user with every field but ID filled in.
func newUser(handle string) *store.User {
	return &store.User{
		Handle:   handle,
		Password: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
		RealName: "Real " + handle,
		Location: "Somewhere, " + handle,
		Email:    strings.ToLower(handle) + "@example.org",
		Groups:   []string{"users"},
		Encoding: store.EncodingUTF8,
		Created:  base(),
		Level:    store.DefaultLevel,
		// Two lines, UTF-8, and the classic "-- " separator.
		Signature: "-- \n" + handle + " ✶ x84\n",
	}
}

// create adds u or ends the test.
func create(t *testing.T, s *store.Store, u *store.User) *store.User {
	t.Helper()
	if err := s.Users.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%q) = %v; want nil", u.Handle, err)
	}
	return u
}

// get returns the user with the handle or ends the test.
func get(t *testing.T, s *store.Store, handle string) *store.User {
	t.Helper()
	u, err := s.Users.User(t.Context(), handle)
	if err != nil {
		t.Fatalf("User(%q) = %v; want nil", handle, err)
	}
	return u
}

// diffUser lists how got differs from want as stored.
func diffUser(got, want *store.User) []string {
	var d []string
	field := func(name string, g, w any) {
		d = append(d, fmt.Sprintf(".%s = %#v; want %#v", name, g, w))
	}
	if got.ID != want.ID {
		field("ID", got.ID, want.ID)
	}
	if got.Handle != want.Handle {
		field("Handle", got.Handle, want.Handle)
	}
	if got.Password != want.Password {
		field("Password", got.Password, want.Password)
	}
	if got.RealName != want.RealName {
		field("RealName", got.RealName, want.RealName)
	}
	if got.Location != want.Location {
		field("Location", got.Location, want.Location)
	}
	if got.Email != want.Email {
		field("Email", got.Email, want.Email)
	}
	if g, w := got.Groups, normGroups(want.Groups); !slices.Equal(g, w) {
		field("Groups", g, w)
	}
	if got.Encoding != want.Encoding {
		field("Encoding", got.Encoding, want.Encoding)
	}
	if !sameTime(got.Created, want.Created) {
		field("Created", got.Created, stored(want.Created))
	}
	if !sameTime(got.LastCall, want.LastCall) {
		field("LastCall", got.LastCall, stored(want.LastCall))
	}
	if got.Calls != want.Calls {
		field("Calls", got.Calls, want.Calls)
	}
	if got.Signature != want.Signature {
		field("Signature", got.Signature, want.Signature)
	}
	if got.Level != want.Level {
		field("Level", got.Level, want.Level)
	}
	if got.Accessible != want.Accessible {
		field("Accessible", got.Accessible, want.Accessible)
	}
	if got.Language != want.Language {
		field("Language", got.Language, want.Language)
	}
	if got.TOTP.Secret != want.TOTP.Secret || got.TOTP.LastStep != want.TOTP.LastStep ||
		!slices.Equal(got.TOTP.Recovery, want.TOTP.Recovery) {
		field("TOTP", got.TOTP, want.TOTP)
	}
	if got.Reset.Hash != want.Reset.Hash || !sameTime(got.Reset.Expires, want.Reset.Expires) ||
		!sameTime(got.Reset.Sent, want.Reset.Sent) {
		field("Reset", got.Reset, want.Reset)
	}
	return d
}

// checkUser reports each field of got that differs from want; call names
// the call that returned got, for the messages.
func checkUser(t *testing.T, call string, got, want *store.User) {
	t.Helper()
	for _, d := range diffUser(got, want) {
		t.Errorf("%s%s", call, d)
	}
}

// sameCall reports whether got is want as stored.
func sameCall(got, want store.Call) bool {
	return got.Handle == want.Handle && got.Location == want.Location &&
		sameTime(got.At, want.At) && got.Calls == want.Calls && got.Kind == want.Kind
}

// sameOneliner reports whether got is want as stored.
func sameOneliner(got, want store.Oneliner) bool {
	return got.ID == want.ID && got.Handle == want.Handle && got.Text == want.Text &&
		sameTime(got.Posted, want.Posted)
}

// sameBan reports whether got is want as stored.
func sameBan(got, want store.Ban) bool {
	return got.Prefix == want.Prefix && sameTime(got.Until, want.Until) &&
		got.Strikes == want.Strikes && got.Reason == want.Reason && sameTime(got.Created, want.Created)
}

// sameKey reports whether got is want as stored.
func sameKey(got, want store.PublicKey) bool {
	return got.ID == want.ID && got.Handle == want.Handle && got.Key == want.Key &&
		got.Fingerprint == want.Fingerprint && got.Comment == want.Comment && sameTime(got.Added, want.Added)
}

// sameMessage reports whether got is want as stored.
func sameMessage(got, want store.Message) bool {
	return got.ID == want.ID && got.Area == want.Area && got.To == want.To && got.From == want.From &&
		got.Subject == want.Subject && got.Body == want.Body && got.Parent == want.Parent &&
		sameTime(got.Created, want.Created)
}

// samePoll reports whether got is want as stored.
func samePoll(got, want store.Poll) bool {
	return got.ID == want.ID && got.Question == want.Question && slices.Equal(got.Options, want.Options) &&
		got.Author == want.Author && sameTime(got.Created, want.Created)
}

// refused reports whether err is the error for a malformed request: not
// nil, and neither ErrNotFound nor ErrExists.
func refused(err error) bool {
	return err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrExists)
}

// sameUpload reports whether got is want as stored.
func sameUpload(got, want store.Upload) bool {
	return got.Path == want.Path && got.OwnerID == want.OwnerID && got.Owner == want.Owner && got.Size == want.Size &&
		sameTime(got.Uploaded, want.Uploaded)
}
