package control

import (
	"context"
	"net/http"
	"net/url"
)

// The sysop's removal of a user's second factor, `x84 user totp-off`:
// DELETE /v1/users/{handle}/totp.

func (s *Server) totpRoutes(mux *http.ServeMux) {
	mux.HandleFunc("DELETE /v1/users/{handle}/totp", func(w http.ResponseWriter, r *http.Request) {
		reply(w, struct{}{}, s.admin.RemoveTOTP(r.Context(), r.PathValue("handle")))
	})
}

// RemoveTOTP turns off the two-factor login of the user with the handle,
// who lost their phone and recovery codes. A user without it gets an
// error matching account.ErrTOTPOff and store.ErrNotFound.
func (l *Local) RemoveTOTP(ctx context.Context, handle string) error {
	_, err := l.accounts.RemoveTOTP(ctx, handle)
	return err
}

// RemoveTOTP turns off a user's two-factor login.
func (c *Client) RemoveTOTP(ctx context.Context, handle string) error {
	return c.do(ctx, http.MethodDelete, "/v1/users/"+url.PathEscape(handle)+"/totp", nil, nil)
}
