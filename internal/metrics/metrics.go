// Package metrics keeps x84's counters in a private Prometheus registry
// (never the global one), for the web server's /metrics endpoint, and
// (History) a day of the sessions and logins in memory, for the web
// admin's charts.
//
// Concurrency: every method is safe for concurrent use.
package metrics

import (
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// Metrics are the board's counters.
type Metrics struct {
	Registry *prometheus.Registry

	accepted *prometheus.CounterVec
	refused  *prometheus.CounterVec
	logins   *prometheus.CounterVec
	bans     prometheus.Counter
	setup    *prometheus.HistogramVec
	bytesIn  *prometheus.CounterVec
	bytesOut *prometheus.CounterVec

	// For History: the live sessions, and the logins' totals kept
	// where they can be read without the registry's encoding.
	reg                *session.Registry
	loginsOK, loginsNo atomic.Uint64
}

// New registers the counters, and a gauge of live sessions by kind read
// from reg.
func New(reg *session.Registry) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		reg:      reg,
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x84_sessions_started_total",
			Help: "Sessions started, by connection kind."}, []string{"kind"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x84_connections_refused_total",
			Help: "Connections refused at accept, by reason."}, []string{"reason"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x84_logins_total",
			Help: "Login attempts, by result (ok, failed)."}, []string{"result"}),
		bans: prometheus.NewCounter(prometheus.CounterOpts{Name: "x84_bans_total",
			Help: "Addresses banned after failed logins."}),
		setup: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "x84_session_setup_seconds",
			Help:    "Time from accept to session start (negotiation, handshake), by kind.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"kind"}),
		bytesIn: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x84_bytes_in_total",
			Help: "Bytes received from callers' terminals, by kind."}, []string{"kind"}),
		bytesOut: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x84_bytes_out_total",
			Help: "Bytes sent to callers' terminals, by kind."}, []string{"kind"}),
	}
	sessions := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "x84_sessions", Help: "Live sessions."},
		func() float64 { return float64(reg.Len()) })
	// Events a slow caller's full inbox dropped: a sign the board
	// publishes faster than callers' screens keep up.
	dropped := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "x84_session_events_dropped",
		Help: "Events dropped by live sessions' full inboxes, summed."},
		func() float64 {
			var n uint64
			for _, s := range reg.Sessions() {
				n += s.Inbox().Dropped()
			}
			return float64(n)
		})
	byKind := prometheus.NewDesc("x84_sessions_by_kind", "Live sessions, by connection kind.", []string{"kind"}, nil)
	m.Registry.MustRegister(m.accepted, m.refused, m.logins, m.bans, m.setup, m.bytesIn, m.bytesOut, sessions, dropped,
		collectorFunc{desc: byKind, collect: func(ch chan<- prometheus.Metric) {
			counts := map[term.Kind]int{term.KindTelnet: 0, term.KindSSH: 0, term.KindRlogin: 0, term.KindWeb: 0}
			for _, s := range reg.Snapshots() {
				counts[s.Kind]++
			}
			for k, n := range counts {
				ch <- prometheus.MustNewConstMetric(byKind, prometheus.GaugeValue, float64(n), string(k))
			}
		}})
	return m
}

// collectorFunc is a Collector made of a description and a function.
type collectorFunc struct {
	desc    *prometheus.Desc
	collect func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// Session counts a session start; fits server.Server.OnSession.
func (m *Metrics) Session(kind term.Kind, setup time.Duration) {
	m.accepted.WithLabelValues(string(kind)).Inc()
	m.setup.WithLabelValues(string(kind)).Observe(setup.Seconds())
}

// Refused counts a refusal; fits server.Server.OnRefuse.
func (m *Metrics) Refused(_ netip.Addr, reason server.RefusalReason) {
	m.refused.WithLabelValues(string(reason)).Inc()
}

// Login counts a login attempt.
func (m *Metrics) Login(ok bool) {
	if ok {
		m.logins.WithLabelValues("ok").Inc()
		m.loginsOK.Add(1)
	} else {
		m.logins.WithLabelValues("failed").Inc()
		m.loginsNo.Add(1)
	}
}

// Banned counts a ban.
func (m *Metrics) Banned() { m.bans.Inc() }

// Traffic counts bytes exchanged with a terminal.
func (m *Metrics) Traffic(kind term.Kind, in, out int) {
	if in > 0 {
		m.bytesIn.WithLabelValues(string(kind)).Add(float64(in))
	}
	if out > 0 {
		m.bytesOut.WithLabelValues(string(kind)).Add(float64(out))
	}
}

// Counting wraps a terminal connection so its traffic is counted. The
// counters are looked up once: a busy chat writes to every caller for
// every line.
// A term.DirectConn stays one.
func (m *Metrics) Counting(c term.Conn) term.Conn {
	kind := string(c.Info().Kind)
	cc := &countingConn{Conn: c, in: m.bytesIn.WithLabelValues(kind), out: m.bytesOut.WithLabelValues(kind)}
	if d, ok := c.(term.DirectConn); ok {
		return &countingDirectConn{countingConn: cc, direct: d}
	}
	return cc
}

type countingDirectConn struct {
	*countingConn
	direct term.DirectConn
}

func (c *countingDirectConn) SetReadDeadline(t time.Time) error { return c.direct.SetReadDeadline(t) }
func (c *countingDirectConn) ReadDirect()                       { c.direct.ReadDirect() }

type countingConn struct {
	term.Conn
	in, out prometheus.Counter
}

// Unwrap returns the connection counted, for the session to find what
// it can do beyond term.Conn (term.TransparentConn).
func (c *countingConn) Unwrap() term.Conn { return c.Conn }

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.in.Add(float64(n))
	}
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.out.Add(float64(n))
	}
	return n, err
}
