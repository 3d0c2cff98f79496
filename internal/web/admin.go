package web

import (
	"net/http"
	"strings"
)

// AdminPrefix is where Config.Admin is served.
const AdminPrefix = "/admin/"

// withAdmin routes every path under AdminPrefix, whatever the method, to
// admin, and "/admin" to AdminPrefix; the rest to next. The admin keeps
// the security headers, the ban check and the body limit, and sets a
// Content-Security-Policy of its own for its pages.
func withAdmin(admin, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, AdminPrefix):
			admin.ServeHTTP(w, r)
		case r.URL.Path == strings.TrimSuffix(AdminPrefix, "/"):
			http.Redirect(w, r, AdminPrefix, http.StatusPermanentRedirect)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
