package account

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// maxResetCallers bounds the callers, and the networks, whose requests
// are counted at once (about 150 bytes each); past it, the oldest counts
// are forgotten.
const maxResetCallers = 100000

// maxResetHandle is the longest handle a request is queued with; a longer
// one names no account, and is queued cut, so that the queue's memory
// stays bounded.
const maxResetHandle = 256

// resets is the password reset worker and the per-caller limit of
// requests. The worker looks the accounts up and mails the codes, so that
// RequestReset answers every request alike and at once.
type resets struct {
	s   *Service
	cfg ResetConfig

	// mu guards closed, the sends to queue, callers and networks.
	mu       sync.Mutex
	closed   bool
	queue    chan resetRequest
	callers  *windowCounts // per callerPrefix
	networks *windowCounts // per networkPrefix

	// mails is the board's budget of reset mails; only the worker
	// takes from it.
	mails *rate.Limiter

	ctx    context.Context // ends the worker's store and mail calls
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker ends

	dropped  atomic.Int64
	dropLog  rate.Sometimes
	limitLog rate.Sometimes
	capLog   rate.Sometimes // the board's budget spent
	unsent   atomic.Int64   // mails the Mailer refused since sendLog said so
	sendLog  rate.Sometimes
}

type resetRequest struct {
	handle string
	remote netip.Addr
}

// startResets fills in cfg's defaults and starts the worker; nil when
// there is no Mailer.
func startResets(s *Service, cfg ResetConfig) *resets {
	if cfg.Mailer == nil {
		return nil
	}
	if cfg.Board == "" {
		cfg.Board = "x84"
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = DefaultResetLifetime
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultResetInterval
	}
	if cfg.PerAddress <= 0 {
		cfg.PerAddress = DefaultResetPerAddress
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultResetWindow
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultResetQueue
	}
	if cfg.PerNetwork <= 0 {
		cfg.PerNetwork = DefaultResetPerNetwork
	}
	if cfg.MailsPerHour <= 0 {
		cfg.MailsPerHour = DefaultResetMailsPerHour
	}
	r := &resets{s: s, cfg: cfg, queue: make(chan resetRequest, cfg.Queue),
		callers:  newWindowCounts(maxResetCallers, cfg.Window),
		networks: newWindowCounts(maxResetCallers, cfg.Window),
		mails:    rate.NewLimiter(rate.Limit(float64(cfg.MailsPerHour)/time.Hour.Seconds()), cfg.MailsPerHour),
		done:     make(chan struct{})}
	for _, l := range []*rate.Sometimes{&r.dropLog, &r.limitLog, &r.capLog, &r.sendLog} {
		l.Interval = time.Minute
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	go r.work()
	return r
}

// Shutdown stops the Service's background work, the password reset
// worker: it handles the requests queued until ctx ends, then drops the
// rest and returns ctx's error. Later requests are dropped.
func (s *Service) Shutdown(ctx context.Context) error {
	r := s.reset
	if r == nil {
		return nil
	}
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	select {
	case <-r.done:
		r.cancel()
		return nil
	case <-ctx.Done():
	}
	r.cancel()
	<-r.done
	return ctx.Err()
}

// request counts a request against its caller's limit and queues it;
// it never waits. What it drops it logs, at most once a minute for each
// reason.
func (r *resets) request(handle string, remote netip.Addr) {
	handle = cutHandle(handle)
	switch r.enqueue(resetRequest{handle: handle, remote: remote}) {
	case resetOverLimit:
		r.limitLog.Do(func() {
			r.s.log.Warn("password reset requests over the limit from a caller or its network; not sent", "remote", remote.String(),
				"per_address", r.cfg.PerAddress, "per_network", r.cfg.PerNetwork, "window", r.cfg.Window)
		})
	case resetQueueFull:
		r.dropped.Add(1)
		r.dropLog.Do(func() {
			r.s.log.Warn("password reset queue full: requests dropped", "dropped", r.dropped.Swap(0), "queue", r.cfg.Queue)
		})
	}
}

// cutHandle cuts a handle longer than maxResetHandle bytes, on a UTF-8
// character's boundary, so that the log shows no broken character.
func cutHandle(handle string) string {
	if len(handle) <= maxResetHandle {
		return handle
	}
	n := maxResetHandle
	for n > 0 && !utf8.RuneStart(handle[n]) {
		n--
	}
	return handle[:n]
}

// What became of a request.
const (
	resetQueued = iota
	resetOverLimit
	resetQueueFull
	resetClosed
)

// enqueue counts req against its caller's limit and queues it.
func (r *resets) enqueue(req resetRequest) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return resetClosed
	}
	if !r.allowLocked(req.remote) {
		return resetOverLimit
	}
	select {
	case r.queue <- req:
		return resetQueued
	default:
		return resetQueueFull
	}
}

// allowLocked counts a request of the caller at remote against its
// limit (an IPv4 address or an IPv6 /64; callers not on IP count
// together) and, if it is within it, against its network's (an IPv4 /24
// or an IPv6 /48), and reports whether it is within both. A caller over
// its own limit spends none of its neighbours'.
func (r *resets) allowLocked(remote netip.Addr) bool {
	now := r.s.cfg.Now()
	if r.callers.add(callerPrefix(remote), now) > r.cfg.PerAddress {
		return false
	}
	return r.networks.add(networkPrefix(remote), now) <= r.cfg.PerNetwork
}

// work handles the queued requests until the queue is closed and empty;
// once r.ctx ends, it drops what is left.
func (r *resets) work() {
	defer close(r.done)
	for req := range r.queue {
		if r.ctx.Err() != nil {
			continue
		}
		r.handle(req)
	}
}

// Why a request sent nothing, for the log (which only the sysop reads).
var (
	errResetNoAccount = errors.New("no such account")
	errResetNoEmail   = errors.New("the account has no e-mail address")
	errResetLocked    = errors.New("the account is locked")
	errResetRecent    = errors.New("a code was mailed to the account recently")
	errResetBudget    = errors.New("the board's reset mails for the hour are spent")
	errResetNotOurs   = errors.New("the account's code changed meanwhile")
)

// resetUndoTimeout bounds the write that takes back a code that was not
// mailed, which may run while Shutdown cancels the worker's context.
const resetUndoTimeout = 5 * time.Second

// handle mails a fresh code to the account a request names, if it has an
// e-mail address and was not mailed one within the interval. The new
// code replaces any earlier one.
func (r *resets) handle(req resetRequest) {
	s := r.s
	who := []any{"user", term.Sanitize(req.handle), "remote", req.remote.String()}
	u, err := s.cfg.Users.User(r.ctx, req.handle)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = errResetNoAccount
	case err != nil:
	case u.Email == "":
		err = errResetNoEmail
	case u.InGroup(store.GroupLocked):
		err = errResetLocked
	}
	if err != nil {
		s.log.Info("password reset asked; nothing sent", append(who, "why", err.Error())...)
		return
	}
	code, hash := newResetCode()
	now := s.cfg.Now()
	expires := now.Add(r.cfg.Lifetime)
	// The board's budget: a mail is taken from it now, and given back if
	// none is sent after all.
	budget := r.mails.ReserveN(now, 1)
	if !budget.OK() || budget.DelayFrom(now) > 0 {
		budget.CancelAt(now)
		r.capLog.Do(func() {
			s.log.Warn("password reset mails over the board's limit; requests send nothing until the hour's budget refills",
				"mails_per_hour", r.cfg.MailsPerHour)
		})
		s.log.Info("password reset asked; nothing sent", append(who, "why", errResetBudget.Error())...)
		return
	}
	// The interval is checked in the write that records the mail, so
	// that the nodes of a cluster, each with its worker, agree.
	var prev store.Reset
	u, err = s.cfg.Users.ModifyUser(r.ctx, u.ID, func(cur *store.User) error {
		if r.cfg.Interval > 0 && !cur.Reset.Sent.IsZero() && now.Sub(cur.Reset.Sent) < r.cfg.Interval {
			return errResetRecent
		}
		prev = cur.Reset
		cur.Reset = store.Reset{Hash: hash, Expires: expires, Sent: now}
		return nil
	})
	if err != nil {
		budget.CancelAt(now)
		s.log.Info("password reset asked; nothing sent", append(who, "why", err.Error())...)
		return
	}
	subject, body := resetMail(r.cfg.Board, u.Handle, code, req.remote, expires, r.cfg.Lifetime)
	if err := r.cfg.Mailer.Send(r.ctx, u.Email, subject, body); err != nil {
		budget.CancelAt(now)
		r.unsent.Add(1)
		undo := r.undo(u.ID, hash, prev)
		r.sendLog.Do(func() {
			s.log.Warn("password reset codes not mailed; the accounts keep the code they had",
				append(who, "unsent", r.unsent.Swap(0), "err", err, "undo", undo)...)
		})
		return
	}
	s.log.Info("password reset code mailed", "user", u.Handle, "remote", req.remote.String(), "expires", expires.UTC().Format(time.RFC3339))
}

// undo puts back the reset an account had before a code that was not
// mailed after all, unless the stored code is another one by then (a
// request handled by another node): the account may be mailed again at
// once, and keeps its earlier code. It returns what became of it, for the
// log.
func (r *resets) undo(id int64, hash string, prev store.Reset) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), resetUndoTimeout)
	defer cancel()
	_, err := r.s.cfg.Users.ModifyUser(ctx, id, func(cur *store.User) error {
		if cur.Reset.Hash != hash {
			return errResetNotOurs
		}
		cur.Reset = prev
		return nil
	})
	if err != nil {
		return err.Error()
	}
	return "done"
}
