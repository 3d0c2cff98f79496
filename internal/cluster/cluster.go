package cluster

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store/postgres"
	"github.com/x84bbs/x84/term"
)

// Config configures Join.
type Config struct {
	// Name names this node; unique among the live nodes.
	Name string
	// Heartbeat is how often the node stores its sessions and proves it
	// is alive; NodeTimeout how long a silent node lives on in the
	// others' eyes. NodeTimeout must be at least three heartbeats.
	Heartbeat   time.Duration
	NodeTimeout time.Duration
	Logger      *slog.Logger
}

// Bus is what a node needs of the cluster's event bus (*pgbus.Bus).
type Bus interface {
	events.Bus
	// DeliverLocal hands an event to this node's subscribers only.
	DeliverLocal(ev events.Event)
}

// Node is this process's membership of the cluster.
type Node struct {
	cfg Config
	db  *sql.DB
	bus Bus
	reg *session.Registry
	log *slog.Logger

	mu      sync.Mutex
	remote  []session.Snapshot // the other live nodes' sessions
	taken   map[int]bool       // this node's numbers in node_numbers
	unfreed map[int]bool       // numbers Free could not delete yet

	dirty  chan struct{} // this node's sessions changed
	stale  chan struct{} // another node's sessions changed
	bans   chan struct{} // another node changed the bans
	onBans atomic.Pointer[func(context.Context)]
	onGone atomic.Pointer[func(string)]
	rooms  atomic.Pointer[Rooms]
	live   map[string]bool // the other nodes read last (run's goroutine)
	cancel context.CancelFunc
	wg     sync.WaitGroup
	unsub  func()
	// nameConn holds the name's advisory lock.
	nameConn *sql.Conn
	// schemaKey keys the board's locks shared by the nodes (its schema).
	schemaKey int32
}

// ErrNameTaken means a live node already has this node's name.
var ErrNameTaken = errors.New("cluster: another live node has this name")

// Join enters the cluster of the database at url (migrated by the
// store): it claims cfg.Name, makes itself reg's source of node numbers,
// and keeps the cluster's who's online until Leave. reg must have no
// sessions yet.
func Join(ctx context.Context, url string, cfg Config, reg *session.Registry, bus Bus) (*Node, error) {
	if cfg.Name == "" {
		return nil, errors.New("cluster: no node name")
	}
	if cfg.Heartbeat <= 0 || cfg.NodeTimeout < 3*cfg.Heartbeat {
		return nil, fmt.Errorf("cluster: node timeout %v must be at least three heartbeats (%v)", cfg.NodeTimeout, cfg.Heartbeat)
	}
	cc, err := postgres.ConnConfig(url, "x84 cluster "+cfg.Name, 0)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Node{cfg: cfg, db: stdlib.OpenDB(*cc), bus: bus, reg: reg, log: log,
		taken: map[int]bool{}, unfreed: map[int]bool{}, dirty: make(chan struct{}, 1), stale: make(chan struct{}, 1), bans: make(chan struct{}, 1)}
	n.db.SetMaxOpenConns(5) // one holds the name's lock
	if err := n.lockName(ctx); err != nil {
		n.db.Close()
		return nil, err
	}
	if err := n.claim(ctx); err != nil {
		n.nameConn.Close()
		n.db.Close()
		return nil, err
	}
	reg.Numbers = n
	unsubP := bus.Subscribe(events.TopicPresence, n.onPresence)
	unsubC := bus.Subscribe(events.TopicCluster, n.onCluster)
	n.unsub = func() { unsubP(); unsubC() }
	runCtx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.wg.Go(func() { n.run(runCtx) })
	n.log.Info("cluster: joined")
	return n, nil
}

// OnBans makes f run (on the node's goroutine) when another node made or
// lifted a ban: f reads the bans again.
func (n *Node) OnBans(f func(context.Context)) { n.onBans.Store(&f) }

// Rooms is what a node shares of its chat rooms: its members, and the
// other nodes' as they stored them (*community.LocalRooms).
type Rooms interface {
	LocalMembers() map[string]map[string]int
	SetRemote(node string, members map[string]map[string]int)
}

// ShareRooms makes the node store r's members with its sessions and hand
// r the other nodes' at every read.
func (n *Node) ShareRooms(r Rooms) { n.rooms.Store(&r) }

// OnGone makes f run (on the node's goroutine) with the name of each
// node that left the cluster, or died: f forgets what it kept of it.
func (n *Node) OnGone(f func(name string)) { n.onGone.Store(&f) }

// Name returns the node's name.
func (n *Node) Name() string { return n.cfg.Name }

// nameLock is the first key of the advisory lock a node holds on its
// name for as long as it runs: PostgreSQL drops it when the process or
// its connection dies, so a name is free again as soon as its node is
// gone, however recently it beat. ("x84" and 2.)
const nameLock = 0x78383402

// lockName takes the name's lock on a connection of its own, kept until
// Leave. Another live node with the name holds it: ErrNameTaken.
func (n *Node) lockName(ctx context.Context) error {
	conn, err := n.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("cluster: join: %w", err)
	}
	// Advisory locks are the database's: the schema is in the key, so
	// boards in two schemas may each have a node of the same name.
	var schema string
	if err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		conn.Close()
		return fmt.Errorf("cluster: join: %w", err)
	}
	if n.nameConn == nil { // the first time, in Join: others read it after
		hs := fnv.New32a()
		hs.Write([]byte(schema))
		n.schemaKey = int32(hs.Sum32())
	}
	h := fnv.New32a()
	h.Write([]byte(schema + "/" + n.cfg.Name))
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, nameLock, int32(h.Sum32())).Scan(&got); err != nil {
		conn.Close()
		return fmt.Errorf("cluster: join: %w", err)
	}
	if !got {
		conn.Close()
		return fmt.Errorf("%w: another running x84 is node %q; give each node its own [cluster] name", ErrNameTaken, n.cfg.Name)
	}
	n.nameConn = conn
	return nil
}

// fileLock is the first key of the lock the nodes share around changes
// to the shared file area ("x84" and 3).
const fileLock = 0x78383403

// FileAreaLock returns the lock the nodes sharing this board's file
// area take around an upload's commit, a rename or a removal
// (filearea.Config.Exclusive): a PostgreSQL advisory lock, held on a
// connection of its own until released.
func (n *Node) FileAreaLock() func(ctx context.Context) (func(), error) {
	return func(ctx context.Context) (func(), error) {
		conn, err := n.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, $2)`, fileLock, n.schemaKey); err != nil {
			conn.Close()
			return nil, err
		}
		return func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			// A connection that cannot unlock is dropped, which unlocks.
			if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, $2)`, fileLock, n.schemaKey); err != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
			conn.Close()
		}, nil
	}
}

// holdName makes sure the node still holds its name's lock, which a
// database restart or a cut connection drops, and takes it again.
// nameConn belongs to the run goroutine once Join returns.
func (n *Node) holdName(ctx context.Context) {
	pctx, cancel := context.WithTimeout(ctx, n.cfg.Heartbeat)
	defer cancel()
	if n.nameConn.PingContext(pctx) == nil {
		return
	}
	n.nameConn.Close()
	switch err := n.lockName(pctx); {
	case errors.Is(err, ErrNameTaken):
		n.log.Error("cluster: this node lost the lock on its name and another process has it now; stop one of them", "err", err)
	case err != nil:
		n.log.Warn("cluster: take the name's lock again", "err", err)
	default:
		n.log.Info("cluster: took the name's lock again")
	}
}

// claim writes the node's row. A row of the same name is a dead node's
// (this node holds the name's lock): it goes, and its numbers with it.
func (n *Node) claim(ctx context.Context) error {
	tx, err := n.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("cluster: join: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM cluster_nodes WHERE name = $1`, n.cfg.Name); err != nil {
		return fmt.Errorf("cluster: join: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cluster_nodes (name, started, heartbeat) VALUES ($1, now(), now())`, n.cfg.Name); err != nil {
		return fmt.Errorf("cluster: join: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("cluster: join: %w", err)
	}
	return nil
}

// Leave stops the heartbeat and removes the node and its numbers from
// the cluster, so the others drop its callers at once.
func (n *Node) Leave() error {
	n.unsub()
	n.cancel()
	n.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := n.db.ExecContext(ctx, `DELETE FROM cluster_nodes WHERE name = $1`, n.cfg.Name)
	if err == nil {
		n.bus.Publish(events.Event{Topic: events.TopicCluster, Data: events.NodeSessions{}})
	}
	n.nameConn.Close() // frees the name
	n.db.Close()
	if err != nil {
		return fmt.Errorf("cluster: leave: %w", err)
	}
	n.log.Info("cluster: left")
	return nil
}

// Take implements session.NodeNumbers: the lowest number no node holds.
// Callers arriving at once compute the same number and all but one lose
// the race; each retry skips a few more free numbers at random, so a
// burst spreads out at once instead of queueing one winner per round.
func (n *Node) Take() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for attempt := range 50 {
		skip := 0
		if attempt > 0 {
			skip = rand.IntN(2 * attempt)
		}
		var num int
		// The series holds count+1+skip numbers, so at least skip+1 of
		// them are free.
		err := n.db.QueryRowContext(ctx, `INSERT INTO node_numbers (num, node)
			SELECT g, $1 FROM generate_series(1, (SELECT count(*) FROM node_numbers)::int + 1 + $2) AS g
			WHERE NOT EXISTS (SELECT 1 FROM node_numbers WHERE num = g)
			ORDER BY g OFFSET $2 LIMIT 1
			ON CONFLICT DO NOTHING RETURNING num`, n.cfg.Name, skip).Scan(&num)
		switch {
		case err == nil:
			n.mu.Lock()
			mine := n.taken[num]
			n.taken[num] = true
			n.mu.Unlock()
			if mine {
				// A session here still has it: another node took it while
				// this one was taken for dead and has freed it since. The
				// row is back where it belongs; find another.
				continue
			}
			return num, nil
		case errors.Is(err, sql.ErrNoRows):
			continue // another node took it first
		case isForeignKey(err):
			// The others took this node for dead: join again.
			if err := n.rejoin(ctx); err != nil {
				return 0, err
			}
		default:
			return 0, fmt.Errorf("cluster: take a node number: %w", err)
		}
	}
	return 0, errors.New("cluster: take a node number: too many callers racing")
}

// Free implements session.NodeNumbers. A number that cannot be freed
// now (the database is away) is freed by a later heartbeat.
func (n *Node) Free(num int) {
	n.mu.Lock()
	delete(n.taken, num)
	n.mu.Unlock()
	if err := n.free(num); err != nil {
		n.log.Warn("cluster: free a node number; will retry", "number", num, "err", err)
		n.mu.Lock()
		n.unfreed[num] = true
		n.mu.Unlock()
	}
}

func (n *Node) free(num int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := n.db.ExecContext(ctx, `DELETE FROM node_numbers WHERE num = $1 AND node = $2`, num, n.cfg.Name)
	return err
}

// freeLater frees the numbers Free could not, unless taken again since.
func (n *Node) freeLater() {
	n.mu.Lock()
	var nums []int
	for k := range n.unfreed {
		if !n.taken[k] {
			nums = append(nums, k)
		}
		delete(n.unfreed, k)
	}
	n.mu.Unlock()
	for _, k := range nums {
		if err := n.free(k); err != nil {
			n.mu.Lock()
			n.unfreed[k] = true
			n.mu.Unlock()
			return
		}
	}
}

// rejoin writes the node's row again after the others took it for dead
// (a network partition, a long pause), and claims its numbers again;
// one another node took meanwhile is held twice until a session ends.
func (n *Node) rejoin(ctx context.Context) error {
	if _, err := n.db.ExecContext(ctx, `INSERT INTO cluster_nodes (name, started, heartbeat) VALUES ($1, now(), now())
		ON CONFLICT (name) DO UPDATE SET heartbeat = now()`, n.cfg.Name); err != nil {
		return fmt.Errorf("cluster: rejoin: %w", err)
	}
	nums := n.numbers()
	res, err := n.db.ExecContext(ctx, `INSERT INTO node_numbers (num, node) SELECT unnest($2::int[]), $1 ON CONFLICT DO NOTHING`,
		n.cfg.Name, nums)
	if err != nil {
		return fmt.Errorf("cluster: rejoin: %w", err)
	}
	if got, _ := res.RowsAffected(); int(got) < len(nums) {
		n.log.Warn("cluster: rejoined; some node numbers were taken meanwhile", "held", len(nums), "claimed", got)
	} else {
		n.log.Warn("cluster: the other nodes took this one for dead; rejoined")
	}
	return nil
}

// numbers returns the numbers this node holds.
func (n *Node) numbers() []int32 {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]int32, 0, len(n.taken))
	for k := range n.taken {
		out = append(out, int32(k))
	}
	return out
}

// onPresence hears presence events: this node's own mean its sessions
// must be stored again.
func (n *Node) onPresence(ev events.Event) {
	if ev.Node == n.cfg.Name {
		signal(n.dirty)
	}
}

// onCluster hears the other nodes.
func (n *Node) onCluster(ev events.Event) {
	if ev.Node == n.cfg.Name {
		return
	}
	switch d := ev.Data.(type) {
	case events.NodeSessions:
		signal(n.stale)
	case events.BansChanged:
		signal(n.bans)
	case events.Disconnect:
		// Writing to a caller may take a moment; deliver must not block.
		switch {
		case d.Handle != "":
			n.wg.Go(func() { community.NewLocalPresence(n.reg).DisconnectUser(d.Handle, d.Line) })
		case d.Host == n.cfg.Name:
			s := n.reg.Lookup(d.Node)
			if s != nil && (d.Since.IsZero() || s.Snapshot().ConnectedAt.Equal(d.Since)) {
				n.wg.Go(func() { s.Disconnect(d.Line) })
			}
		}
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// maxSessionsJSON bounds the sessions of one node read from the table
// (some 30,000 callers: each is about 400 bytes, its activity said both
// in English and as a message with its values).
const maxSessionsJSON = 16 << 20

// settle is how long the node gathers changes before it stores or reads
// sessions: a burst of callers costs one write.
const settle = 100 * time.Millisecond

// run is the heartbeat, and stores and reads sessions as they change.
func (n *Node) run(ctx context.Context) {
	tick := time.NewTicker(n.cfg.Heartbeat)
	defer tick.Stop()
	var store, read <-chan time.Time
	beats := 0
	banEvery := max(1, int(time.Minute/n.cfg.Heartbeat))
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			n.beat(ctx)
			n.read(ctx)
			// Bans changed by a node that was not heard (a gap), or by
			// x84 user on a machine with no node, still arrive.
			if beats++; beats%banEvery == 0 {
				n.reloadBans(ctx)
			}
		case <-n.dirty:
			if store == nil {
				store = time.After(settle)
			}
		case <-n.stale:
			if read == nil {
				read = time.After(settle)
			}
		case <-store:
			store = nil
			if n.write(ctx) == nil {
				n.bus.Publish(events.Event{Topic: events.TopicCluster, Data: events.NodeSessions{}})
			}
		case <-read:
			read = nil
			n.read(ctx)
		case <-n.bans:
			n.reloadBans(ctx)
		}
	}
}

// reloadBans runs the OnBans function, within a heartbeat's time.
func (n *Node) reloadBans(ctx context.Context) {
	if f := n.onBans.Load(); f != nil {
		bctx, cancel := context.WithTimeout(ctx, n.cfg.Heartbeat)
		defer cancel()
		(*f)(bctx)
	}
}

// Relinked tells the node that the bus was cut off for a while: what the
// other nodes said meanwhile (sessions, bans) is read again.
func (n *Node) Relinked() {
	signal(n.stale)
	signal(n.bans)
}

// wireSession is a session as the nodes store it for each other.
type wireSession struct {
	Node     int    `json:"node"`
	Kind     string `json:"kind"`
	Remote   string `json:"remote"`
	Term     string `json:"term"`
	Cols     int    `json:"cols"`
	Rows     int    `json:"rows"`
	Encoding string `json:"encoding"`
	User     string `json:"user,omitempty"`
	Activity string `json:"activity,omitempty"`
	// ActivityID and ActivityArgs: the activity as a catalog message,
	// which each viewer reads in their language.
	ActivityID   string    `json:"activity_id,omitempty"`
	ActivityArgs []string  `json:"activity_args,omitempty"`
	Connected    time.Time `json:"connected"`
	LastInput    time.Time `json:"last_input"`
}

// write stores this node's sessions and heartbeat.
func (n *Node) write(ctx context.Context) error {
	snaps := n.reg.Snapshots()
	list := make([]wireSession, len(snaps))
	for i, s := range snaps {
		list[i] = wireSession{Node: s.Node, Kind: string(s.Kind), Remote: s.RemoteAddr, Term: s.Term,
			Cols: s.Size.Cols, Rows: s.Size.Rows, Encoding: string(s.Encoding), User: s.User,
			Activity: s.Activity, ActivityID: s.ActivityID, ActivityArgs: s.ActivityArgs, Connected: s.ConnectedAt, LastInput: s.LastInput}
	}
	body, err := json.Marshal(list)
	if err != nil {
		return err
	}
	members := map[string]map[string]int{}
	if r := n.rooms.Load(); r != nil {
		members = (*r).LocalMembers()
	}
	rooms, err := json.Marshal(members)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, n.cfg.Heartbeat)
	defer cancel()
	const update = `UPDATE cluster_nodes SET heartbeat = now(), sessions = $2, rooms = $3 WHERE name = $1`
	res, err := n.db.ExecContext(wctx, update, n.cfg.Name, body, rooms)
	if err == nil {
		if k, _ := res.RowsAffected(); k == 0 {
			if err = n.rejoin(wctx); err == nil {
				_, err = n.db.ExecContext(wctx, update, n.cfg.Name, body, rooms)
			}
		}
	}
	if err != nil {
		n.log.Warn("cluster: heartbeat", "err", err)
	}
	return err
}

// beat proves the node alive, frees numbers it could not free before,
// and removes nodes that stopped beating.
func (n *Node) beat(ctx context.Context) {
	if n.write(ctx) != nil {
		return
	}
	n.holdName(ctx)
	n.freeLater()
	bctx, cancel := context.WithTimeout(ctx, n.cfg.Heartbeat)
	defer cancel()
	rows, err := n.db.QueryContext(bctx, `DELETE FROM cluster_nodes WHERE heartbeat < now() - make_interval(secs => $1)
		RETURNING name`, n.cfg.NodeTimeout.Seconds())
	if err != nil {
		n.log.Warn("cluster: heartbeat", "err", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			n.log.Warn("cluster: a node stopped; its callers are gone", "gone", term.Sanitize(name))
		}
	}
}

// read loads the other live nodes' sessions and, when they changed, has
// this node's screens look again. A node silent for NodeTimeout less one
// heartbeat is left out, so that a dead node's callers leave who's
// online within NodeTimeout of its last heartbeat.
func (n *Node) read(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, n.cfg.Heartbeat)
	defer cancel()
	rows, err := n.db.QueryContext(rctx, `SELECT name, sessions, rooms FROM cluster_nodes
		WHERE name <> $1 AND heartbeat > now() - make_interval(secs => $2)
		AND octet_length(sessions::text) + octet_length(rooms::text) <= $3`,
		n.cfg.Name, (n.cfg.NodeTimeout - n.cfg.Heartbeat).Seconds(), maxSessionsJSON)
	if err != nil {
		n.log.Warn("cluster: read the other nodes", "err", err)
		return
	}
	defer rows.Close()
	var all []session.Snapshot
	live := map[string]bool{}
	rooms := map[string]map[string]map[string]int{}
	for rows.Next() {
		var name string
		var body, roomBody []byte
		if err := rows.Scan(&name, &body, &roomBody); err != nil {
			n.log.Warn("cluster: read the other nodes", "err", err)
			return
		}
		live[name] = true
		var members map[string]map[string]int
		if json.Unmarshal(roomBody, &members) == nil {
			rooms[name] = members
		}
		var list []wireSession
		if err := json.Unmarshal(body, &list); err != nil {
			n.log.Warn("cluster: a node's sessions are unreadable", "other", term.Sanitize(name), "err", err)
			continue
		}
		for _, w := range list {
			all = append(all, session.Snapshot{Host: name, Node: w.Node, Kind: term.Kind(w.Kind), RemoteAddr: w.Remote,
				Term: w.Term, Size: term.Size{Cols: w.Cols, Rows: w.Rows}, Encoding: term.Encoding(w.Encoding),
				User: w.User, Activity: w.Activity, ActivityID: w.ActivityID, ActivityArgs: w.ActivityArgs,
				ConnectedAt: w.Connected, LastInput: w.LastInput})
		}
	}
	if rows.Err() != nil {
		return
	}
	if f := n.onGone.Load(); f != nil {
		for name := range n.live {
			if !live[name] {
				(*f)(name)
			}
		}
	}
	n.live = live
	if r := n.rooms.Load(); r != nil {
		for name, members := range rooms {
			(*r).SetRemote(name, members)
		}
	}
	slices.SortFunc(all, func(a, b session.Snapshot) int { return cmp.Compare(a.Node, b.Node) })
	n.mu.Lock()
	changed := !slices.EqualFunc(n.remote, all, sameSnapshot)
	n.remote = all
	n.mu.Unlock()
	if changed {
		// No node name: onPresence must not take it for a change here.
		n.bus.DeliverLocal(events.Event{Topic: events.TopicPresence, Data: events.Presence{}})
	}
}

func sameSnapshot(a, b session.Snapshot) bool {
	return a.Host == b.Host && a.Node == b.Node && a.User == b.User && a.Activity == b.Activity &&
		a.ActivityID == b.ActivityID && slices.Equal(a.ActivityArgs, b.ActivityArgs) &&
		a.Size == b.Size && a.LastInput.Equal(b.LastInput) && a.Term == b.Term
}

// Remote returns the other live nodes' sessions, by node number.
func (n *Node) Remote() []session.Snapshot {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.remote)
}

func isForeignKey(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}
