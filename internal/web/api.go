package web

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/internal/server"
	"github.com/x84bbs/x84/store"
)

// whoEntry is one session in /api/who: nothing that locates the caller.
type whoEntry struct {
	Node        int     `json:"node"`
	Handle      *string `json:"handle"` // null before login
	Kind        string  `json:"kind"`
	Activity    string  `json:"activity"`
	IdleSeconds int64   `json:"idle_seconds"`
}

func (s *Server) who(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	list := []whoEntry{}
	if s.cfg.Presence != nil {
		now := time.Now()
		for _, sn := range s.cfg.Presence.Online() {
			e := whoEntry{Node: sn.Node, Kind: string(sn.Kind), Activity: sn.Activity,
				IdleSeconds: int64(now.Sub(sn.LastInput) / time.Second)}
			if sn.User != "" {
				e.Handle = &sn.User
			}
			list = append(list, e)
		}
	}
	writeJSON(w, http.StatusOK, list)
}

type onelinerJSON struct {
	ID     int64     `json:"id"`
	Handle string    `json:"handle"`
	Text   string    `json:"text"`
	Posted time.Time `json:"posted"`
}

func onelinerOf(o store.Oneliner) onelinerJSON {
	return onelinerJSON{ID: o.ID, Handle: o.Handle, Text: o.Text, Posted: o.Posted.UTC()}
}

func (s *Server) oneliners(w http.ResponseWriter, r *http.Request) {
	limit, ok := s.limit(w, r, s.cfg.OnelinerLimit)
	if !ok {
		return
	}
	if s.cfg.Oneliners == nil {
		writeError(w, http.StatusNotFound, "no such page")
		return
	}
	list, err := s.cfg.Oneliners.List(r.Context(), limit)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := make([]onelinerJSON, len(list))
	for i, o := range list {
		out[i] = onelinerOf(o)
	}
	writeJSON(w, http.StatusOK, out)
}

type callJSON struct {
	Handle   string    `json:"handle"`
	Location string    `json:"location"`
	At       time.Time `json:"at"`
	Calls    int       `json:"calls"`
	Kind     string    `json:"kind"`
}

func (s *Server) lastCallers(w http.ResponseWriter, r *http.Request) {
	limit, ok := s.limit(w, r, s.cfg.LastCallersLimit)
	if !ok {
		return
	}
	if s.cfg.Calls == nil {
		writeError(w, http.StatusNotFound, "no such page")
		return
	}
	list, err := s.cfg.Calls.LastCalls(r.Context(), limit)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := make([]callJSON, len(list))
	for i, c := range list {
		out[i] = callJSON{Handle: c.Handle, Location: c.Location, At: c.At.UTC(), Calls: c.Calls, Kind: c.Kind}
	}
	writeJSON(w, http.StatusOK, out)
}

// limit reads the optional ?limit=N, 1 to MaxListLimit; any other query
// parameter is an error too, so that a typo does not pass unnoticed.
func (s *Server) limit(w http.ResponseWriter, r *http.Request, def int) (int, bool) {
	q, err := urlQuery(r)
	if err == nil {
		for k := range q {
			if k != "limit" {
				err = fmt.Errorf("unknown query parameter %q", k)
			}
		}
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return 0, false
	}
	vals, ok := q["limit"]
	if !ok {
		return min(def, MaxListLimit), true
	}
	n, err := strconv.Atoi(vals[0])
	if len(vals) != 1 || err != nil || n < 1 || n > MaxListLimit {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("limit must be one whole number from 1 to %d", MaxListLimit))
		return 0, false
	}
	return n, true
}

// noQuery refuses query parameters on endpoints that take none.
func (s *Server) noQuery(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.RawQuery != "" {
		writeError(w, http.StatusBadRequest, "this endpoint takes no query parameters")
		return false
	}
	return true
}

func urlQuery(r *http.Request) (map[string][]string, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, errors.New("malformed query string")
	}
	return q, nil
}

// maxPostsInFlight is how many API logins one address (IPv4) or /64
// (IPv6), as bans count them, may have in progress at once; each costs a
// password hash.
const maxPostsInFlight = 2

// postOneliner posts a one-liner as the user of the request's basic
// authentication, through the board's own login and rules.
func (s *Server) postOneliner(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Accounts == nil || s.cfg.Oneliners == nil {
		writeError(w, http.StatusNotFound, "no such page")
		return
	}
	if !s.noQuery(w, r) {
		return
	}
	handle, password, ok := r.BasicAuth()
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="x84", charset="UTF-8"`)
		writeError(w, http.StatusUnauthorized, "log in with HTTP basic authentication as a user of the board")
		return
	}
	// A form on another site cannot send JSON without asking first (CORS),
	// which this server never allows.
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "the body must be application/json")
		return
	}
	text, err := decodeOneliner(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit))
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, `the body must be {"text": "..."}`)
		return
	}
	addr := clientAddr(r)
	if !s.beginPost(addr) {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "too many logins in progress from your address")
		return
	}
	defer s.endPost(addr)
	u, err := s.cfg.Accounts.Login(r.Context(), handle, password, addr)
	switch {
	case errors.Is(err, account.ErrBanned):
		writeError(w, http.StatusForbidden, "Too many failed logins from your address; it is banned for a while.")
		return
	case errors.Is(err, account.ErrLoginFailed):
		w.Header().Set("WWW-Authenticate", `Basic realm="x84", charset="UTF-8"`)
		writeError(w, http.StatusUnauthorized, "login failed: no such handle, or a wrong password")
		return
	case err != nil:
		s.internal(w, r, err)
		return
	case account.HasTOTP(u):
		// A password alone does not log in such an account, and basic
		// authentication has no room for the code.
		w.Header().Set("WWW-Authenticate", `Basic realm="x84", charset="UTF-8"`)
		writeError(w, http.StatusUnauthorized, "this account uses two-factor login: post from the board")
		return
	}
	o, err := s.cfg.Oneliners.Post(r.Context(), u, text)
	var wait *community.WaitError
	switch {
	case errors.As(err, &wait):
		w.Header().Set("Retry-After", strconv.Itoa(int((wait.Wait+time.Second-1)/time.Second)))
		writeError(w, http.StatusTooManyRequests, wait.Error())
	case errors.Is(err, community.ErrEmpty):
		writeError(w, http.StatusBadRequest, "the one-liner is empty")
	case errors.Is(err, community.ErrTooLong):
		writeError(w, http.StatusBadRequest, "the one-liner is too long")
	case errors.Is(err, community.ErrAnonymous):
		writeError(w, http.StatusForbidden, "log in with an account to post")
	case err != nil:
		s.internal(w, r, err)
	default:
		s.log.Info("one-liner posted over the web", "user", u.Handle, "remote", r.RemoteAddr)
		writeJSON(w, http.StatusCreated, onelinerOf(*o))
	}
}

// errBadOneliner is decodeOneliner's answer to a body that is not one
// JSON object {"text": "..."}.
var errBadOneliner = errors.New(`web: the body must be {"text": "..."}`)

// decodeOneliner reads a one-liner's body: one JSON object with a string
// "text" and nothing else, before and after. A read error (such as
// http.MaxBytesError) is returned as it is, anything else malformed as
// errBadOneliner.
func decodeOneliner(r io.Reader) (string, error) {
	var body struct {
		Text *string `json:"text"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	err := dec.Decode(&body)
	if err == nil {
		_, err = dec.Token()
		if err == io.EOF {
			err = nil
		} else if err == nil {
			err = errBadOneliner // more after the object
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return "", err
	case err != nil || body.Text == nil:
		return "", errBadOneliner
	}
	return *body.Text, nil
}

// beginPost counts an API login from addr's caller (server.CallerOf)
// unless it has maxPostsInFlight in progress already.
func (s *Server) beginPost(addr netip.Addr) bool {
	key := server.CallerOf(addr)
	s.postMu.Lock()
	defer s.postMu.Unlock()
	if s.postBusy[key] >= maxPostsInFlight {
		return false
	}
	s.postBusy[key]++
	return true
}

func (s *Server) endPost(addr netip.Addr) {
	key := server.CallerOf(addr)
	s.postMu.Lock()
	defer s.postMu.Unlock()
	if s.postBusy[key]--; s.postBusy[key] <= 0 {
		delete(s.postBusy, key)
	}
}

// internal logs an unexpected error and answers 500 without details.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("web request failed", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		Status string `json:"status"`
	}{"ok"})
}

// metrics serves the Prometheus registry to loopback clients, and to
// others that present the configured bearer token.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Metrics == nil {
		writeError(w, http.StatusNotFound, "no such page")
		return
	}
	if !clientAddr(r).IsLoopback() && !s.tokenOK(r) {
		writeError(w, http.StatusForbidden, "metrics are served to loopback clients, or with the configured bearer token")
		return
	}
	promhttp.HandlerFor(s.cfg.Metrics, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(w, r)
}

func (s *Server) tokenOK(r *http.Request) bool {
	if s.cfg.MetricsToken == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.MetricsToken)) == 1
}
