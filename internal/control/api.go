package control

import (
	"time"

	"github.com/x84bbs/x84/session"
)

// Who describes one live session, as `x84 who --json` prints it.
type Who struct {
	// Host is the cluster node the session is on; left out on a board
	// of one process.
	Host        string  `json:"host,omitempty"`
	Node        int     `json:"node"`
	Kind        string  `json:"kind"`
	RemoteAddr  string  `json:"remote_addr"`
	Term        string  `json:"term"`
	Cols        int     `json:"cols"`
	Rows        int     `json:"rows"`
	Encoding    string  `json:"encoding"`
	User        *string `json:"user"`
	Activity    string  `json:"activity"`
	ConnectedAt string  `json:"connected_at"`
	IdleSeconds int64   `json:"idle_seconds"`
}

// WhoOf converts a session snapshot, taken at now.
func WhoOf(s session.Snapshot, now time.Time) Who {
	w := Who{
		Host:        s.Host,
		Node:        s.Node,
		Kind:        string(s.Kind),
		RemoteAddr:  s.RemoteAddr,
		Term:        s.Term,
		Cols:        s.Size.Cols,
		Rows:        s.Size.Rows,
		Encoding:    string(s.Encoding),
		Activity:    s.Activity,
		ConnectedAt: s.ConnectedAt.UTC().Format(time.RFC3339),
		IdleSeconds: int64(now.Sub(s.LastInput) / time.Second),
	}
	if s.User != "" {
		u := s.User
		w.User = &u
	}
	return w
}

// Stats are process figures used by benchmarks and health checks.
type Stats struct {
	Sessions   int    `json:"sessions"`
	Goroutines int    `json:"goroutines"`
	HeapAlloc  uint64 `json:"heap_alloc"`
	HeapInuse  uint64 `json:"heap_inuse"`
	StackInuse uint64 `json:"stack_inuse"`
	Sys        uint64 `json:"sys"`
	// RSS is the resident set size in bytes, where the OS reports it.
	RSS uint64 `json:"rss"`
}
