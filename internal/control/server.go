package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/community"
)

// ErrRunning means another server already answers on the socket.
var ErrRunning = errors.New("control: another x84 server is running on this data directory")

// Config configures a Server. Presence is required.
type Config struct {
	// Presence lists the sessions to report on.
	Presence community.Presence
	// Accounts, if non-nil, serves the account endpoints.
	Accounts *account.Service
	// Broadcasts, if non-nil, serves POST /v1/broadcast.
	Broadcasts *community.Broadcasts
	// Logger receives errors. If nil, nothing is logged.
	Logger *slog.Logger
}

// Server answers the control API.
type Server struct {
	cfg   Config
	admin Admin // nil without Accounts
	srv   *http.Server
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Presence == nil {
		return nil, errors.New("control: Config.Presence is required")
	}
	s := &Server{cfg: cfg}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/who", s.who)
	mux.HandleFunc("GET /v1/stats", s.stats)
	// Profiles, for finding where a loaded board spends its time and
	// memory (go tool pprof). The socket is the sysop's alone (0600).
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	if cfg.Accounts != nil {
		s.admin = NewLocal(cfg.Accounts)
		s.adminRoutes(mux)
	}
	if cfg.Broadcasts != nil {
		mux.HandleFunc("POST /v1/broadcast", s.broadcast)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Listen opens the control socket at path with mode 0600. A socket left
// behind by a server that died is removed; one that answers is not, and
// Listen returns ErrRunning.
func Listen(path string) (net.Listener, error) {
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("%w (%s)", ErrRunning, path)
	} else if errors.Is(err, syscall.ECONNREFUSED) {
		if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return nil, fmt.Errorf("control: removing stale socket: %w", rerr)
		}
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("control: %w", err)
	}
	return l, nil
}

// Serve answers requests on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops answering and waits for requests in progress.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.srv.Shutdown(ctx)
}

func (s *Server) who(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	snaps := s.cfg.Presence.Online()
	out := make([]Who, len(snaps))
	for i, sn := range snaps {
		out[i] = WhoOf(sn, now)
	}
	writeJSON(w, out)
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Query().Get("gc") {
	case "1":
		runtime.GC() // benchmarks ask for live memory, not garbage
	case "release":
		// Also give freed pages back to the system now, as the runtime
		// would over the next minutes: the process's memory at rest.
		debug.FreeOSMemory()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	writeJSON(w, Stats{
		Sessions:   len(s.cfg.Presence.Online()),
		Goroutines: runtime.NumGoroutine(),
		HeapAlloc:  m.HeapAlloc,
		HeapInuse:  m.HeapInuse,
		StackInuse: m.StackInuse,
		Sys:        m.Sys,
		RSS:        readRSS(),
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// readRSS returns the process's resident set size from /proc, or 0.
func readRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

type broadcastRequest struct {
	Text string `json:"text"`
}

type broadcastReply struct {
	Sessions int `json:"sessions"`
}

func (s *Server) broadcast(w http.ResponseWriter, r *http.Request) {
	var req broadcastRequest
	if !decode(w, r, &req) {
		return
	}
	n, err := s.cfg.Broadcasts.Send(nil, req.Text)
	switch {
	case errors.Is(err, community.ErrEmpty):
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, errorReply{"nothing to broadcast"})
	case errors.Is(err, community.ErrTooLong):
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, errorReply{fmt.Sprintf("a broadcast has at most %d characters", community.BroadcastMax)})
	case err != nil:
		w.WriteHeader(http.StatusInternalServerError)
		writeJSON(w, errorReply{err.Error()})
	default:
		writeJSON(w, broadcastReply{n})
	}
}
