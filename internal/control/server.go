package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/x84bbs/x84/internal/accounts"
	"github.com/x84bbs/x84/session"
)

// ErrRunning means another server already answers on the socket.
var ErrRunning = errors.New("control: another x84 server is running on this data directory")

// Server answers the control API.
type Server struct {
	// Registry is the session registry to report on.
	Registry *session.Registry
	// Admin, if non-nil, serves the account endpoints.
	Admin accounts.Admin
	// Broadcast, if non-nil, shows a text to every session and returns
	// how many it reached (POST /v1/broadcast).
	Broadcast func(text string) int
	// Logger receives errors. If nil, nothing is logged.
	Logger *slog.Logger

	once sync.Once
	srv  *http.Server
}

func (s *Server) init() {
	s.once.Do(func() {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /v1/who", s.who)
		mux.HandleFunc("GET /v1/stats", s.stats)
		if s.Admin != nil {
			s.adminRoutes(mux)
		}
		if s.Broadcast != nil {
			mux.HandleFunc("POST /v1/broadcast", s.broadcast)
		}
		log := s.Logger
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		s.srv = &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 5 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
	})
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
	s.init()
	err := s.srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops answering and waits for requests in progress.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	return s.srv.Shutdown(ctx)
}

func (s *Server) who(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	snaps := s.Registry.Snapshots()
	out := make([]Who, len(snaps))
	for i, sn := range snaps {
		out[i] = WhoOf(sn, now)
	}
	writeJSON(w, out)
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("gc") == "1" {
		runtime.GC() // benchmarks ask for live memory, not garbage
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	writeJSON(w, Stats{
		Sessions:   s.Registry.Len(),
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
	if strings.TrimSpace(req.Text) == "" {
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, errorReply{"nothing to broadcast"})
		return
	}
	writeJSON(w, broadcastReply{s.Broadcast(req.Text)})
}
