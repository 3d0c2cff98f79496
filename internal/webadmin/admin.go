package webadmin

import (
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/internal/metrics"
)

// Prefix is the path under which the admin is served.
const Prefix = "/admin/"

// Defaults for the zero Config.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultSessionLifetime = 12 * time.Hour
	DefaultLoginTimeout    = 5 * time.Minute
	DefaultMaxSessions     = 16
	DefaultSessionsPerUser = 4
	DefaultPendingPerUser  = 2
	DefaultPendingPerAddr  = 2
	DefaultMinBanBitsIPv4  = 8
	DefaultMinBanBitsIPv6  = 16
	DefaultPageSize        = 50
	DefaultMaxCodeTries    = 3
	// MaxPageSize is the most rows a page lists, whatever PageSize says.
	MaxPageSize = 500
)

// Bans lists the bans in force and past, for the bans page (auth.Banner
// does).
type Bans interface {
	List() []auth.Ban
}

// Config configures a Handler. Accounts is required; a nil part hides
// its page (404).
type Config struct {
	// Accounts logs sysops in and holds the rules of accounts and bans.
	Accounts *account.Service
	// Presence lists who is online and ends calls.
	Presence community.Presence
	// Broadcasts sends the sysop's notices to every caller.
	Broadcasts *community.Broadcasts
	// Oneliners and Messages are moderated on their pages.
	Oneliners *community.Oneliners
	Messages  *community.Messages
	// Bans lists the bans; adding and lifting go through Accounts.
	Bans Bans
	// History feeds the charts of sessions and logins.
	History *metrics.History
	// Settings is the running configuration, shown with its secrets
	// masked.
	Settings *config.Config
	// StoreURL is the database the board uses when it is not Settings'
	// [store] url: the environment's X84_STORE_URL, which overrides it.
	// The configuration page shows it in its place, masked, and says
	// so. "" when the file's is used.
	StoreURL string
	// Name is the board's name, in the pages' titles. Default "x84".
	Name string

	// IdleTimeout ends a session unused for that long, SessionLifetime
	// any session that old, LoginTimeout a login still waiting for its
	// second factor. MaxSessions bounds the sessions held, waiting
	// logins included; MaxSessionsPerUser one sysop's sessions;
	// MaxPendingPerUser and MaxPendingPerAddress the logins waiting for
	// their code of one account and from one address; PageSize the rows
	// of a list (at most MaxPageSize); MaxCodeTries the wrong codes of
	// one login. MinBanBitsIPv4 and MinBanBitsIPv6 are the shortest
	// ranges a sysop may ban.
	IdleTimeout          time.Duration
	SessionLifetime      time.Duration
	LoginTimeout         time.Duration
	MaxSessions          int
	MaxSessionsPerUser   int
	MaxPendingPerUser    int
	MaxPendingPerAddress int
	PageSize             int
	MaxCodeTries         int
	MinBanBitsIPv4       int
	MinBanBitsIPv6       int

	// Logger receives the sysops' changes and errors. If nil, nothing
	// is logged.
	Logger *slog.Logger
	// Now is the clock of sessions' expiry (for tests). Default
	// time.Now.
	Now func() time.Time
}

// Handler serves the admin under Prefix. Build it with New.
type Handler struct {
	cfg      Config
	log      *slog.Logger
	sessions *sessions
	routes   map[string]map[string]route
	assets   map[string]asset
}

// access says who may use a route.
type access int

const (
	public     access = iota // anyone (the login form, the assets)
	pending                  // a login waiting for its code
	anySession               // a login waiting for its code, or a sysop's session
	sysop                    // a sysop's session
)

// route is one page or action.
type route struct {
	who access
	h   func(*request)
}

// New returns a Handler for cfg, with defaults filled in.
func New(cfg Config) *Handler {
	defaults.Positive(&cfg.IdleTimeout, DefaultIdleTimeout)
	defaults.Positive(&cfg.SessionLifetime, DefaultSessionLifetime)
	defaults.Positive(&cfg.LoginTimeout, DefaultLoginTimeout)
	defaults.Positive(&cfg.MaxSessions, DefaultMaxSessions)
	defaults.Positive(&cfg.MaxSessionsPerUser, DefaultSessionsPerUser)
	defaults.Positive(&cfg.MaxPendingPerUser, DefaultPendingPerUser)
	defaults.Positive(&cfg.MaxPendingPerAddress, DefaultPendingPerAddr)
	defaults.Positive(&cfg.MinBanBitsIPv4, DefaultMinBanBitsIPv4)
	defaults.Positive(&cfg.MinBanBitsIPv6, DefaultMinBanBitsIPv6)
	defaults.Positive(&cfg.PageSize, DefaultPageSize)
	defaults.Positive(&cfg.MaxCodeTries, DefaultMaxCodeTries)
	cfg.PageSize = min(cfg.PageSize, MaxPageSize)
	if cfg.Name == "" {
		cfg.Name = "x84"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, log: cfg.Logger, assets: loadAssets()}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.sessions = newSessions(sessionLimits{idle: cfg.IdleTimeout, lifetime: cfg.SessionLifetime, login: cfg.LoginTimeout,
		max: cfg.MaxSessions, perUser: cfg.MaxSessionsPerUser,
		pendingPerUser: cfg.MaxPendingPerUser, pendingPerAddress: cfg.MaxPendingPerAddress}, cfg.Now)
	h.routes = h.table()
	return h
}

// table lists the routes, by path and method.
func (h *Handler) table() map[string]map[string]route {
	rt := map[string]map[string]route{}
	add := func(method, path string, who access, f func(*request)) {
		if rt[Prefix+path] == nil {
			rt[Prefix+path] = map[string]route{}
		}
		rt[Prefix+path][method] = route{who, f}
	}
	get, post := http.MethodGet, http.MethodPost
	add(get, "login", public, h.loginForm)
	add(post, "login", public, h.login)
	add(get, "login/code", pending, h.codeForm)
	add(post, "login/code", pending, h.code)
	add(post, "logout", anySession, h.logout)
	for p := range h.assets {
		add(get, strings.TrimPrefix(p, Prefix), public, h.asset)
	}

	add(get, "", sysop, h.who)
	if h.cfg.Presence != nil {
		add(get, "who.json", sysop, h.whoJSON)
		add(post, "disconnect", sysop, h.disconnect)
	}
	if h.cfg.Broadcasts != nil {
		add(post, "broadcast", sysop, h.broadcast)
	}
	add(get, "users", sysop, h.users)
	add(get, "user", sysop, h.user)
	add(post, "user/profile", sysop, h.userProfile)
	add(post, "user/level", sysop, h.userLevel)
	add(post, "user/groups", sysop, h.userGroups)
	add(post, "user/validate", sysop, h.userValidate)
	add(post, "user/lock", sysop, h.userLock)
	add(post, "user/sysop", sysop, h.userSysop)
	add(post, "user/totp", sysop, h.userRemoveTOTP)
	add(get, "user/delete", sysop, h.userDeleteForm)
	add(post, "user/delete", sysop, h.userDelete)
	if h.cfg.Bans != nil {
		add(get, "bans", sysop, h.bans)
		add(post, "bans/add", sysop, h.banAdd)
		add(post, "bans/remove", sysop, h.banRemove)
	}
	if h.cfg.Oneliners != nil {
		add(get, "oneliners", sysop, h.oneliners)
		add(post, "oneliners/delete", sysop, h.onelinerDelete)
	}
	if h.cfg.Messages != nil {
		add(get, "messages", sysop, h.messages)
		add(post, "messages/delete", sysop, h.messageDelete)
	}
	if h.cfg.Settings != nil {
		add(get, "config", sysop, h.settings)
	}
	if h.cfg.History != nil {
		add(get, "charts", sysop, h.charts)
	}
	return rt
}

// pageCSP lets the pages load their own style sheet and script, send
// forms to themselves and fetch who is online; nothing inline.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// ServeHTTP routes a request under Prefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", pageCSP)
	hd.Set("Cache-Control", "no-store")
	req := &request{h: h, w: w, r: r}
	methods, ok := h.routes[r.URL.Path]
	if !ok {
		req.fail(http.StatusNotFound, "No such page", "There is no admin page at this address.")
		return
	}
	rt, ok := methods[r.Method]
	if !ok && r.Method == http.MethodHead {
		rt, ok = methods[http.MethodGet]
	}
	if !ok {
		allow := make([]string, 0, len(methods)+1)
		for m := range methods {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead) // served as GET
			}
		}
		slices.Sort(allow)
		hd.Set("Allow", strings.Join(allow, ", "))
		req.fail(http.StatusMethodNotAllowed, "Method not allowed", r.Method+" is not used here.")
		return
	}
	if rt.who != public && !req.authenticate(rt.who) {
		return
	}
	if r.Method == http.MethodPost && !req.checkPost() {
		return
	}
	rt.h(req)
}

// remote returns the IP address of a request's client.
func remote(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
