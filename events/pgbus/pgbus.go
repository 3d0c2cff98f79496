package pgbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store/postgres"
)

// maxInline is the longest NOTIFY payload sent as it is; PostgreSQL
// refuses payloads of 8000 bytes or more. Longer events go through the
// bus_spill table.
const maxInline = 7900

// Limits and timings; see Config for the ones a caller may set.
const (
	defaultQueue = 4096
	maxBatch     = 256         // events per round trip to the server
	spillLife    = time.Minute // a spilled event is kept this long for its readers
	minBackoff   = 100 * time.Millisecond
	maxBackoff   = 5 * time.Second
	flushOnClose = 2 * time.Second
	// maxAge is the oldest event sent: one that waited longer for the
	// server (an outage) is dropped rather than shown out of its moment.
	maxAge = 30 * time.Second
	// maxTracked bounds the own events remembered (pending, direct) and
	// the nodes heard (lastSeen).
	maxTracked = 8192
)

// pingEvery is how long a listener hears nothing before it checks its
// connection (a variable for the tests).
var pingEvery = 10 * time.Second

// Config configures Open.
type Config struct {
	// Node names this process; it is stamped on every event published
	// here. Required, unique in the cluster.
	Node string
	// Logger receives connection losses and dropped events; nil discards.
	Logger *slog.Logger
	// Queue bounds the events waiting to be sent; more are dropped and
	// counted. Zero means 4096.
	Queue int
	// OnGap, if set, is called (on the bus's listening goroutine) when
	// the bus is linked to the server again after losing it, with how
	// long it was cut off: other nodes' events of that time were missed.
	OnGap func(missed time.Duration)
}

// Bus is an events.Bus shared by every process connected to one
// PostgreSQL database (and schema).
type Bus struct {
	cfg     Config
	ping    time.Duration // pingEvery when the bus was opened
	conn    *pgx.ConnConfig
	channel string
	log     *slog.Logger

	local  events.Local
	arrive atomic.Pointer[func(events.Event) (events.Event, bool)]
	// deliverMu makes the arrival hook and the delivery one step, so
	// that subscribers get events in the order the hook saw them.
	deliverMu sync.Mutex

	out chan outgoing

	// pubMu orders this node's events and keeps track of their echoes.
	pubMu   sync.Mutex
	lastSeq uint64 // the last event's number
	linked  bool   // the listener hears the channel
	// pending are own events sent and not yet heard back: should the
	// listener lose the link, they are delivered directly at once.
	pending map[uint64]events.Event
	// direct are own events delivered directly, whose echoes are skipped.
	direct map[uint64]bool

	// run tells this process's events from an earlier run's under the
	// same node name: receivers keep the last number heard per run.
	run string

	dropped atomic.Uint64

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type outgoing struct {
	seq  uint64
	body []byte
	at   time.Time // when published
}

// Open connects to the database at url (whose schema the store has
// migrated) and starts listening. It fails if the server cannot be
// reached now; later losses are retried with backoff, and the bus
// delivers this node's own events directly while it is cut off.
func Open(ctx context.Context, url string, cfg Config) (*Bus, error) {
	if cfg.Node == "" {
		return nil, errors.New("pgbus: no node name")
	}
	// Named for the server's pg_stat_activity: whose connection it is.
	cc, err := postgres.ConnConfig(url, "x84 bus "+cfg.Node, 0)
	if err != nil {
		return nil, fmt.Errorf("pgbus: %w", err)
	}
	if cfg.Queue <= 0 {
		cfg.Queue = defaultQueue
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Bus{cfg: cfg, conn: cc, log: log, out: make(chan outgoing, cfg.Queue), ping: pingEvery,
		pending: map[uint64]events.Event{}, direct: map[uint64]bool{},
		run: strconv.FormatUint(rand.Uint64(), 36)}
	b.local.Node = cfg.Node

	// The first connection proves the server is there and names the
	// channel: one per schema, so that boards sharing a database do not
	// hear each other.
	first, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return nil, fmt.Errorf("pgbus: cannot reach the database at %s:%d: %w", cc.Host, cc.Port, err)
	}
	var schema string
	if err := first.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		first.Close(ctx)
		return nil, fmt.Errorf("pgbus: %w", err)
	}
	b.channel = channelName(schema)
	if _, err := first.Exec(ctx, `LISTEN `+pgx.Identifier{b.channel}.Sanitize()); err != nil {
		first.Close(ctx)
		return nil, fmt.Errorf("pgbus: listen: %w", err)
	}
	b.linked = true

	runCtx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.wg.Add(2)
	go func() { defer b.wg.Done(); b.listen(runCtx, first) }()
	go func() { defer b.wg.Done(); b.send(runCtx) }()
	return b, nil
}

// channelName is the NOTIFY channel of a schema, within PostgreSQL's 63
// bytes.
func channelName(schema string) string {
	c := "x84_events_" + schema
	if len(c) > 63 {
		c = c[:63]
	}
	return c
}

// Close sends what is queued (for up to two seconds), stops listening
// and closes the connections.
func (b *Bus) Close() error {
	b.cancel()
	b.wg.Wait()
	return nil
}

// Dropped returns how many events were lost: the queue was full, the
// server could not be reached, or an event arrived that could not be
// read.
func (b *Bus) Dropped() uint64 { return b.dropped.Load() }

// Linked reports whether the bus hears the cluster now.
func (b *Bus) Linked() bool {
	b.pubMu.Lock()
	defer b.pubMu.Unlock()
	return b.linked
}

// SetArrive makes f see every event before its subscribers do, in the
// order the cluster's events arrive (the same order on every node): f
// may change the event (number a chat line) or drop it (return false).
// It runs on one goroutine at a time, and must not block.
func (b *Bus) SetArrive(f func(events.Event) (events.Event, bool)) { b.arrive.Store(&f) }

// Subscribe implements events.Bus.
func (b *Bus) Subscribe(topic string, deliver func(events.Event)) (cancel func()) {
	return b.local.Subscribe(topic, deliver)
}

// Publish implements events.Bus: the event goes to the server and comes
// back to every node, this one included, so every node sees the events in
// one order. It never blocks: when the queue is full the event is dropped
// and counted. While the bus is cut off from the server, this node's
// subscribers get the event at once.
func (b *Bus) Publish(ev events.Event) {
	ev.Node = b.cfg.Node
	body, err := events.Marshal(ev)
	if err != nil {
		b.dropped.Add(1)
		b.log.Error("pgbus: event not sent", "topic", ev.Topic, "err", err)
		return
	}
	// Numbering and queueing under one lock keep the queue, and so the
	// server, in sequence order; a dropped event leaves a gap the
	// receivers count.
	b.pubMu.Lock()
	b.lastSeq++
	seq := b.lastSeq
	alone := !b.linked
	if alone {
		track(b.direct, seq)
	} else if len(b.pending) < maxTracked {
		b.pending[seq] = ev
	}
	select {
	case b.out <- outgoing{seq: seq, body: body, at: time.Now()}:
	default:
		b.dropped.Add(1)
		delete(b.pending, seq)
	}
	b.pubMu.Unlock()
	if alone {
		b.DeliverLocal(ev)
	}
}

// track adds seq to a set of own events. At its bound the set starts
// again: an echo may then be shown twice, which beats remembering
// without end.
func track(set map[uint64]bool, seq uint64) {
	if len(set) >= maxTracked {
		clear(set)
	}
	set[seq] = true
}

// cutOff marks the link lost and delivers at once, in order, this node's
// events that were sent but not heard back; their echoes, should the
// server have had them, are skipped.
func (b *Bus) cutOff() {
	// Delivery first: a Publish that finds the link down waits until
	// the older events in flight are delivered.
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	b.pubMu.Lock()
	b.linked = false
	seqs := make([]uint64, 0, len(b.pending))
	for seq := range b.pending {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	evs := make([]events.Event, len(seqs))
	for i, seq := range seqs {
		evs[i] = b.pending[seq]
		track(b.direct, seq)
	}
	clear(b.pending)
	b.pubMu.Unlock()
	for _, ev := range evs {
		b.deliverLocked(ev)
	}
}

// relinked marks the link back.
func (b *Bus) relinked() {
	b.pubMu.Lock()
	b.linked = true
	b.pubMu.Unlock()
}

// ownEcho reports whether this node's event seq, back from the server,
// was delivered directly already, and forgets it either way.
func (b *Bus) ownEcho(seq uint64) (skip bool) {
	b.pubMu.Lock()
	defer b.pubMu.Unlock()
	skip = b.direct[seq]
	delete(b.direct, seq)
	delete(b.pending, seq)
	return skip
}

// DeliverLocal hands ev to this node's subscribers only, through the
// arrival hook.
func (b *Bus) DeliverLocal(ev events.Event) {
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	b.deliverLocked(ev)
}

// deliverLocked is DeliverLocal with deliverMu held.
func (b *Bus) deliverLocked(ev events.Event) {
	if f := b.arrive.Load(); f != nil {
		var ok bool
		if ev, ok = (*f)(ev); !ok {
			return
		}
	}
	b.local.Deliver(ev)
}

// send takes queued events to the server, many per round trip. Events
// that cannot be sent after one reconnection, or that waited longer than
// maxAge, are dropped and counted.
func (b *Bus) send(ctx context.Context) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	lastPrune := time.Now()
	batch := make([]outgoing, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case o := <-b.out:
			batch = append(batch, o)
		case <-ctx.Done():
			b.flush(conn)
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case o := <-b.out:
				batch = append(batch, o)
			default:
				break fill
			}
		}
		for attempt := 0; ; attempt++ {
			if conn == nil {
				if conn = b.connect(ctx, "sender"); conn == nil { // stopping
					b.dropped.Add(uint64(len(batch)))
					b.forget(batch)
					b.flush(nil)
					return
				}
			}
			if batch = b.fresh(batch); len(batch) == 0 {
				break
			}
			// A batch under way is finished even when the bus closes.
			err := b.notify(context.WithoutCancel(ctx), conn, batch)
			if err == nil {
				break
			}
			conn.Close(context.Background())
			conn = nil
			if ctx.Err() != nil || attempt == 1 {
				b.dropped.Add(uint64(len(batch)))
				b.forget(batch)
				b.log.Warn("pgbus: events not sent", "events", len(batch), "err", err)
				break
			}
		}
		if conn != nil && time.Since(lastPrune) > spillLife {
			lastPrune = time.Now()
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_, err := conn.Exec(pctx, `DELETE FROM bus_spill WHERE at < now() - $1::interval`, spillLife.String())
			cancel()
			if err != nil {
				b.log.Warn("pgbus: prune spilled events", "err", err)
			}
		}
	}
}

// forget drops sent-and-lost events from the ones awaited back, so a
// later loss of the link does not deliver them as new.
func (b *Bus) forget(batch []outgoing) {
	b.pubMu.Lock()
	for _, o := range batch {
		delete(b.pending, o.seq)
	}
	b.pubMu.Unlock()
}

// fresh drops, and counts, the events of batch that waited longer than
// maxAge.
func (b *Bus) fresh(batch []outgoing) []outgoing {
	var old []outgoing
	kept := batch[:0]
	for _, o := range batch {
		if time.Since(o.at) <= maxAge {
			kept = append(kept, o)
		} else {
			old = append(old, o)
		}
	}
	b.forget(old)
	if n := len(batch) - len(kept); n > 0 {
		b.dropped.Add(uint64(n))
		b.log.Warn("pgbus: events that waited too long for the database were dropped", "events", n)
	}
	return kept
}

// flush sends what is still queued when the bus closes; without a
// connection it counts them as dropped.
func (b *Bus) flush(conn *pgx.Conn) {
	var batch []outgoing
	for more := true; more; {
		select {
		case o := <-b.out:
			batch = append(batch, o)
		default:
			more = false
		}
	}
	if len(batch) == 0 || conn == nil {
		b.dropped.Add(uint64(len(batch)))
		b.forget(batch)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushOnClose)
	defer cancel()
	for len(batch) > 0 {
		n := min(len(batch), maxBatch)
		if err := b.notify(ctx, conn, batch[:n]); err != nil {
			b.dropped.Add(uint64(len(batch)))
			b.forget(batch)
			return
		}
		batch = batch[n:]
	}
}

// notify sends a batch in one round trip (one implicit transaction), in
// order. An event too long for NOTIFY is written to bus_spill and its
// row's id sent instead.
func (b *Bus) notify(ctx context.Context, conn *pgx.Conn, batch []outgoing) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var pb pgx.Batch
	for _, o := range batch {
		prefix := b.run + ":" + strconv.FormatUint(o.seq, 10) + " "
		if len(prefix)+len(o.body) <= maxInline {
			pb.Queue(`SELECT pg_notify($1, $2)`, b.channel, prefix+string(o.body))
			continue
		}
		pb.Queue(`WITH spilled AS (INSERT INTO bus_spill (body) VALUES ($3) RETURNING id)
			SELECT pg_notify($1, $2 || '@' || id) FROM spilled`,
			b.channel, prefix, o.body)
	}
	return conn.SendBatch(ctx, &pb).Close()
}

// connect dials the server until it answers or ctx ends (nil), waiting
// longer after each failure.
func (b *Bus) connect(ctx context.Context, who string) *pgx.Conn {
	wait := minBackoff
	for {
		conn, err := pgx.ConnectConfig(ctx, b.conn)
		if err == nil {
			return conn
		}
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn("pgbus: cannot reach the database; retrying", "conn", who, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait + rand.N(wait/2)):
		}
		wait = min(2*wait, maxBackoff)
	}
}

// listen hears the channel and delivers what arrives, in order, and
// links again after a loss.
func (b *Bus) listen(ctx context.Context, conn *pgx.Conn) {
	lastSeen := map[string]heard{}
	for {
		err := b.hear(ctx, conn, lastSeen)
		conn.Close(context.Background())
		if ctx.Err() != nil {
			return
		}
		b.cutOff()
		lost := time.Now()
		b.log.Warn("pgbus: lost the database; this node is cut off from the others", "err", err)
		for {
			conn = b.connect(ctx, "listener")
			if conn == nil {
				return
			}
			if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{b.channel}.Sanitize()); err == nil {
				break
			}
			conn.Close(context.Background())
		}
		b.relinked()
		missed := time.Since(lost)
		b.log.Info("pgbus: linked to the other nodes again", "cut_off", missed.Round(time.Millisecond))
		if b.cfg.OnGap != nil {
			b.cfg.OnGap(missed)
		}
	}
}

// hear delivers notifications until the connection fails or ctx ends.
func (b *Bus) hear(ctx context.Context, conn *pgx.Conn, lastSeen map[string]heard) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, b.ping)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, context.DeadlineExceeded) {
				// Quiet: make sure the server is still there.
				pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err = conn.Ping(pctx)
				cancel()
				if err == nil {
					continue
				}
			}
			return err
		}
		b.arrived(ctx, conn, n.Payload, lastSeen)
	}
}

// arrived decodes one notification and delivers its event, unless it is
// this node's own, delivered already, or another node's heard before.
func (b *Bus) arrived(ctx context.Context, conn *pgx.Conn, payload string, lastSeen map[string]heard) {
	head, body, ok := strings.Cut(payload, " ")
	run, num, ok2 := strings.Cut(head, ":")
	seq, err := strconv.ParseUint(num, 10, 64)
	if !ok || !ok2 || err != nil || run == "" {
		b.bad("not an event", len(payload))
		return
	}
	raw := []byte(body)
	if id, spilled := strings.CutPrefix(body, "@"); spilled {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := conn.QueryRow(qctx, `SELECT body FROM bus_spill WHERE id = $1 AND length(body) <= $2`,
			id, events.MaxEncoded).Scan(&raw)
		cancel()
		if err != nil {
			b.bad("spilled event unreadable: "+err.Error(), len(payload))
			return
		}
	}
	ev, err := events.Unmarshal(raw)
	if err != nil {
		b.bad(err.Error(), len(raw))
		return
	}
	if ev.Node == b.cfg.Node && run != b.run {
		return // an earlier run of this node, heard late
	}
	last := lastSeen[ev.Node]
	if last.run == run && seq <= last.seq {
		return // heard already: a batch sent again after a lost reply
	}
	if last.run == run && seq > last.seq+1 && ev.Node != b.cfg.Node {
		b.log.Warn("pgbus: events from a node were lost", "node", ev.Node, "missed", seq-last.seq-1)
	}
	if len(lastSeen) >= maxTracked {
		clear(lastSeen)
	}
	lastSeen[ev.Node] = heard{run, seq}
	if ev.Node == b.cfg.Node && b.ownEcho(seq) {
		return // delivered when it was published, while cut off
	}
	b.DeliverLocal(ev)
}

// heard is the last event heard from a node: its run and number.
type heard struct {
	run string
	seq uint64
}

// bad counts an unreadable notification; another program may write to
// the channel.
func (b *Bus) bad(why string, size int) {
	b.dropped.Add(1)
	b.log.Warn("pgbus: unreadable notification dropped", "why", why, "bytes", size)
}
