package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/x84bbs/x84/store"
)

// Defaults of a zero BanConfig.
const (
	DefaultMaxFailures = 3
	DefaultWindow      = 30 * time.Second
	DefaultBanTime     = 6 * time.Minute
	DefaultIncrement   = 6 * time.Minute
	DefaultMaxBanTime  = 24 * time.Hour
	DefaultMaxTracked  = 100_000
	DefaultKeepExpired = 7 * 24 * time.Hour
)

// ReasonLoginFailures is the reason recorded for automatic bans.
const ReasonLoginFailures = "login failures"

// pruneEvery spaces out sweeps of the ban table, which are linear in it.
const pruneEvery = time.Hour

// BanConfig configures a Banner. The zero value gives the defaults above.
type BanConfig struct {
	// MaxFailures failed logins from one caller within Window of the
	// first of them ban the caller. A caller is an IPv4 address or an
	// IPv6 /64 network, the unit the server's per-address limit counts,
	// since one IPv6 host commonly holds a whole /64: failures from any
	// of its addresses add up, and the ban covers all of them. It also
	// bounds the caller's attempts in flight plus its failures (Begin),
	// so that a caller checks at most MaxFailures passwords before its
	// ban, however many connections it opens at once.
	MaxFailures int
	Window      time.Duration
	// BanTime is the length of a first ban. A repeat ban lasts BanTime +
	// strikes×Increment, where strikes counts the caller's earlier bans,
	// capped at MaxBanTime. A negative Increment makes every ban last
	// BanTime.
	BanTime    time.Duration
	Increment  time.Duration
	MaxBanTime time.Duration
	// Allow lists networks never banned nor counted; Deny lists networks
	// always refused. Deny wins when both hold an address.
	Allow, Deny []netip.Prefix
	// MaxTracked bounds the callers whose failures are counted at once;
	// past it the oldest count is forgotten.
	MaxTracked int
	// KeepExpired is how long an expired ban is kept, so that a repeat
	// offender's next ban is longer.
	KeepExpired time.Duration
	// Now, if non-nil, is used instead of time.Now.
	Now func() time.Time
}

// Ban is a ban on a network or address.
type Ban struct {
	Prefix  netip.Prefix
	Until   time.Time // zero for a permanent ban
	Strikes int       // bans earned by this prefix, this one included
	Reason  string
	Created time.Time
}

// Permanent reports whether b never ends.
func (b Ban) Permanent() bool { return b.Until.IsZero() }

// ActiveAt reports whether b is in force at t.
func (b Ban) ActiveAt(t time.Time) bool { return b.Permanent() || t.Before(b.Until) }

// BannedError is Check's answer for a banned address. Unlike other errors
// of this package, its message is meant for the caller: a front end may
// write it to the connection before closing it.
type BannedError struct {
	Until     time.Time // zero when Permanent
	Permanent bool
	now       time.Time // when it was made, to choose how to show Until
}

// Error returns "Your address is banned until 14:36 UTC." (with the date
// when the ban ends after a day), or "Your address is banned." for a
// permanent ban.
func (e *BannedError) Error() string {
	if e.Permanent {
		return "Your address is banned."
	}
	// Round up, so a caller who waits until the time shown gets in.
	u := e.Until.UTC()
	if t := u.Truncate(time.Minute); t.Before(u) {
		u = t.Add(time.Minute)
	}
	layout := "15:04 MST"
	if e.now.IsZero() || u.Sub(e.now) >= 24*time.Hour {
		layout = "2 Jan 2006 15:04 MST"
	}
	return "Your address is banned until " + u.Format(layout) + "."
}

// Banner bans callers that fail to log in too often ("fail2ban"), and
// holds the sysop's bans. A caller is an IPv4 address or an IPv6 /64
// network (see BanConfig.MaxFailures). Bans are kept in memory, where
// Check reads them without touching the store, and written through to
// store.Bans.
//
// A login that checks a password asks Begin first and ends with Release
// or Fail, so that Banner also counts the attempts in flight: a caller
// that opens many connections at once is not checked more passwords
// than one that tries them in turn, and its ban is made once (Fail's
// newBan), not once per attempt that was in flight.
//
// All methods are safe for concurrent use. Banner starts no goroutines:
// old failure counts and bans are pruned as new ones are added.
type Banner struct {
	cfg   BanConfig
	store store.Bans // nil: bans are not persisted
	log   *slog.Logger

	// wmu serialises writes to the store. Each write copies the memory's
	// current state of a prefix, so the store ends up as the memory
	// whatever order changes race in. Taken before mu, never under it.
	wmu sync.Mutex

	mu       sync.Mutex
	bans     map[netip.Prefix]Ban
	bits     [2][129]int              // number of bans per (IPv6?, prefix length)
	failures map[netip.Prefix]failure // by caller
	inflight map[netip.Prefix]int     // attempts begun and not ended, by caller; no zeros
	// queue lists failure windows by start, oldest first, so the oldest
	// is found without a scan; entries whose window has been replaced or
	// dropped are skipped.
	queue     []queued
	head      int
	lastPrune time.Time

	onChange atomic.Pointer[func()]
}

// OnChange makes f run after each ban this Banner makes or lifts is
// saved in the store: a cluster's nodes tell each other to Reload.
func (b *Banner) OnChange(f func()) { b.onChange.Store(&f) }

// changed runs the OnChange function.
func (b *Banner) changed() {
	if f := b.onChange.Load(); f != nil {
		(*f)()
	}
}

// Reload replaces the bans held in memory with the store's, which
// another process (a node of a cluster) may have changed. Failure counts
// are kept.
func (b *Banner) Reload(ctx context.Context) error {
	if b.store == nil {
		return nil
	}
	// Not while this Banner writes: a ban it is saving would be lost
	// from memory, read before the write was.
	b.wmu.Lock()
	defer b.wmu.Unlock()
	saved, err := b.store.Bans(ctx)
	if err != nil {
		return fmt.Errorf("auth: reloading bans: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for p := range b.bans {
		b.deleteLocked(p)
	}
	for _, s := range saved {
		if p, err := netip.ParsePrefix(s.Prefix); err == nil {
			b.putLocked(Ban{Prefix: NormalPrefix(p), Until: s.Until, Strikes: s.Strikes, Reason: s.Reason, Created: s.Created})
		}
	}
	return nil
}

type failure struct {
	start time.Time // the window's first failure
	count int
}

type queued struct {
	caller netip.Prefix
	start  time.Time
}

// NewBanner returns a Banner holding the bans saved in bans, which may be
// nil to keep bans in memory only. log may be nil.
func NewBanner(ctx context.Context, cfg BanConfig, bans store.Bans, log *slog.Logger) (*Banner, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Banner{
		cfg:      cfg,
		store:    bans,
		log:      log,
		bans:     make(map[netip.Prefix]Ban),
		failures: make(map[netip.Prefix]failure),
		inflight: make(map[netip.Prefix]int),
	}
	if bans == nil {
		return b, nil
	}
	saved, err := bans.Bans(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: loading bans: %w", err)
	}
	b.mu.Lock()
	for _, s := range saved {
		p, err := netip.ParsePrefix(s.Prefix)
		if err != nil {
			log.Warn("skipping a saved ban with a bad prefix", "prefix", s.Prefix)
			continue
		}
		b.putLocked(Ban{Prefix: NormalPrefix(p), Until: s.Until, Strikes: s.Strikes, Reason: s.Reason, Created: s.Created})
	}
	stale := b.pruneBansLocked(b.now())
	b.mu.Unlock()
	return b, b.sync(ctx, stale...)
}

func (c BanConfig) withDefaults() (BanConfig, error) {
	if c.MaxFailures < 0 || c.Window < 0 || c.BanTime < 0 || c.MaxBanTime < 0 || c.MaxTracked < 0 || c.KeepExpired < 0 {
		return c, errors.New("auth: ban config: negative limit")
	}
	set := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	if c.MaxFailures == 0 {
		c.MaxFailures = DefaultMaxFailures
	}
	if c.MaxTracked == 0 {
		c.MaxTracked = DefaultMaxTracked
	}
	set(&c.Window, DefaultWindow)
	set(&c.BanTime, DefaultBanTime)
	set(&c.Increment, DefaultIncrement)
	set(&c.MaxBanTime, DefaultMaxBanTime)
	set(&c.KeepExpired, DefaultKeepExpired)
	if c.Increment < 0 {
		c.Increment = 0
	}
	if c.MaxBanTime < c.BanTime {
		c.MaxBanTime = c.BanTime
	}
	for _, list := range []*[]netip.Prefix{&c.Allow, &c.Deny} {
		l := make([]netip.Prefix, len(*list))
		for i, p := range *list {
			if !p.IsValid() {
				return c, fmt.Errorf("auth: ban config: invalid prefix %v", p)
			}
			l[i] = NormalPrefix(p)
		}
		*list = l
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

func (b *Banner) now() time.Time { return b.cfg.Now() }

// Check returns nil if addr may connect, or a *BannedError. An invalid
// addr (a caller that is not on IP, such as a pipe) is never banned.
func (b *Banner) Check(addr netip.Addr) error {
	addr, ok := normalAddr(addr)
	if !ok {
		return nil
	}
	if inAny(b.cfg.Deny, addr) {
		return &BannedError{Permanent: true}
	}
	if inAny(b.cfg.Allow, addr) {
		return nil
	}
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if ban, ok := b.activeLocked(addr, now); ok {
		return &BannedError{Until: ban.Until, Permanent: ban.Permanent(), now: now}
	}
	return nil
}

// Failed records a failed login from addr, and reports whether addr is
// now banned. Failures are counted per caller, addr's IPv4 address or
// IPv6 /64: the caller's MaxFailures-th failure within Window bans the
// caller's prefix for BanTime (longer for a repeat offender) and saves
// the ban. The ban is in force even when saving it fails; err then
// reports the failure.
//
// Failed is for a failure that Begin did not allow (with no slot to
// free); an attempt that Begin allowed ends with Fail instead.
func (b *Banner) Failed(ctx context.Context, addr netip.Addr) (banned bool, err error) {
	banned, _, err = b.fail(ctx, addr, false)
	return banned, err
}

// Begin reports whether a password of a caller at addr may be checked
// now, and if so counts the check as in flight. It may not be when addr
// is banned, or when the caller's attempts in flight (allowed by Begin
// and not yet ended) and failures counted in the current Window would
// together pass MaxFailures: connections in parallel then check no more
// passwords before the ban than one connection would. An allowed attempt
// must end with exactly one call of Release (it succeeded, or was never
// decided) or Fail (it failed). An invalid addr (not on IP) and
// addresses on the Allow list are always allowed and never counted.
func (b *Banner) Begin(addr netip.Addr) bool {
	addr, ok := normalAddr(addr)
	if !ok {
		return true
	}
	if inAny(b.cfg.Deny, addr) {
		return false
	}
	if inAny(b.cfg.Allow, addr) {
		return true
	}
	now := b.now()
	p := CallerOf(addr)
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, banned := b.activeLocked(addr, now); banned {
		return false
	}
	n := b.inflight[p]
	if f, ok := b.failures[p]; ok && now.Before(f.start.Add(b.cfg.Window)) {
		n += f.count
	}
	if n >= b.cfg.MaxFailures {
		return false
	}
	b.inflight[p]++
	return true
}

// Release ends an attempt that Begin allowed and that did not fail: its
// place is free for another.
func (b *Banner) Release(addr netip.Addr) {
	addr, ok := normalAddr(addr)
	if !ok || inAny(b.cfg.Allow, addr) {
		return
	}
	b.mu.Lock()
	b.releaseLocked(CallerOf(addr))
	b.mu.Unlock()
}

// Fail ends an attempt that Begin allowed and that failed: its place
// becomes a failure, counted as Failed counts it. banned reports whether
// addr is banned now, and newBan whether this failure banned it, which
// holds for one failure per ban, however many were in flight.
func (b *Banner) Fail(ctx context.Context, addr netip.Addr) (banned, newBan bool, err error) {
	return b.fail(ctx, addr, true)
}

func (b *Banner) releaseLocked(p netip.Prefix) {
	switch n := b.inflight[p]; {
	case n > 1:
		b.inflight[p] = n - 1
	case n == 1:
		delete(b.inflight, p)
	}
}

// fail records a failed login from addr, ending an attempt in flight when
// begun is set.
func (b *Banner) fail(ctx context.Context, addr netip.Addr, begun bool) (banned, newBan bool, err error) {
	addr, ok := normalAddr(addr)
	if !ok {
		return false, false, nil
	}
	if inAny(b.cfg.Deny, addr) {
		return true, false, nil
	}
	if inAny(b.cfg.Allow, addr) {
		return false, false, nil
	}
	now := b.now()
	p := CallerOf(addr)
	b.mu.Lock()
	if begun {
		b.releaseLocked(p)
	}
	if _, ok := b.activeLocked(addr, now); ok {
		b.mu.Unlock()
		return true, false, nil // a login begun before the ban
	}
	f, ok := b.failures[p]
	if !ok || !now.Before(f.start.Add(b.cfg.Window)) {
		b.startWindowLocked(p, now)
		f = failure{start: now}
	}
	f.count++
	if f.count < b.cfg.MaxFailures {
		b.failures[p] = f
		b.mu.Unlock()
		return false, false, nil
	}
	delete(b.failures, p)
	prev := b.bans[p].Strikes
	ban := Ban{
		Prefix:  p,
		Until:   now.Add(b.banTime(prev)),
		Strikes: prev + 1,
		Reason:  ReasonLoginFailures,
		Created: now,
	}
	b.putLocked(ban)
	stale := b.maybePruneLocked(now)
	b.mu.Unlock()
	b.log.Info("address banned", "prefix", p, "until", ban.Until, "strikes", ban.Strikes, "reason", ban.Reason)
	return true, true, b.sync(ctx, append(stale, p)...)
}

// banTime is the length of a ban after strikes earlier ones.
func (b *Banner) banTime(strikes int) time.Duration {
	c := b.cfg
	if c.Increment == 0 || strikes <= 0 {
		return c.BanTime
	}
	// Compare before multiplying, which could overflow.
	if time.Duration(strikes) > (c.MaxBanTime-c.BanTime)/c.Increment {
		return c.MaxBanTime
	}
	return c.BanTime + time.Duration(strikes)*c.Increment
}

// Ban bans prefix for d, or for ever when d is 0, replacing any ban on the
// same prefix (a sysop's word overrides an automatic ban). An address is
// written as a /32 or /128 prefix.
func (b *Banner) Ban(ctx context.Context, prefix netip.Prefix, d time.Duration, reason string) error {
	if !prefix.IsValid() {
		return fmt.Errorf("auth: ban: invalid prefix %v", prefix)
	}
	if d < 0 {
		return fmt.Errorf("auth: ban: negative duration %v", d)
	}
	p := NormalPrefix(prefix)
	now := b.now()
	ban := Ban{Prefix: p, Reason: reason, Created: now}
	if d > 0 {
		ban.Until = now.Add(d)
	}
	b.mu.Lock()
	ban.Strikes = b.bans[p].Strikes + 1
	b.putLocked(ban)
	stale := b.maybePruneLocked(now)
	b.mu.Unlock()
	b.log.Info("address banned", "prefix", p, "until", ban.Until, "strikes", ban.Strikes, "reason", reason)
	return b.sync(ctx, append(stale, p)...)
}

// Unban lifts the ban on exactly prefix, forgets its strikes and the
// failures counted for callers that overlap it (an IPv6 address's whole
// /64). With no such ban it returns an error wrapping store.ErrNotFound.
func (b *Banner) Unban(ctx context.Context, prefix netip.Prefix) error {
	if !prefix.IsValid() {
		return fmt.Errorf("auth: unban: invalid prefix %v", prefix)
	}
	p := NormalPrefix(prefix)
	b.mu.Lock()
	_, had := b.bans[p]
	b.deleteLocked(p)
	for c := range b.failures {
		if p.Overlaps(c) {
			delete(b.failures, c)
		}
	}
	b.mu.Unlock()
	if b.store != nil {
		b.wmu.Lock()
		stored, err := b.saveLocked(ctx, p)
		b.wmu.Unlock()
		if err != nil {
			return err
		}
		// The store may hold a ban the memory does not, written by
		// another process since NewBanner.
		had = had || stored
	}
	if !had {
		return fmt.Errorf("auth: unban: no ban on %v: %w", p, store.ErrNotFound)
	}
	b.changed()
	b.log.Info("address unbanned", "prefix", p)
	return nil
}

// List returns every ban held, expired ones included, sorted by prefix.
// Memory is authoritative: it also holds bans that could not be saved.
func (b *Banner) List() []Ban {
	b.mu.Lock()
	list := make([]Ban, 0, len(b.bans))
	for _, ban := range b.bans {
		list = append(list, ban)
	}
	b.mu.Unlock()
	slices.SortFunc(list, func(x, y Ban) int {
		if c := x.Prefix.Addr().Compare(y.Prefix.Addr()); c != 0 {
			return c
		}
		return x.Prefix.Bits() - y.Prefix.Bits()
	})
	return list
}

// activeLocked returns the ban in force on addr, permanent first, else
// the one that ends last.
func (b *Banner) activeLocked(addr netip.Addr, now time.Time) (Ban, bool) {
	var best Ban
	found := false
	fam := family(addr)
	for bits, n := range b.bits[fam][:addr.BitLen()+1] {
		if n == 0 {
			continue
		}
		p, _ := addr.Prefix(bits)
		ban, ok := b.bans[p]
		if !ok || !ban.ActiveAt(now) {
			continue
		}
		if ban.Permanent() {
			return ban, true
		}
		if !found || ban.Until.After(best.Until) {
			best, found = ban, true
		}
	}
	return best, found
}

func (b *Banner) putLocked(ban Ban) {
	if _, ok := b.bans[ban.Prefix]; !ok {
		b.bits[family(ban.Prefix.Addr())][ban.Prefix.Bits()]++
	}
	b.bans[ban.Prefix] = ban
}

func (b *Banner) deleteLocked(p netip.Prefix) {
	if _, ok := b.bans[p]; ok {
		b.bits[family(p.Addr())][p.Bits()]--
		delete(b.bans, p)
	}
}

// maybePruneLocked prunes the bans at most every pruneEvery.
func (b *Banner) maybePruneLocked(now time.Time) []netip.Prefix {
	if now.Sub(b.lastPrune) < pruneEvery {
		return nil
	}
	return b.pruneBansLocked(now)
}

// pruneBansLocked drops the bans expired for over KeepExpired and returns
// their prefixes, to be deleted from the store.
func (b *Banner) pruneBansLocked(now time.Time) []netip.Prefix {
	b.lastPrune = now
	var stale []netip.Prefix
	for p, ban := range b.bans {
		if !ban.Permanent() && now.Sub(ban.Until) > b.cfg.KeepExpired {
			stale = append(stale, p)
		}
	}
	for _, p := range stale {
		b.deleteLocked(p)
	}
	return stale
}

// startWindowLocked makes room for a new failure window of caller: it
// drops the windows that have ended, then the oldest ones while the table
// is full.
func (b *Banner) startWindowLocked(caller netip.Prefix, now time.Time) {
	for b.head < len(b.queue) {
		q := b.queue[b.head]
		f, ok := b.failures[q.caller]
		live := ok && f.start.Equal(q.start)
		if live && now.Before(f.start.Add(b.cfg.Window)) && len(b.failures) < b.cfg.MaxTracked {
			break
		}
		if live {
			delete(b.failures, q.caller)
		}
		b.queue[b.head] = queued{}
		b.head++
	}
	// Reclaim the consumed front, or rebuild when stale entries (windows
	// ended by a ban or an Unban) make up most of the queue.
	if b.head > len(b.queue)/2 || len(b.queue)-b.head > 2*b.cfg.MaxTracked {
		b.compactLocked()
	}
	b.queue = append(b.queue, queued{caller, now})
}

func (b *Banner) compactLocked() {
	live := b.queue[:0]
	for _, q := range b.queue[b.head:] {
		if f, ok := b.failures[q.caller]; ok && f.start.Equal(q.start) {
			live = append(live, q)
		}
	}
	clear(b.queue[len(live):])
	b.queue, b.head = live, 0
}

// sync writes the memory's current state of each prefix to the store:
// the ban, or its absence. Call it after every change, without b.mu.
func (b *Banner) sync(ctx context.Context, prefixes ...netip.Prefix) error {
	if b.store == nil || len(prefixes) == 0 {
		return nil
	}
	b.wmu.Lock()
	defer b.wmu.Unlock()
	var errs []error
	for _, p := range prefixes {
		if _, err := b.saveLocked(ctx, p); err != nil {
			errs = append(errs, err)
		}
	}
	b.changed()
	return errors.Join(errs...)
}

// saveLocked writes the memory's state of p to the store, with b.wmu held
// and b.store non-nil. stored is false when there is no ban on p and the
// store held none either, which is no error: the store is as wanted.
func (b *Banner) saveLocked(ctx context.Context, p netip.Prefix) (stored bool, err error) {
	b.mu.Lock()
	ban, ok := b.bans[p]
	b.mu.Unlock()
	if ok {
		err = b.store.PutBan(ctx, store.Ban{
			Prefix:  p.String(),
			Until:   ban.Until,
			Strikes: ban.Strikes,
			Reason:  ban.Reason,
			Created: ban.Created,
		})
	} else if err = b.store.DeleteBan(ctx, p.String()); errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("auth: saving ban on %v: %w", p, err)
	}
	return true, nil
}

// normalAddr unmaps IPv4-mapped IPv6 addresses (::ffff:192.0.2.1, as a
// dual-stack listener reports IPv4 callers) and drops zones.
func normalAddr(a netip.Addr) (netip.Addr, bool) {
	if !a.IsValid() {
		return a, false
	}
	return a.Unmap().WithZone(""), true
}

// CallerOf returns the unit whose failures are counted and banned
// together, as internal/server counts callers against its per-address
// limit and the account service its own limits: a normalised IPv4
// address as a /32, or the /64 of an IPv6 address; the zero Prefix for
// an invalid address.
func CallerOf(addr netip.Addr) netip.Prefix {
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p
	}
	return netip.PrefixFrom(addr, addr.BitLen())
}

// NormalPrefix unmaps a prefix inside ::ffff:0:0/96 and clears its host
// bits, so each network has one key.
func NormalPrefix(p netip.Prefix) netip.Prefix {
	a := p.Addr().WithZone("")
	if a.Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96).Masked()
	}
	return netip.PrefixFrom(a, p.Bits()).Masked()
}

func inAny(list []netip.Prefix, a netip.Addr) bool {
	return slices.ContainsFunc(list, func(p netip.Prefix) bool { return p.Contains(a) })
}

func family(a netip.Addr) int {
	if a.Is6() {
		return 1
	}
	return 0
}
