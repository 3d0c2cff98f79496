package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// The account endpoints, for `x84 user …` while the server runs (so that
// a ban takes effect at once in the running server):
//
//	GET    /v1/users                      []User (last_call null before a first call)
//	POST   /v1/users                      {"handle","password","sysop"}
//	PUT    /v1/users/{handle}/password    {"password"}
//	DELETE /v1/users/{handle}
//	POST   /v1/bans                       {"address"}  → {"prefix"}
//	DELETE /v1/bans?address=A             → {"prefix"}
//	GET    /v1/users/{handle}/keys        []Key
//	POST   /v1/users/{handle}/keys        {"key"}  → {"fingerprint"}
//	DELETE /v1/users/{handle}/keys?fingerprint=F
//	POST   /v1/users/{handle}/validate                → {"was_waiting"}
//	PUT    /v1/users/{handle}/level       {"level"}   (400 without "level")
//	PUT    /v1/users/{handle}/groups      {"groups"}  → {"groups"} as stored
//	DELETE /v1/users/{handle}/totp        two-factor login off (404 if it was)
//
// Errors are {"error": "..."} with 422 for a value the rules refuse (in
// the rule's words), 400 for a malformed request, 404 for a missing user,
// key or ban and 409 for a taken handle or key.

type userRequest struct {
	Handle   string `json:"handle"`
	Password string `json:"password"`
	Sysop    bool   `json:"sysop"`
}

type banRequest struct {
	Address string `json:"address"`
}

type prefixReply struct {
	Prefix string `json:"prefix"`
}

type keyRequest struct {
	Key string `json:"key"`
}

type fingerprintReply struct {
	Fingerprint string `json:"fingerprint"`
}

type errorReply struct {
	Error string `json:"error"`
}

func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/users", func(w http.ResponseWriter, r *http.Request) {
		list, err := s.admin.ListUsers(r.Context())
		reply(w, list, err)
	})
	mux.HandleFunc("POST /v1/users", func(w http.ResponseWriter, r *http.Request) {
		var req userRequest
		if !decode(w, r, &req) {
			return
		}
		reply(w, struct{}{}, s.admin.AddUser(r.Context(), req.Handle, req.Password, req.Sysop))
	})
	mux.HandleFunc("PUT /v1/users/{handle}/password", func(w http.ResponseWriter, r *http.Request) {
		var req userRequest
		if !decode(w, r, &req) {
			return
		}
		reply(w, struct{}{}, s.admin.SetPassword(r.Context(), r.PathValue("handle"), req.Password))
	})
	mux.HandleFunc("DELETE /v1/users/{handle}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, struct{}{}, s.admin.DeleteUser(r.Context(), r.PathValue("handle")))
	})
	mux.HandleFunc("POST /v1/bans", func(w http.ResponseWriter, r *http.Request) {
		var req banRequest
		if !decode(w, r, &req) {
			return
		}
		p, err := s.admin.Ban(r.Context(), req.Address)
		reply(w, prefixReply{p}, err)
	})
	mux.HandleFunc("DELETE /v1/bans", func(w http.ResponseWriter, r *http.Request) {
		p, err := s.admin.Unban(r.Context(), r.URL.Query().Get("address"))
		reply(w, prefixReply{p}, err)
	})
	mux.HandleFunc("GET /v1/users/{handle}/keys", func(w http.ResponseWriter, r *http.Request) {
		keys, err := s.admin.ListKeys(r.Context(), r.PathValue("handle"))
		reply(w, keys, err)
	})
	mux.HandleFunc("POST /v1/users/{handle}/keys", func(w http.ResponseWriter, r *http.Request) {
		var req keyRequest
		if !decode(w, r, &req) {
			return
		}
		fp, err := s.admin.AddKey(r.Context(), r.PathValue("handle"), req.Key)
		reply(w, fingerprintReply{fp}, err)
	})
	mux.HandleFunc("DELETE /v1/users/{handle}/keys", func(w http.ResponseWriter, r *http.Request) {
		reply(w, struct{}{}, s.admin.DeleteKey(r.Context(), r.PathValue("handle"), r.URL.Query().Get("fingerprint")))
	})
	s.accessRoutes(mux)
	s.totpRoutes(mux)
}

// decode reads a small JSON body; it answers 400 itself on failure.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	d := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	err := d.Decode(v)
	if err == nil {
		// Only white space may follow the object.
		if _, terr := d.Token(); terr != io.EOF {
			err = errors.New("data after the JSON object")
		}
	}
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, errorReply{"bad request: " + err.Error()})
		return false
	}
	return true
}

func reply(w http.ResponseWriter, v any, err error) {
	if err == nil {
		writeJSON(w, v)
		return
	}
	switch {
	case errors.Is(err, account.ErrInvalid):
		// The rule's own words, for the sysop.
		w.WriteHeader(http.StatusUnprocessableEntity)
		writeJSON(w, errorReply{account.Message(err)})
		return
	case errors.Is(err, store.ErrNotFound):
		w.WriteHeader(http.StatusNotFound)
	case errors.Is(err, store.ErrExists):
		w.WriteHeader(http.StatusConflict)
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
	writeJSON(w, errorReply{err.Error()})
}

// The client side: Client implements Admin.
var _ Admin = (*Client)(nil)

// ListUsers returns every account.
func (c *Client) ListUsers(ctx context.Context) ([]User, error) {
	var out []User
	return out, c.do(ctx, http.MethodGet, "/v1/users", nil, &out)
}

// AddUser creates an account.
func (c *Client) AddUser(ctx context.Context, handle, password string, sysop bool) error {
	return c.do(ctx, http.MethodPost, "/v1/users", userRequest{handle, password, sysop}, nil)
}

// SetPassword replaces an account's password.
func (c *Client) SetPassword(ctx context.Context, handle, password string) error {
	return c.do(ctx, http.MethodPut, "/v1/users/"+url.PathEscape(handle)+"/password", userRequest{Password: password}, nil)
}

// DeleteUser removes an account.
func (c *Client) DeleteUser(ctx context.Context, handle string) error {
	return c.do(ctx, http.MethodDelete, "/v1/users/"+url.PathEscape(handle), nil, nil)
}

// Ban refuses an address or range until Unban.
func (c *Client) Ban(ctx context.Context, address string) (string, error) {
	var out prefixReply
	return out.Prefix, c.do(ctx, http.MethodPost, "/v1/bans", banRequest{address}, &out)
}

// Unban lifts a ban.
func (c *Client) Unban(ctx context.Context, address string) (string, error) {
	var out prefixReply
	return out.Prefix, c.do(ctx, http.MethodDelete, "/v1/bans?address="+url.QueryEscape(address), nil, &out)
}

// ListKeys returns a user's ssh keys.
func (c *Client) ListKeys(ctx context.Context, handle string) ([]Key, error) {
	var out []Key
	return out, c.do(ctx, http.MethodGet, "/v1/users/"+url.PathEscape(handle)+"/keys", nil, &out)
}

// AddKey registers an ssh key for a user.
func (c *Client) AddKey(ctx context.Context, handle, line string) (string, error) {
	var out fingerprintReply
	return out.Fingerprint, c.do(ctx, http.MethodPost, "/v1/users/"+url.PathEscape(handle)+"/keys", keyRequest{line}, &out)
}

// DeleteKey removes a user's ssh key.
func (c *Client) DeleteKey(ctx context.Context, handle, fingerprint string) error {
	return c.do(ctx, http.MethodDelete, "/v1/users/"+url.PathEscape(handle)+"/keys?fingerprint="+url.QueryEscape(fingerprint), nil, nil)
}

// statusError turns an error reply back into the sentinel the server
// matched, keeping its text.
func statusError(code int, msg string) error {
	switch code {
	case http.StatusUnprocessableEntity:
		return &remoteError{msg, account.ErrInvalid}
	case http.StatusNotFound:
		return &remoteError{msg, store.ErrNotFound}
	case http.StatusConflict:
		return &remoteError{msg, store.ErrExists}
	case http.StatusBadRequest:
		return &remoteError{msg, nil} // the server's words suffice
	}
	return fmt.Errorf("control: %d: %s", code, msg)
}

// remoteError is an error the server reported: its text, and the sentinel
// it matched.
type remoteError struct {
	msg  string
	kind error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.kind }
