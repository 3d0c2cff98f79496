package store

import (
	"context"
	"errors"
	"io"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Errors every engine returns for the same conditions, so that callers
// can match them with errors.Is.
var (
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrExists means a record with the same key exists already (a
	// handle is taken, whatever its case).
	ErrExists = errors.New("store: already exists")
	// ErrTooNew means the database was written by a newer x84 whose
	// schema this binary does not know.
	ErrTooNew = errors.New("store: database schema is newer than this x84")
	// ErrLimit means a per-account bound was reached (the most files a
	// user may tag).
	ErrLimit = errors.New("store: limit reached")
	// ErrUnavailable means the database cannot be reached: a database
	// server that is down, or a network between it and this process that
	// is cut. Such an error passes; test for it with Unavailable.
	ErrUnavailable = errors.New("store: the database cannot be reached")
)

// Unavailable reports whether err means the database could not be
// reached, rather than that an operation was refused: an engine's error
// marked ErrUnavailable.
func Unavailable(err error) bool { return errors.Is(err, ErrUnavailable) }

// Encoding preferences a user may record.
const (
	EncodingAuto  = "auto"
	EncodingUTF8  = "utf-8"
	EncodingCP437 = "cp437"
)

// Groups with a meaning to the board.
const (
	// GroupSysop's members may use the sysop tools.
	GroupSysop = "sysop"
	// GroupLocked's members may not log in (a sysop's ban of an account).
	GroupLocked = "locked"
	// GroupUnvalidated's members await a sysop's validation: they may log
	// in, but access rules count their level as 0 and their other groups
	// as absent.
	GroupUnvalidated = "unvalidated"
)

// Security levels.
const (
	// MaxLevel is the highest security level, a sysop's.
	MaxLevel = 255
	// DefaultLevel is the level of accounts made before levels existed
	// (other than sysops), and of new accounts unless the board says
	// otherwise.
	DefaultLevel = 10
)

// HandleKey returns the form in which handles are compared: Unicode NFC
// (so that "é" typed as one character or as e + accent is one handle)
// and then full case folding ("Straße" and "STRASSE" clash). Engines store
// and look up handles by this key, computed in Go so that every engine
// agrees.
func HandleKey(handle string) string {
	return cases.Fold().String(norm.NFC.String(handle))
}

// User is one account.
type User struct {
	ID int64
	// Handle is the name the user logs in with, kept in the case it was
	// created with; handles are unique regardless of case.
	Handle string
	// Password is the password hash in PHC string format
	// ($argon2id$… or a bcrypt $2a$… hash).
	Password string
	RealName string
	Location string
	Email    string
	// Groups the user belongs to, sorted, without duplicates.
	Groups []string
	// Encoding is the user's preference: EncodingAuto, EncodingUTF8 or
	// EncodingCP437.
	Encoding string
	Created  time.Time
	// LastCall is the start of the user's latest call; zero before the
	// first.
	LastCall time.Time
	Calls    int
	// Signature is a short text shown under the user's profile and
	// messages; may hold newlines.
	Signature string
	// Level is the security level, 0 to MaxLevel: message and file
	// areas, doors, menu entries and scripts may require one.
	Level int
	// Accessible asks for screens of plain lines (no cursor movement,
	// art or colour), for screen readers and braille displays.
	Accessible bool
	// Language is the tag of the language the user chose ("de"); ""
	// follows the terminal's LANG, then the board's default.
	Language string
	// TOTP is the user's second factor; its Secret is "" when none.
	TOTP TOTP
	// Reset is a password reset mailed to the user and not yet used.
	Reset Reset
}

// TOTP is a time-based one-time password second factor (RFC 6238).
// These are secrets: never show or log them.
type TOTP struct {
	// Secret is the shared key, base32 without padding; "" when the
	// user has no second factor.
	Secret string
	// LastStep is the time step of the last code accepted, so that a
	// code is never accepted twice.
	LastStep int64
	// Recovery holds the hashes of the unused recovery codes.
	Recovery []string
}

// Reset is a pending password reset.
type Reset struct {
	// Hash is the hash of the token mailed; "" when none is pending.
	Hash string
	// Expires is when the token stops working.
	Expires time.Time
	// Sent is when the last reset mail was sent (rate limit per user).
	Sent time.Time
}

// Sysop reports whether the user is one of the board's sysops.
func (u *User) Sysop() bool { return u.InGroup(GroupSysop) }

// InGroup reports whether the user belongs to group g.
func (u *User) InGroup(g string) bool {
	for _, x := range u.Groups {
		if x == g {
			return true
		}
	}
	return false
}

// Users stores accounts.
type Users interface {
	// CreateUser adds u, setting its ID and, when zero, Created; LastCall
	// and Calls are kept as given (imported accounts). It returns
	// ErrExists when the handle is taken, compared by HandleKey.
	CreateUser(ctx context.Context, u *User) error
	// User returns the account with the handle, matched regardless of
	// case, or ErrNotFound.
	User(ctx context.Context, handle string) (*User, error)
	// UpdateUser saves every field of u but ID, Created, LastCall and
	// Calls, found by u.ID (ErrNotFound if none). Renaming to a taken
	// handle is ErrExists. Read pointers and votes follow a rename;
	// messages keep the handle they were written under.
	UpdateUser(ctx context.Context, u *User) error
	// ModifyUser reads the account with the ID, lets change alter it and
	// saves it as UpdateUser does, with no other write in between: the
	// way to change some fields of an account that others may be changing
	// too (a sysop locks a user who is editing their profile). change
	// runs while the store is held, so it must be quick: hash a password
	// before, not inside. It returns the saved account; change's error
	// (nothing is saved); ErrNotFound; or ErrExists for a rename to a
	// taken handle.
	ModifyUser(ctx context.Context, id int64, change func(*User) error) (*User, error)
	// DeleteUser removes the account with the handle, with its groups,
	// ssh keys, read pointers, votes, tagged files, transfer totals and
	// the private mail sent to it, or returns ErrNotFound. Calls,
	// one-liners and messages it wrote stay.
	DeleteUser(ctx context.Context, handle string) error
	// ListUsers returns every account sorted by handle, regardless of
	// case.
	ListUsers(ctx context.Context) ([]*User, error)
	// CountUsers returns the number of accounts.
	CountUsers(ctx context.Context) (int, error)
}

// Call is one entry of the last callers list.
type Call struct {
	Handle   string
	Location string
	At       time.Time
	// Calls is the user's number of calls, this one included.
	Calls int
	// Kind is the protocol of the call ("telnet", "ssh"…).
	Kind string
}

// Calls records calls.
type Calls interface {
	// RecordCall counts a call by the user with the handle at the given
	// time: it adds one to the user's calls, sets the last call, and adds
	// an entry to the last callers list, all at once. It returns the
	// entry, or ErrNotFound when there is no such user.
	RecordCall(ctx context.Context, handle, kind string, at time.Time) (Call, error)
	// LastCalls returns up to limit calls, newest first.
	LastCalls(ctx context.Context, limit int) ([]Call, error)
}

// Oneliner is a short public message on the board's wall.
type Oneliner struct {
	ID     int64
	Handle string
	Text   string
	Posted time.Time
}

// Oneliners stores one-liners.
type Oneliners interface {
	// AddOneliner stores o, setting its ID, unless a one-liner by the
	// same handle (in any case) was posted less than gap before
	// o.Posted: then it stores nothing and returns a *TooSoonError. The
	// check and the insert are one transaction, so that posts racing
	// each other cannot all pass. A gap of 0 always stores.
	AddOneliner(ctx context.Context, o *Oneliner, gap time.Duration) error
	// Oneliners returns up to limit one-liners, newest first.
	Oneliners(ctx context.Context, limit int) ([]Oneliner, error)
	// LastOnelinerBy returns when the user with the handle last posted,
	// or the zero time if never.
	LastOnelinerBy(ctx context.Context, handle string) (time.Time, error)
	// DeleteOneliner removes the one-liner with the ID (a sysop's
	// moderation), or returns ErrNotFound.
	DeleteOneliner(ctx context.Context, id int64) error
}

// TooSoonError means a one-liner was refused because its author posted
// another at Last, too recently.
type TooSoonError struct{ Last time.Time }

func (e *TooSoonError) Error() string {
	return "store: the last one-liner by this handle was posted at " + e.Last.Format(time.RFC3339)
}

// Ban keeps callers from an address or network away.
type Ban struct {
	// Prefix is the banned address or network in CIDR form ("192.0.2.7/32",
	// "2001:db8::/48").
	Prefix string
	// Until is when the ban ends; zero means never (a sysop's ban).
	Until time.Time
	// Strikes counts the bans this prefix has earned, so each repeat can
	// last longer.
	Strikes int
	Reason  string
	Created time.Time
}

// Bans stores bans.
type Bans interface {
	// PutBan adds b or replaces the ban with the same prefix.
	PutBan(ctx context.Context, b Ban) error
	// DeleteBan removes the ban on prefix, or returns ErrNotFound.
	DeleteBan(ctx context.Context, prefix string) error
	// Bans returns every ban, expired ones included, sorted by prefix.
	Bans(ctx context.Context) ([]Ban, error)
}

// PublicKey is an ssh public key a user logs in with.
type PublicKey struct {
	ID     int64
	Handle string
	// Key is the key in authorized_keys form without options or comment:
	// "ssh-ed25519 AAAA…".
	Key string
	// Fingerprint is the key's SHA256 fingerprint ("SHA256:…"), which
	// identifies it.
	Fingerprint string
	Comment     string
	Added       time.Time
}

// Keys stores users' ssh public keys.
type Keys interface {
	// AddKey registers k for k.Handle, setting its ID and, when zero,
	// Added. A user holds a fingerprint once: registering one the user
	// has registered already is ErrExists. Other users may register the
	// same key (public keys are public, so one user's registration must
	// not keep the key's owner from adding it, nor tell anyone it is in
	// use); each registration is its own, with its own ID. An unknown
	// handle is ErrNotFound.
	AddKey(ctx context.Context, k *PublicKey) error
	// Keys returns the user's keys, oldest first.
	Keys(ctx context.Context, handle string) ([]PublicKey, error)
	// DeleteKey removes the user's key with the fingerprint, or returns
	// ErrNotFound.
	DeleteKey(ctx context.Context, handle, fingerprint string) error
}

// Upload records a file in the file area's upload folder: who sent it
// and how big it is, for ownership and quotas.
type Upload struct {
	// Path is the file's path in the file area, slash-separated and
	// relative ("uploads/demo.zip").
	Path string
	// OwnerID is the uploader's account, or 0 once that account is
	// deleted: the file then belongs to the sysops, and an account made
	// later under the same handle does not inherit it.
	OwnerID int64
	// Owner is the uploader's handle when the file was sent, for display.
	Owner    string
	Size     int64
	Uploaded time.Time
}

// UploadUsage is what one account keeps in the upload folder.
type UploadUsage struct {
	Bytes int64
	Files int64
}

// Uploads stores upload records.
type Uploads interface {
	// PutUpload adds or replaces the record for u.Path. u.OwnerID is an
	// existing account's ID, or 0 for a file no account owns.
	PutUpload(ctx context.Context, u Upload) error
	// Upload returns the record for path, or ErrNotFound.
	Upload(ctx context.Context, path string) (Upload, error)
	// DeleteUpload removes the record for path, or returns ErrNotFound.
	DeleteUpload(ctx context.Context, path string) error
	// UploadUsage returns the bytes and files of the uploads owned by the
	// account (none for ID 0).
	UploadUsage(ctx context.Context, ownerID int64) (UploadUsage, error)
	// UploadsOf returns the records of the account's uploads (none for ID
	// 0), ordered by path.
	UploadsOf(ctx context.Context, ownerID int64) ([]Upload, error)
}

// FileRecord is what the board keeps about a file in the file area
// beyond the file itself.
type FileRecord struct {
	// Path is the file's path in the file area, slash-separated and
	// relative ("pub/demo.zip"), with no empty, "." or ".." element, so
	// neither a leading nor a trailing slash (fs.ValidPath's rule, but
	// the bytes of a name on disk need not be UTF-8).
	Path string
	// Description is the sysop's or uploader's description, "" if none:
	// plain text, which may hold newlines, of at most MaxFileDescription
	// bytes.
	Description string
	// Downloads counts the downloads of the file.
	Downloads int64
	// Added is when the record was made (first description, first
	// download, or release), zero if unknown.
	Added time.Time
}

// TransferTotals is what one account has uploaded and downloaded through
// the board, for ratios.
type TransferTotals struct{ UpFiles, UpBytes, DownFiles, DownBytes int64 }

// MaxFileDescription is the longest FileRecord.Description, in bytes.
const MaxFileDescription = 4096

// Files stores file descriptions, download counts, per-account transfer
// totals and tagged files. Paths are compared byte by byte; a path a
// method stores must be valid as FileRecord.Path says, or the method
// fails with an error that is neither ErrNotFound nor ErrExists. Tags
// and totals belong to the account: they go when it is deleted. A tag
// names a path, with or without a record.
type Files interface {
	// FileRecords returns the records of the files directly in dir (""
	// or "." for the area's root; not those in its subfolders), keyed by
	// Path. Files without a record are absent.
	FileRecords(ctx context.Context, dir string) (map[string]FileRecord, error)
	// FileRecord returns one record, or ErrNotFound.
	FileRecord(ctx context.Context, path string) (FileRecord, error)
	// SetDescription sets a file's description, creating its record
	// (Added = now) if needed. A description longer than
	// MaxFileDescription bytes is an error, and changes nothing.
	SetDescription(ctx context.Context, path, description string) error
	// MoveFileRecord follows a file moved from one path to another: the
	// record at from, with every user's tag of from, moves to to,
	// replacing the record and the tags there (they were the replaced
	// file's). When there is no record at from, it returns ErrNotFound,
	// having moved the tags and removed the record at to all the same,
	// so a caller that moved the file may ignore ErrNotFound. Moving a
	// path to itself changes nothing.
	MoveFileRecord(ctx context.Context, from, to string) error
	// DeleteFileRecord removes a record and the tags of its path; a
	// missing record is not an error (files are removed by sftp and by
	// the sysop).
	DeleteFileRecord(ctx context.Context, path string) error
	// CountDownload adds one download to path's record (creating it,
	// Added = now), and, for an account (userID != 0), one file and n
	// bytes to its DownFiles and DownBytes, in one transaction. An
	// unknown account is ErrNotFound, and nothing is counted; n below 0
	// is an error.
	CountDownload(ctx context.Context, path string, userID, n int64) error
	// CountUpload adds one file and n bytes to the account's UpFiles and
	// UpBytes. An unknown account is ErrNotFound; ID 0 (a guest) counts
	// nothing; n below 0 is an error.
	CountUpload(ctx context.Context, userID, n int64) error
	// Totals returns the account's totals (zeros when it has none, or
	// for an unknown account).
	Totals(ctx context.Context, userID int64) (TransferTotals, error)
	// Tag adds path to the account's tagged files, unless it is there
	// already (no error, and the order is kept). An account that has max
	// tags already gets ErrLimit (so max 0 allows none); an unknown
	// account is ErrNotFound.
	Tag(ctx context.Context, userID int64, path string, max int) error
	// Untag removes path from the account's tags; not tagged is not an
	// error.
	Untag(ctx context.Context, userID int64, path string) error
	// Tags returns the account's tagged paths in the order they were
	// tagged (empty for an account with none, or an unknown one).
	Tags(ctx context.Context, userID int64) ([]string, error)
	// ClearTags removes every tag of the account.
	ClearTags(ctx context.Context, userID int64) error
}

// Message is a post in a public area or a private letter.
type Message struct {
	ID int64
	// Area is the public area's tag ("general"), or "" for a private
	// message.
	Area string
	// To is the recipient's current handle for a private message, ""
	// otherwise; exactly one of Area and To is set.
	To      string
	From    string
	Subject string
	Body    string
	// Parent is the ID of the message this one answers, 0 if none; it may
	// be in another area or mailbox.
	Parent  int64
	Created time.Time
}

// MessageQuery selects messages: those of one public area, or the
// private messages to one user. Lists are in order of ID, which only
// grows, so the oldest come first.
type MessageQuery struct {
	Area string // a public area, or ""
	To   string // with Area "", the recipient whose mail to list; ignored otherwise
	// AfterID lists only messages with a greater ID (0: from the start).
	AfterID int64
	// Limit bounds the list; 0 means no limit, a negative value an empty
	// list.
	Limit int
}

// Messages stores message areas and private mail.
type Messages interface {
	// PostMessage stores m, setting its ID and, when zero, Created. A
	// private message to a handle that does not exist is ErrNotFound, as
	// is a Parent that does not exist.
	PostMessage(ctx context.Context, m *Message) error
	// Message returns one message, or ErrNotFound.
	Message(ctx context.Context, id int64) (*Message, error)
	// ListMessages returns the messages q selects, oldest first.
	ListMessages(ctx context.Context, q MessageQuery) ([]Message, error)
	// DeleteMessage removes a message; its replies keep their Parent
	// (pointing at nothing). ErrNotFound if there is no such message.
	DeleteMessage(ctx context.Context, id int64) error
	// CountAfter returns how many messages q selects with an ID above
	// q.AfterID, without loading them (q.Limit is ignored).
	CountAfter(ctx context.Context, q MessageQuery) (int, error)
	// LastRead returns the ID of the newest message the user has read in
	// an area ("" for their private mail), 0 if none.
	LastRead(ctx context.Context, handle, area string) (int64, error)
	// SetLastRead moves the user's read pointer in an area forward to id;
	// it never moves it back.
	SetLastRead(ctx context.Context, handle, area string, id int64) error
}

// Poll is a question with up to MaxPollOptions answers.
type Poll struct {
	ID       int64
	Question string
	Options  []string
	Author   string
	Created  time.Time
}

// MaxPollOptions is the most answers a poll may offer.
const MaxPollOptions = 10

// Polls stores polls and votes.
type Polls interface {
	// CreatePoll stores p, setting its ID and, when zero, Created. It
	// needs 2 to MaxPollOptions options.
	CreatePoll(ctx context.Context, p *Poll) error
	// Polls lists every poll, newest first.
	Polls(ctx context.Context) ([]Poll, error)
	// Poll returns one poll, or ErrNotFound.
	Poll(ctx context.Context, id int64) (*Poll, error)
	// DeletePoll removes a poll and its votes, or returns ErrNotFound.
	DeletePoll(ctx context.Context, id int64) error
	// Vote records the user's answer (an index into Options), replacing
	// an earlier vote. An unknown poll or user is ErrNotFound.
	Vote(ctx context.Context, pollID int64, handle string, option int) error
	// Results returns the votes for each option, and the user's own
	// choice (-1 if they have not voted).
	Results(ctx context.Context, pollID int64, handle string) (counts []int, mine int, err error)
}

// Bounds of a script's saved data, checked by every engine.
const (
	MaxScriptName  = 64       // bytes in a script's name
	MaxScriptKey   = 200      // bytes in a key
	MaxScriptValue = 64 << 10 // bytes in a value
	MaxScriptKeys  = 10000    // keys one script may hold
)

// ScriptValue is one saved key of a script.
type ScriptValue struct {
	Key     string
	Value   string
	Updated time.Time
}

// ScriptData keeps the state sysops' scripts save (high scores, the
// automessage, a BBS list): per script, keys and string values. An empty
// name or key, or a name, key or value beyond the bounds above, is
// refused with an error; a Set that would give a script more than
// MaxScriptKeys keys returns ErrLimit.
type ScriptData interface {
	// GetScriptValue returns the value of key, or ErrNotFound.
	GetScriptValue(ctx context.Context, script, key string) (string, error)
	// SetScriptValue saves value under key, replacing any.
	SetScriptValue(ctx context.Context, script, key, value string) error
	// DeleteScriptValue removes key; removing a missing key is not an
	// error.
	DeleteScriptValue(ctx context.Context, script, key string) error
	// ListScriptValues returns at most limit keys starting with prefix,
	// sorted by key (bytewise), beginning after the key after ("" for
	// the first page).
	ListScriptValues(ctx context.Context, script, prefix, after string, limit int) ([]ScriptValue, error)
}

// Store groups the stores of one engine, one field per concern.
type Store struct {
	Users     Users
	Calls     Calls
	Oneliners Oneliners
	Bans      Bans
	Keys      Keys
	Uploads   Uploads
	Files     Files
	Messages  Messages
	Polls     Polls
	// ScriptData is the key–value store of sysops' scripts.
	ScriptData ScriptData
	// Closer releases the engine's resources.
	Closer io.Closer
}

// Close closes the engine.
func (s *Store) Close() error {
	if s.Closer == nil {
		return nil
	}
	return s.Closer.Close()
}

// errPasswordChanged stops a rehash when the password changed meanwhile.
var errPasswordChanged = errors.New("store: the password changed meanwhile")

// Rehash stores a fresh hash of password for u, whose stored hash was
// made with older parameters (a login just checked password against it).
// If the password changed meanwhile, the new one is kept and u is
// returned as it was. hash is run before the store is held.
func Rehash(ctx context.Context, users Users, u *User, password string, hash func(context.Context, string) (string, error)) (*User, error) {
	h, err := hash(ctx, password)
	if err != nil {
		return u, err
	}
	old := u.Password
	fresh, err := users.ModifyUser(ctx, u.ID, func(s *User) error {
		if s.Password != old {
			return errPasswordChanged
		}
		s.Password = h
		return nil
	})
	if errors.Is(err, errPasswordChanged) {
		return u, nil
	}
	if err != nil {
		return u, err
	}
	return fresh, nil
}
