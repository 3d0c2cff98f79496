package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/internal/diz"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/logcap"
	"github.com/x84bbs/x84/internal/xfer"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Limits that are not configurable: they bound work done for one request.
const (
	// MaxListed bounds the files one listing shows.
	MaxListed = 5000
	// MaxFound bounds a search's matches.
	MaxFound = 200
	// MaxCached bounds the descriptions read from archives kept in memory.
	MaxCached = 10000
	// MaxView bounds a text file shown in the terminal.
	MaxView = 64 << 10
)

// Defaults of Config.
const (
	DefaultMaxTags  = 100
	DefaultMaxBatch = 1 << 30
)

// Errors. Their texts are meant for callers; each is an *Error, whose
// message id says it in a caller's language (MessageID).
var (
	ErrAnonymous error = newError("files.error.anonymous", "guests cannot tag, download or upload files; log in with an account")
	ErrTooMany   error = newError("files.error.too_many", "you have tagged as many files as you may; download or untag some first")
	ErrBatch     error = newError("files.error.batch", "that is more than one batch may hold; untag some files")
	ErrRatio     error = newError("files.error.ratio", "your download ratio is used up; upload something first")
	ErrSysop     error = newError("files.error.sysop", "only sysops may do that")
	ErrNoUpload  error = newError("files.error.no_upload", "uploads are not taken in this area")
	ErrNotFound  error = newError("files.error.not_found", "no such file")
	ErrNoArea    error = newError("files.error.no_area", "that file area is not open to you")
)

// Error is a refusal of the service's meant for the caller: its text in
// English, and the message that says it in a caller's language.
type Error struct {
	// Kind is the error it is one of, which errors.Is matches (ErrRatio
	// for "your download ratio is used up; … (12 KiB left)"), or nil.
	Kind error
	// Msg is the text, in English.
	Msg string
	// ID names Msg in the board's message catalogs ("files.error.ratio")
	// and Args are the values of its placeholders in pairs: name,
	// value, … (see MessageID).
	ID   string
	Args []string
	// Sizes are the byte counts of those placeholders whose values are
	// sizes written by SizeString, by name, so that a screen may write
	// them its caller's way ("12,0 KiB").
	Sizes map[string]int64
}

func newError(id, msg string) *Error { return &Error{Msg: msg, ID: id} }

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the error's Kind.
func (e *Error) Unwrap() error { return e.Kind }

// ratioLeft is ErrRatio saying how much is left.
func ratioLeft(left int64) error {
	size := SizeString(left)
	return &Error{Kind: ErrRatio, Msg: fmt.Sprintf("%s (%s left)", ErrRatio, size),
		ID: "files.error.ratio_left", Args: []string{"left", size}, Sizes: map[string]int64{"left": left}}
}

// notFound is ErrNotFound naming the file.
func notFound(name string) error {
	return &Error{Kind: ErrNotFound, Msg: name + ": " + ErrNotFound.Error(),
		ID: "files.error.not_found_name", Args: []string{"name", name}}
}

// errNotText is View's refusal of a file that is not text.
var errNotText error = newError("files.error.not_text", "that is not a text file")

// errTwice refuses a file a batch sends again.
var errTwice error = newError("files.error.twice", "sent twice in one batch")

// AreaConfig is one [[files.area]] table.
type AreaConfig struct {
	Name, Dir, Description string
	// Upload: "everyone" (or ""), "sysops" or "nobody".
	Upload    string
	SysopOnly bool
	// Need is what a caller needs to see the area (see package access).
	Need access.Need
}

// Config configures the service. Area and Store are required.
type Config struct {
	Area  *filearea.Area
	Store store.Files
	// Areas are the areas in order; none means one, "Files", the root.
	Areas []AreaConfig
	// MaxTags bounds a caller's tagged files, MaxBatch a batch's bytes.
	MaxTags  int
	MaxBatch int64
	// Ratio, above 0, lets a caller download Ratio bytes per byte
	// uploaded, after RatioFree bytes. Sysops are exempt.
	Ratio     int
	RatioFree int64
	// LinkLifetime is how long a download link works (default 10 minutes).
	LinkLifetime time.Duration
	// TransferTimeout is how long a caller's terminal has to start a
	// transfer (default a minute).
	TransferTimeout time.Duration
	Logger          *slog.Logger
}

// Service is the file areas' rules.
type Service struct {
	cfg   Config
	log   *slog.Logger
	areas []Area
	links *links

	mu   sync.Mutex
	dizs map[dizKey]string // descriptions read from archives

	// rmu guards reserved, the bytes of downloads under way per account
	// that the ratio must count before they are done. It is held across
	// the store calls that read and add to an account's totals, so that
	// a check never sees a download neither reserved nor counted.
	rmu      sync.Mutex
	reserved map[int64]int64
}

type dizKey struct {
	path string
	size int64
	mod  time.Time
}

// Area is one area as callers see it.
type Area struct {
	Name, Description string
	// Dir is the folder, as filearea paths name it ("/pub").
	Dir       string
	Upload    string
	SysopOnly bool
	// Need is what a caller needs to see the area.
	Need access.Need
	// Review is the upload folder: sysops see every upload awaiting
	// review there, a caller his own.
	Review bool
}

// New builds the service.
func New(cfg Config) (*Service, error) {
	if cfg.Area == nil || cfg.Store == nil {
		return nil, errors.New("files: Config.Area and Config.Store are required")
	}
	if cfg.MaxTags <= 0 {
		cfg.MaxTags = DefaultMaxTags
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.LinkLifetime <= 0 {
		cfg.LinkLifetime = 10 * time.Minute
	}
	if cfg.TransferTimeout <= 0 {
		cfg.TransferTimeout = time.Minute
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: cfg, log: log, dizs: make(map[dizKey]string), links: newLinks(cfg.LinkLifetime),
		reserved: make(map[int64]int64)}
	for _, a := range cfg.Areas {
		up := strings.ToLower(a.Upload)
		if up == "" {
			up = "everyone"
		}
		s.areas = append(s.areas, Area{Name: a.Name, Description: a.Description,
			Dir: clean(a.Dir), Upload: up, SysopOnly: a.SysopOnly, Need: a.Need})
	}
	if len(s.areas) == 0 {
		s.areas = []Area{{Name: "Files", Description: "The board's files", Dir: "/", Upload: "everyone"}}
	}
	s.areas = append(s.areas, Area{Name: "Uploads", Description: "Uploads waiting for a sysop",
		Dir: cfg.Area.UploadDir(), Upload: "everyone", Review: true})
	cfg.Area.SetDownloadHook(sftpDownloads{s})
	cfg.Area.SetAccessHook(sftpAccess{s})
	return s, nil
}

// sftpDownloads holds sftp downloads to the ratio and counts them, as
// the Files screen's transfers are.
type sftpDownloads struct{ s *Service }

func (d sftpDownloads) StartDownload(ctx context.Context, u filearea.User, rel string, size int64) error {
	_, err := d.s.reserve(ctx, User{ID: u.ID, Handle: u.Handle, Sysop: u.Sysop}, size)
	return err
}

func (d sftpDownloads) EndDownload(ctx context.Context, u filearea.User, rel string, size int64, whole bool) {
	held := int64(0)
	if d.s.rationed(User{ID: u.ID, Sysop: u.Sysop}) {
		held = size
	}
	var count []counted
	if whole {
		count = []counted{{rel, size}}
	}
	d.s.settle(ctx, u.ID, held, count)
}

// rationed reports whether the ratio applies to u.
func (s *Service) rationed(u User) bool { return s.cfg.Ratio > 0 && !u.Sysop && u.ID != 0 }

// allowance is what u may still download: the ratio's allowance less
// what downloads under way hold. Called with rmu held.
func (s *Service) allowanceLocked(ctx context.Context, u User) (int64, error) {
	t, err := s.cfg.Store.Totals(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	return max(0, s.cfg.RatioFree+t.UpBytes*int64(s.cfg.Ratio)-t.DownBytes-s.reserved[u.ID]), nil
}

// reserve holds n bytes of u's allowance for a download under way, or
// says why not; it returns what it held (0 where no ratio applies).
func (s *Service) reserve(ctx context.Context, u User, n int64) (int64, error) {
	if !s.rationed(u) {
		return 0, nil
	}
	s.rmu.Lock()
	defer s.rmu.Unlock()
	left, err := s.allowanceLocked(ctx, u)
	if err != nil {
		return 0, err
	}
	if n > left {
		return 0, ratioLeft(left)
	}
	s.reserved[u.ID] += n
	return n, nil
}

// counted is a file downloaded whole.
type counted struct {
	rel  string
	size int64
}

// settle counts the files of a download that went whole and gives back
// what it held, in one step under rmu.
func (s *Service) settle(ctx context.Context, userID, held int64, files []counted) {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	for _, f := range files {
		if err := s.cfg.Store.CountDownload(ctx, f.rel, userID, f.size); err != nil {
			s.log.Error("files: count download", "path", f.rel, "err", err)
		}
	}
	if held != 0 {
		if s.reserved[userID] -= held; s.reserved[userID] <= 0 {
			delete(s.reserved, userID)
		}
	}
}

// Area is the file area the service works on.
func (s *Service) Area() *filearea.Area { return s.cfg.Area }

// TransferTimeout is how long a caller's terminal has to start a
// transfer.
func (s *Service) TransferTimeout() time.Duration { return s.cfg.TransferTimeout }

// User is the caller a Browser works for.
type User struct {
	ID     int64
	Handle string
	Sysop  bool
	// Account is the caller's account, which areas' needs are checked
	// against; nil is a guest.
	Account *store.User
}

// Browser is one caller's look at the file areas. Close it.
type Browser struct {
	svc  *Service
	user User
	fs   *filearea.Session
	ctx  context.Context
}

// Open starts a caller's browsing. It fails with
// filearea.ErrTooManySessions when the caller has too many transfer
// sessions (sftp included) open.
func (s *Service) Open(ctx context.Context, u User) (*Browser, error) {
	fs, err := s.cfg.Area.NewSession(ctx, filearea.User{ID: u.ID, Handle: u.Handle, Sysop: u.Sysop, Account: u.Account})
	if err != nil {
		return nil, err
	}
	return &Browser{svc: s, user: u, fs: fs, ctx: ctx}, nil
}

// Close ends the browsing.
func (b *Browser) Close() { b.fs.Close() }

// SetActivity makes downloads show in who's online through f.
func (b *Browser) SetActivity(f func(string)) { b.fs.Activity = f }

// Areas are the areas the caller may see.
func (b *Browser) Areas() []Area {
	var out []Area
	for _, a := range b.svc.areas {
		if b.sees(a) {
			out = append(out, a)
		}
	}
	return out
}

// MayUpload reports whether the caller may upload from area a: not a
// guest, nor an account awaiting validation (Receive says why).
func (b *Browser) MayUpload(a Area) bool {
	switch {
	case b.user.ID == 0:
		return false
	case !b.user.Sysop && access.CheckValidated(b.user.Account) != nil:
		return false
	case a.Upload == "nobody":
		return false
	case a.Upload == "sysops":
		return b.user.Sysop
	}
	return true
}

// Entry is a file as the Files screen lists it.
type Entry struct {
	// Name is the file's name (escaped as listings show it), Path its
	// path for the other calls, Area the name of its area.
	Name, Path, Area string
	Size             int64
	Modified         time.Time
	Downloads        int64
	// Description: the sysop's, else the archive's FILE_ID.DIZ, else "";
	// cleaned of terminal control sequences.
	Description string
	Tagged      bool
}

// List lists the files of area a, by name.
func (b *Browser) List(a Area) ([]Entry, error) {
	if !b.seesArea(a) {
		return nil, ErrNoArea
	}
	tags, err := b.tagSet()
	if err != nil {
		return nil, err
	}
	return b.list(a, tags)
}

// list is List with the caller's tags read already (a search lists
// every area).
func (b *Browser) list(a Area, tags map[string]bool) ([]Entry, error) {
	infos, err := b.fs.List(a.Dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil // an area whose folder the sysop has not made
		}
		return nil, err
	}
	recs, err := b.svc.cfg.Store.FileRecords(b.ctx, strings.TrimPrefix(a.Dir, "/"))
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, fi := range infos {
		if !fi.Mode().IsRegular() {
			continue
		}
		if len(out) == MaxListed {
			break
		}
		p := path.Join(a.Dir, fi.Name())
		rec := recs[strings.TrimPrefix(p, "/")]
		e := Entry{Name: fi.Name(), Path: p, Area: a.Name, Size: fi.Size(), Modified: fi.ModTime(),
			Downloads: rec.Downloads, Description: term.SanitizeText(rec.Description), Tagged: tags[p]}
		if e.Description == "" {
			e.Description = b.svc.archiveDescription(b.fs, p, fi)
		}
		out = append(out, e)
	}
	return out, nil
}

// archiveDescription reads (once, then from the cache) the FILE_ID.DIZ
// of a zip.
func (s *Service) archiveDescription(fs *filearea.Session, p string, fi fs.FileInfo) string {
	if !strings.EqualFold(path.Ext(p), ".zip") {
		return ""
	}
	key := dizKey{p, fi.Size(), fi.ModTime()}
	s.mu.Lock()
	d, ok := s.dizs[key]
	s.mu.Unlock()
	if ok {
		return d
	}
	if f, err := fs.Peek(p); err == nil {
		d, _ = diz.FromZip(f, fi.Size())
		f.Close()
	}
	s.mu.Lock()
	if len(s.dizs) >= MaxCached {
		clear(s.dizs) // simple and bounded; listings fill it again
	}
	s.dizs[key] = d
	s.mu.Unlock()
	return d
}

// Search finds files whose name or description holds text (without
// regard to case), in every area the caller sees, up to MaxFound.
func (b *Browser) Search(text string) ([]Entry, error) {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return nil, nil
	}
	return b.filter(func(e Entry) bool {
		return strings.Contains(strings.ToLower(e.Name), text) || strings.Contains(strings.ToLower(e.Description), text)
	})
}

// NewSince lists the files modified after t in every area the caller
// sees, up to MaxFound.
func (b *Browser) NewSince(t time.Time) ([]Entry, error) {
	return b.filter(func(e Entry) bool { return e.Modified.After(t) })
}

func (b *Browser) filter(keep func(Entry) bool) ([]Entry, error) {
	tags, err := b.tagSet()
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, a := range b.Areas() {
		if a.Review {
			continue
		}
		es, err := b.list(a, tags)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if keep(e) {
				if out = append(out, e); len(out) == MaxFound {
					return out, nil
				}
			}
		}
	}
	return out, nil
}

func (b *Browser) tagSet() (map[string]bool, error) {
	if b.user.ID == 0 {
		return nil, nil
	}
	tags, err := b.svc.cfg.Store.Tags(b.ctx, b.user.ID)
	if err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(tags))
	for _, t := range tags {
		m["/"+t] = true
	}
	return m, nil
}

// Tag tags or untags a file for a batch download. A file in an area
// the caller may not see is not tagged (ErrNoArea); one may always be
// untagged.
func (b *Browser) Tag(p string, on bool) error {
	if b.user.ID == 0 {
		return ErrAnonymous
	}
	p = clean(p)
	rel := strings.TrimPrefix(p, "/")
	if !on {
		return b.svc.cfg.Store.Untag(b.ctx, b.user.ID, rel)
	}
	if err := b.checkPaths(p); err != nil {
		return err
	}
	err := b.svc.cfg.Store.Tag(b.ctx, b.user.ID, rel, b.svc.cfg.MaxTags)
	if errors.Is(err, store.ErrLimit) {
		return ErrTooMany
	}
	return err
}

// Tagged lists the caller's tagged files that still exist, in the order
// tagged, with their total size. Tags of files gone are dropped; those
// of files in areas the caller may not see (now) are left out, and kept
// for when the area opens to him again.
func (b *Browser) Tagged() ([]Entry, int64, error) {
	if b.user.ID == 0 {
		return nil, 0, nil
	}
	tags, err := b.svc.cfg.Store.Tags(b.ctx, b.user.ID)
	if err != nil {
		return nil, 0, err
	}
	var out []Entry
	var total int64
	for _, t := range tags {
		p := "/" + t
		if b.checkPaths(p) != nil {
			continue
		}
		fi, err := b.fs.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			b.svc.cfg.Store.Untag(b.ctx, b.user.ID, t) // the file is gone
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, Entry{Name: path.Base(p), Path: p, Size: fi.Size(), Modified: fi.ModTime(), Tagged: true})
		total += fi.Size()
	}
	return out, total, nil
}

// ClearTags untags every file.
func (b *Browser) ClearTags() error {
	if b.user.ID == 0 {
		return nil
	}
	return b.svc.cfg.Store.ClearTags(b.ctx, b.user.ID)
}

// Allowance is how many bytes the caller may still download under the
// ratio (less what downloads under way hold), or -1 when no ratio
// applies.
func (b *Browser) Allowance() (int64, error) {
	if !b.svc.rationed(b.user) {
		return -1, nil
	}
	b.svc.rmu.Lock()
	defer b.svc.rmu.Unlock()
	return b.svc.allowanceLocked(b.ctx, b.user)
}

// Batch is a download about to start: the files for a transfer
// protocol, and what to record once it has run.
type Batch struct {
	b     *Browser
	Files []xfer.Outgoing
	Total int64
	paths map[string]string // name sent -> path
	held  int64             // of the caller's allowance, until Done
	once  sync.Once
}

// Prepare checks a download of the files at paths (each in an area the
// caller sees, else ErrNoArea; the batch limit, the ratio, that each
// file may be read) and returns it ready to send,
// holding its size of the caller's allowance until Done (or Release)
// is called: one of them must be.
func (b *Browser) Prepare(paths []string) (*Batch, error) {
	return b.prepare(paths, true)
}

// prepare is Prepare, or with hold unset only its checks.
func (b *Browser) prepare(paths []string, hold bool) (*Batch, error) {
	if b.user.ID == 0 {
		return nil, ErrAnonymous
	}
	if err := b.checkPaths(paths...); err != nil {
		return nil, err
	}
	bt := &Batch{b: b, paths: map[string]string{}}
	for _, p := range paths {
		p = clean(p)
		fi, err := b.fs.Stat(p)
		if err != nil {
			return nil, notFound(path.Base(p))
		}
		name := path.Base(p)
		if _, dup := bt.paths[name]; dup {
			continue // two areas with one name: a protocol names files by base name
		}
		bt.paths[name] = p
		bt.Total += fi.Size()
		bt.Files = append(bt.Files, xfer.Outgoing{
			File: xfer.File{Name: name, Size: fi.Size(), ModTime: fi.ModTime()},
			Open: func() (io.ReadCloser, error) { return b.fs.Open(p) },
		})
	}
	if bt.Total > b.svc.cfg.MaxBatch {
		return nil, ErrBatch
	}
	if !hold {
		left, err := b.Allowance()
		if err != nil {
			return nil, err
		}
		if left >= 0 && bt.Total > left {
			return nil, ratioLeft(left)
		}
		return bt, nil
	}
	var err error
	if bt.held, err = b.svc.reserve(b.ctx, b.user, bt.Total); err != nil {
		return nil, err
	}
	return bt, nil
}

// Release gives back the allowance a batch held, when it will not be
// sent after all. Done does it too; either may be called again.
func (bt *Batch) Release() { bt.Done(nil) }

// Done records the files a transfer sent whole: a download each, the
// bytes in the caller's totals, and their tags removed; and gives back
// the allowance the batch held. Only its first call counts.
func (bt *Batch) Done(sent []xfer.File) {
	bt.once.Do(func() {
		b := bt.b
		ctx := context.WithoutCancel(b.ctx) // counted even if the caller hung up
		var count []counted
		for _, f := range sent {
			if p, ok := bt.paths[f.Name]; ok {
				count = append(count, counted{strings.TrimPrefix(p, "/"), f.Size})
			}
		}
		b.svc.settle(ctx, b.user.ID, bt.held, count)
		for _, c := range count {
			b.svc.cfg.Store.Untag(ctx, b.user.ID, c.rel)
		}
	})
}

// Limits of one upload batch.
const (
	// MaxRefused is how many refused files a batch may offer before the
	// transfer is cancelled: a sender repeating refused names would
	// otherwise keep a transfer going for nothing.
	MaxRefused = 50
	// maxShownRefused is how many refusals the result keeps, each name
	// cut to maxShownName bytes.
	maxShownRefused = 10
	maxShownName    = 64
)

// ErrTooManyRefused cancels a batch that offered MaxRefused refused files.
var ErrTooManyRefused error = newError("files.error.too_many_refused", "too many files were refused")

// Receiver takes a transfer's uploads into the upload folder. Create is
// for the protocol; a file is committed as soon as it has arrived whole
// (its declared size reached and closed), so that a batch holds one
// open file at a time; Finish, called once the transfer has ended,
// commits what is left that arrived whole and throws the rest away.
type Receiver struct {
	b       *Browser
	open    []*filearea.Upload
	names   []string
	seen    map[string]bool
	refused int
	Created []string // names committed, for the result shown
	Refused []string // names refused, with why (the first few), in English
	// Refusals are the same refusals, each with its error, so that a
	// screen says why in its caller's language (MessageID).
	Refusals []Refusal
}

// Refusal is a file an upload refused: its name (cleaned of terminal
// control sequences, cut short) and why.
type Refusal struct {
	Name string
	Err  error
}

// Receive starts taking uploads from area a. An account awaiting a
// sysop's validation gets access.ErrUnvalidated.
func (b *Browser) Receive(a Area) (*Receiver, error) {
	if b.user.ID == 0 {
		return nil, ErrAnonymous
	}
	if !b.user.Sysop {
		if err := access.CheckValidated(b.user.Account); err != nil {
			return nil, err
		}
	}
	if !b.MayUpload(a) {
		return nil, ErrNoUpload
	}
	if !b.seesArea(a) {
		return nil, ErrNoArea
	}
	return &Receiver{b: b, seen: map[string]bool{}}, nil
}

// uploadWriter is one file of a batch. Close commits it when its size
// was declared and reached; otherwise Finish decides.
type uploadWriter struct {
	r    *Receiver
	u    *filearea.Upload
	name string
	size int64 // declared, -1 if not
	done bool  // committed or refused at Close
}

func (w *uploadWriter) Write(p []byte) (int, error) { return w.u.Write(p) }

func (w *uploadWriter) Close() error {
	if w.size < 0 || w.u.Size() != w.size || w.done {
		return nil
	}
	w.done = true
	w.r.forget(w.u)
	return w.r.commit(w.name, w.u)
}

// Create starts one file: refused names are skipped (xfer.ErrSkip), so
// the rest of a batch still arrives, up to MaxRefused of them.
func (r *Receiver) Create(f xfer.File) (io.WriteCloser, error) {
	name := baseName(f.Name)
	var err error
	if r.seen[name] {
		err = errTwice
	} else {
		var u *filearea.Upload
		if u, err = r.b.fs.Create(name); err == nil {
			r.seen[name] = true
			r.open = append(r.open, u)
			r.names = append(r.names, name)
			return &uploadWriter{r: r, u: u, name: name, size: f.Size}, nil
		}
	}
	r.refuse(name, err)
	if r.refused >= MaxRefused {
		return nil, ErrTooManyRefused
	}
	return nil, xfer.ErrSkip
}

// baseName is the file name a sender gave, without the folders some
// senders put before it (DOS's too): only the name counts.
func baseName(name string) string {
	return name[strings.LastIndexAny(name, "/\\")+1:]
}

// refuse notes a refused file for the result.
func (r *Receiver) refuse(name string, err error) {
	r.refused++
	if len(r.Refused) < maxShownRefused {
		name = logcap.Cut(term.Sanitize(name), maxShownName)
		r.Refused = append(r.Refused, name+": "+reason(err))
		r.Refusals = append(r.Refusals, Refusal{Name: name, Err: err})
	}
}

// forget drops u from the uploads Finish decides.
func (r *Receiver) forget(u *filearea.Upload) {
	if i := slices.Index(r.open, u); i >= 0 {
		r.open = slices.Delete(r.open, i, i+1)
		r.names = slices.Delete(r.names, i, i+1)
	}
}

// commit puts a whole file in place and counts it.
func (r *Receiver) commit(name string, u *filearea.Upload) error {
	if err := u.Commit(); err != nil {
		r.refuse(name, err)
		return err
	}
	r.Created = append(r.Created, name)
	ctx := context.WithoutCancel(r.b.ctx) // counted even if the caller hung up
	if err := r.b.svc.cfg.Store.CountUpload(ctx, r.b.user.ID, u.Size()); err != nil {
		r.b.svc.log.Error("files: count upload", "err", err)
	}
	return nil
}

// Finish commits the files still open that are in whole (the transfer's
// result) and aborts the rest. It returns the first commit error.
func (r *Receiver) Finish(whole []xfer.File, transferErr error) error {
	done := map[string]bool{}
	for _, f := range whole {
		done[baseName(f.Name)] = true
	}
	var first error
	for i, u := range r.open {
		if !done[r.names[i]] {
			u.Abort(transferErr)
			continue
		}
		first = cmpOr(first, r.commit(r.names[i], u))
	}
	r.open, r.names = nil, nil
	return first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// reason is an error's text for a caller: filearea's say "filearea:
// ..." for the log.
func reason(err error) string {
	if msg, ok := Message(err); ok {
		return msg
	}
	return err.Error()
}

// Message returns an error's text for the caller, in English, and
// whether it is meant for one: the service's errors, and the file area's
// refusals and limits ("filearea: …", the prefix dropped). Other errors
// are the system's, for the log. MessageID says the text in a caller's
// language.
func Message(err error) (string, bool) {
	var fe *Error
	if errors.As(err, &fe) || errors.Is(err, access.ErrUnvalidated) ||
		errors.Is(err, filearea.ErrQuota) || errors.Is(err, filearea.ErrTooLarge) || errors.Is(err, filearea.ErrMaxFiles) {
		return strings.TrimPrefix(err.Error(), "filearea: "), true
	}
	if msg := err.Error(); strings.HasPrefix(msg, "filearea: ") || !strings.Contains(msg, ": ") {
		return strings.TrimPrefix(msg, "filearea: "), true
	}
	return "", false
}

// MessageID returns the message id and placeholder pairs (name, value,
// …) that say Message(err) in a caller's language: the service's errors
// (an *Error in err's chain), access.ErrUnvalidated, and the file area's
// refusals and limits (filearea.MessageID). In English the catalog's
// message, filled from pairs, is Message(err)'s text. A pair named n is
// a count, by which the message's plural form is chosen
// (lang.Printer.N). ok is false for an error with no message id: one
// not meant for callers, or one in words no catalog has, which Message
// gives as it is.
func MessageID(err error) (id string, pairs []string, ok bool) {
	return MessageIDSized(err, nil)
}

// MessageIDSized is MessageID with the sizes among the pairs (those of
// Error.Sizes) written by size, the caller's way; a nil size keeps
// SizeString's.
func MessageIDSized(err error, size func(int64) string) (id string, pairs []string, ok bool) {
	var fe *Error
	switch {
	case errors.As(err, &fe) && fe.ID != "":
		if size == nil || len(fe.Sizes) == 0 {
			return fe.ID, fe.Args, true
		}
		pairs = slices.Clone(fe.Args)
		for i := 0; i+1 < len(pairs); i += 2 {
			if n, ok := fe.Sizes[pairs[i]]; ok {
				pairs[i+1] = size(n)
			}
		}
		return fe.ID, pairs, true
	case errors.Is(err, access.ErrUnvalidated):
		return "files.error.unvalidated", nil, true
	}
	return filearea.MessageID(err)
}

// Release moves an upload awaiting review into area a with a
// description (sysops only).
func (b *Browser) Release(p string, a Area, description string) error {
	if !b.user.Sysop {
		return ErrSysop
	}
	to := path.Join(a.Dir, path.Base(p))
	if err := b.fs.Rename(p, to); err != nil {
		return err
	}
	if err := b.svc.cfg.Store.MoveFileRecord(b.ctx, strings.TrimPrefix(p, "/"), strings.TrimPrefix(to, "/")); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if description = strings.TrimSpace(description); description != "" {
		return b.svc.cfg.Store.SetDescription(b.ctx, strings.TrimPrefix(to, "/"), description)
	}
	return nil
}

// Describe sets a file's description (sysops only).
func (b *Browser) Describe(p, description string) error {
	if !b.user.Sysop {
		return ErrSysop
	}
	return b.svc.cfg.Store.SetDescription(b.ctx, strings.TrimPrefix(p, "/"), strings.TrimSpace(description))
}

// Delete removes a file (sysops only).
func (b *Browser) Delete(p string) error {
	if !b.user.Sysop {
		return ErrSysop
	}
	if err := b.fs.Remove(p); err != nil {
		return err
	}
	return b.svc.cfg.Store.DeleteFileRecord(b.ctx, strings.TrimPrefix(p, "/"))
}

// View returns a text file's content for the terminal, up to MaxView
// bytes, cleaned of terminal control sequences. For a zip it is the
// archive's description.
func (b *Browser) View(p string) (string, error) {
	if err := b.checkPaths(p); err != nil {
		return "", err
	}
	f, err := b.fs.Peek(clean(p))
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if strings.EqualFold(path.Ext(p), ".zip") {
		return diz.FromZip(f, fi.Size())
	}
	buf, err := io.ReadAll(io.LimitReader(f, MaxView))
	if err != nil {
		return "", err
	}
	if slices.Contains(buf, 0) {
		return "", errNotText
	}
	return term.SanitizeText(strings.ReplaceAll(string(buf), "\r\n", "\n")), nil
}

// SizeString is a size for people: 512 B, 1.5 KiB, 23.0 MiB.
func SizeString(n int64) string {
	number, unit := SizeParts(n)
	return number + " " + unit
}

// SizeParts is SizeString in its parts, for a screen that writes sizes
// its caller's way: the number, with "." before its one decimal ("1.5";
// none for bytes: "512"), and the unit: "B", "KiB", "MiB" or "GiB".
func SizeParts(n int64) (number, unit string) {
	switch {
	case n < 1<<10:
		return strconv.FormatInt(n, 10), "B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64), "KiB"
	case n < 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), "MiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64), "GiB"
}
