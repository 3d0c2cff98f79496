package control

import (
	"context"
	"net/http"
	"net/url"

	"github.com/x84bbs/x84/account"
)

// Account access: validation, security level and groups (the endpoints
// are listed in admin.go).

// levelRequest is a pointer, so that a body without "level" is a bad
// request rather than level 0.
type levelRequest struct {
	Level *int `json:"level"`
}

type groupsRequest struct {
	Groups []string `json:"groups"`
}

// validateReply says whether the account was awaiting validation.
type validateReply struct {
	WasWaiting bool `json:"was_waiting"`
}

// groupsReply holds the ordinary groups as stored (sorted, no
// duplicates).
type groupsReply struct {
	Groups []string `json:"groups"`
}

func (s *Server) accessRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/users/{handle}/validate", func(w http.ResponseWriter, r *http.Request) {
		was, err := s.admin.Validate(r.Context(), r.PathValue("handle"))
		reply(w, validateReply{was}, err)
	})
	mux.HandleFunc("PUT /v1/users/{handle}/level", func(w http.ResponseWriter, r *http.Request) {
		var req levelRequest
		if !decode(w, r, &req) {
			return
		}
		if req.Level == nil {
			w.WriteHeader(http.StatusBadRequest)
			writeJSON(w, errorReply{`bad request: no "level"`})
			return
		}
		reply(w, struct{}{}, s.admin.SetLevel(r.Context(), r.PathValue("handle"), *req.Level))
	})
	mux.HandleFunc("PUT /v1/users/{handle}/groups", func(w http.ResponseWriter, r *http.Request) {
		var req groupsRequest
		if !decode(w, r, &req) {
			return
		}
		groups, err := s.admin.SetGroups(r.Context(), r.PathValue("handle"), req.Groups)
		reply(w, groupsReply{groups}, err)
	})
}

// Validate ends an account's wait for a sysop's validation, and reports
// whether it was waiting.
func (l *Local) Validate(ctx context.Context, handle string) (bool, error) {
	_, was, err := l.accounts.ValidateWaiting(ctx, handle)
	return was, err
}

// SetLevel sets an account's security level, 0 to 255.
func (l *Local) SetLevel(ctx context.Context, handle string, level int) error {
	_, err := l.accounts.SetLevel(ctx, handle, level)
	return err
}

// SetGroups sets an account's ordinary groups (not sysop, locked or
// unvalidated, which are kept) and returns them as stored.
func (l *Local) SetGroups(ctx context.Context, handle string, groups []string) ([]string, error) {
	u, err := l.accounts.SetGroups(ctx, handle, groups)
	if err != nil {
		return nil, err
	}
	return account.OrdinaryGroups(u), nil
}

// Validate ends an account's wait for a sysop's validation, and reports
// whether it was waiting.
func (c *Client) Validate(ctx context.Context, handle string) (bool, error) {
	var out validateReply
	err := c.do(ctx, http.MethodPost, "/v1/users/"+url.PathEscape(handle)+"/validate", nil, &out)
	return out.WasWaiting, err
}

// SetLevel sets an account's security level.
func (c *Client) SetLevel(ctx context.Context, handle string, level int) error {
	return c.do(ctx, http.MethodPut, "/v1/users/"+url.PathEscape(handle)+"/level", levelRequest{&level}, nil)
}

// SetGroups sets an account's ordinary groups, and returns them as
// stored.
func (c *Client) SetGroups(ctx context.Context, handle string, groups []string) ([]string, error) {
	if groups == nil {
		groups = []string{} // [] in JSON: no groups, rather than null
	}
	var out groupsReply
	err := c.do(ctx, http.MethodPut, "/v1/users/"+url.PathEscape(handle)+"/groups", groupsRequest{groups}, &out)
	return out.Groups, err
}
