package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/events/pgbus"
	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/cluster"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/internal/metrics"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/script"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Parts are what a board is made of: its store, event bus, sessions and
// services, built from the configuration. A custom board gets them.
type Parts struct {
	Store     *store.Store
	Events    events.Bus
	Sessions  *session.Registry
	Accounts  *account.Service
	Community *community.Services
	Art       *art.Library
	// Area is the file area, served over sftp and by the Files screen;
	// Files the file areas' rules.
	Area  *filearea.Area
	Files *files.Service
	Log   *slog.Logger
	// Board is the default board's configuration, as x84.toml sets it:
	// board.New(Board) builds it.
	Board board.Config

	banner *auth.Banner
	met    *metrics.Metrics
	mail   mailParts // [mail] (mail.go)
	// With a [store] url: the cluster's bus and this node's membership.
	bus  *pgbus.Bus
	node *cluster.Node
	// joined is node once joined, for the bus's listener, which may call
	// cutOff while Join runs.
	joined atomic.Pointer[cluster.Node]
}

// NewParts builds the parts of the board in the data directory dir from
// its configuration, on the store st.
func NewParts(ctx context.Context, dir string, cfg config.Config, st *store.Store, log *slog.Logger) (*Parts, error) {
	p := &Parts{Store: st, Events: &events.Local{}, Sessions: &session.Registry{}, Log: log,
		Art: art.NewLibrary(filepath.Join(dir, ArtDir))}
	p.met = metrics.New(p.Sessions)
	var presence community.Presence = community.NewLocalPresence(p.Sessions)
	var rooms community.Rooms
	if url := StoreURL(cfg); url != "" {
		if err := p.joinCluster(ctx, url, cfg); err != nil {
			return nil, err
		}
		presence = p.node.Presence()
		shared := community.NewSharedRooms(p.bus, p.node.Name())
		p.node.OnGone(shared.ForgetNode)
		p.node.ShareRooms(shared)
		rooms = shared
	}
	if err := p.openMail(cfg); err != nil {
		p.Close()
		return nil, err
	}
	var err error
	p.Accounts, p.banner, err = newAccounts(ctx, cfg, st, account.Config{Sessions: presence,
		OnLogin: p.met.Login, OnBan: p.met.Banned, Logger: log, Reset: p.resetConfig(cfg)})
	if err != nil {
		p.Close()
		return nil, err
	}
	if p.node != nil {
		p.banner.OnChange(func() {
			p.bus.Publish(events.Event{Topic: events.TopicCluster, Data: events.BansChanged{}})
		})
		p.node.OnBans(func(ctx context.Context) {
			if err := p.banner.Reload(ctx); err != nil {
				log.Warn("cluster: read the bans again", "err", err)
			}
		})
	}
	p.Community, err = community.New(community.Config{
		Store:            st,
		Events:           p.Events,
		Presence:         presence,
		Rooms:            rooms,
		OnelinerLength:   cfg.Board.OnelinerLength,
		OnelinerInterval: onelinerInterval(cfg.Board.OnelinerInterval.D()),
		ChatCrowd:        cfg.Board.ChatCrowd,
		ChatCrowdEvery:   cfg.Board.ChatCrowdEvery.D(),
		Areas:            cfg.Board.Areas,
		AreaNeeds:        areaNeeds(cfg.Access),
		Logger:           log,
	})
	if err != nil {
		p.Close()
		return nil, err
	}
	if err := p.openFiles(dir, cfg); err != nil {
		p.Close()
		return nil, err
	}
	scripts, err := script.New(script.Config{
		Dir:     filepath.Join(dir, ScriptDir),
		Builtin: script.Builtin(),
		Limits:  script.Limits{Time: cfg.Scripts.TimeLimit.D(), MemoryMiB: cfg.Scripts.MemoryMiB},
		Logger:  log,
	})
	if err != nil {
		p.Close()
		return nil, err
	}
	catalog, err := LoadLanguages(dir, cfg.Board.Language)
	if err != nil {
		p.Close()
		return nil, err
	}
	for _, problem := range catalog.Problems() {
		log.Warn("languages", "problem", problem)
	}
	// Art for a language is NAME.TAG.ans for a language the board speaks;
	// other endings (main.alt.ans) stay variants.
	for _, l := range catalog.Languages() {
		p.Art.SetLanguages(l.Tag)
	}
	p.Board = board.Config{
		Name:             cfg.Board.Name,
		MaxLoginAttempts: cfg.Accounts.MaxLoginAttempts,
		LoginTimeout:     cfg.Accounts.LoginTimeout.D(),
		OnelinerCount:    cfg.Board.OnelinerCount,
		LastCallers:      cfg.Board.LastCallers,
		Store:            st,
		Events:           p.Events,
		Accounts:         p.Accounts,
		Community:        p.Community,
		Art:              p.Art,
		Logger:           log,
		Doors:            boardDoors(cfg.Doors),
		DataDir:          dir,
		MenuDir:          filepath.Join(dir, MenuDir),
		Files:            p.Files,
		Theme:            cfg.Board.Theme,
		CallerColors:     cfg.Board.CallerColors,
		Scripts:          ScriptRunner(scripts),
		ThemeDir:         filepath.Join(dir, ThemeDir),
		Lang:             catalog,
	}
	return p, nil
}

// LoadLanguages reads the board's languages: the built-in catalogs and
// the sysop's DATA/lang/TAG.toml, with def the default. A broken file is
// an error naming its file, line and message.
func LoadLanguages(dir, def string) (*lang.Catalog, error) {
	c, err := lang.Load(lang.Builtin(), filepath.Join(dir, LangDir), def)
	if err != nil {
		return nil, fmt.Errorf("x84: languages: %w", err)
	}
	return c, nil
}

// openFiles opens the file area and the file areas' service.
func (p *Parts) openFiles(dir string, cfg config.Config) error {
	filesDir := cfg.Files.Dir
	if filesDir == "" {
		filesDir = filepath.Join(dir, FilesDir)
	}
	area, err := filearea.Open(filearea.Config{
		Dir:                filesDir,
		UploadDir:          cfg.Files.UploadDir,
		MaxUpload:          int64(cfg.Files.MaxUploadMiB) << 20,
		Quota:              int64(cfg.Files.QuotaMiB) << 20,
		MaxFiles:           cfg.Files.MaxFilesPerUser,
		MaxOpen:            cfg.Files.MaxOpenFiles,
		MaxOpenPerUser:     cfg.Files.MaxOpenFilesPerUser,
		MaxSessionsPerUser: cfg.Files.MaxSessionsPerUser,
		RequestsPerSecond:  cfg.Files.MaxRequestsPerSecond,
		LinesPerSecond:     cfg.Log.SFTPLinesPerSecond,
		MaxLogValue:        cfg.Log.MaxValue,
		Uploads:            p.Store.Uploads,
		Tagged:             p.Store.Files.Tags,
		Exclusive:          p.fileAreaLock(),
		Logger:             p.Log,
	})
	if err != nil {
		return fmt.Errorf("x84: file area: %w", err)
	}
	areas := make([]files.AreaConfig, len(cfg.Files.Areas))
	for i, a := range cfg.Files.Areas {
		areas[i] = files.AreaConfig{Name: a.Name, Dir: a.Dir, Description: a.Description, Upload: a.Upload, SysopOnly: a.SysopOnly,
			Need: access.Need{Level: a.Level, Group: a.Group}}
	}
	svc, err := files.New(files.Config{
		Area: area, Store: p.Store.Files, Areas: areas,
		MaxTags: cfg.Files.MaxTags, MaxBatch: int64(cfg.Files.MaxBatchMiB) << 20,
		Ratio: cfg.Files.Ratio, RatioFree: int64(cfg.Files.RatioFreeMiB) << 20,
		LinkLifetime: cfg.Files.LinkLifetime.D(), TransferTimeout: cfg.Files.TransferTimeout.D(),
		Logger: p.Log,
	})
	if err != nil {
		area.Close()
		return err
	}
	p.Area, p.Files = area, svc
	return nil
}

// joinCluster opens the cluster's bus and joins it as the node named in
// [cluster] (or after the host and the telnet port).
func (p *Parts) joinCluster(ctx context.Context, url string, cfg config.Config) error {
	name := NodeName(cfg)
	var err error
	p.bus, err = pgbus.Open(ctx, url, pgbus.Config{Node: name, Logger: p.Log, OnGap: p.cutOff})
	if err != nil {
		return fmt.Errorf("x84: cluster: %w", err)
	}
	p.Events = p.bus
	p.node, err = cluster.Join(ctx, url, cluster.Config{Name: name, Heartbeat: cfg.Cluster.Heartbeat.D(),
		NodeTimeout: cfg.Cluster.NodeTimeout.D(), Logger: p.Log}, p.Sessions, p.bus)
	if err != nil {
		p.bus.Close()
		p.bus = nil
		return fmt.Errorf("x84: %w", err)
	}
	p.joined.Store(p.node)
	return nil
}

// cutOff tells this node's callers what they missed while the node was
// cut off from the cluster.
func (p *Parts) cutOff(missed time.Duration) {
	if node := p.joined.Load(); node != nil {
		node.Relinked()
	}
	p.bus.DeliverLocal(events.Event{Topic: events.TopicBroadcast, Data: events.Broadcast{Text: fmt.Sprintf(
		"This node lost touch with the rest of the board for %v: chat lines and notices from that time were missed.",
		missed.Round(time.Second))}})
}

// NodeName is this node's name in a cluster: [cluster] name, or the host
// name and the telnet port (the process id when the port is chosen at
// start).
func NodeName(cfg config.Config) string {
	if cfg.Cluster.Name != "" {
		return cfg.Cluster.Name
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "x84"
	}
	if cfg.Telnet.Port != 0 {
		return fmt.Sprintf("%s:%d", host, cfg.Telnet.Port)
	}
	return fmt.Sprintf("%s:pid%d", host, os.Getpid())
}

// fileAreaLock is the lock the nodes of a cluster share around changes
// to the file area they share; nil on a board of one process.
func (p *Parts) fileAreaLock() func(context.Context) (func(), error) {
	if p.node == nil {
		return nil
	}
	return p.node.FileAreaLock()
}

// Close releases what the parts hold open: the file area, and this
// node's place in the cluster. Call it once every session has ended.
func (p *Parts) Close() error {
	errs := []error{p.closeMail()}
	if p.Area != nil {
		errs = append(errs, p.Area.Close())
	}
	if p.node != nil {
		errs = append(errs, p.node.Leave())
	}
	if p.bus != nil {
		errs = append(errs, p.bus.Close())
	}
	return errors.Join(errs...)
}

// newAccounts builds the account service and the login ban from the
// configuration; hooks carries what the caller adds (sessions to end,
// metrics, the log).
func newAccounts(ctx context.Context, cfg config.Config, st *store.Store, hooks account.Config) (*account.Service, *auth.Banner, error) {
	rules, err := auth.NewValidator(auth.RulesFromConfig(cfg.Accounts))
	if err != nil {
		return nil, nil, fmt.Errorf("x84: accounts: %w", err)
	}
	banner, err := auth.NewBanner(ctx, auth.BanConfigFromConfig(cfg.Ban), st.Bans, hooks.Logger)
	if err != nil {
		return nil, nil, fmt.Errorf("x84: bans: %w", err)
	}
	ac := hooks
	ac.Users, ac.Keys, ac.Bans, ac.Rules = st.Users, st.Keys, banner, rules
	ac.Passwords = auth.HasherFromConfig(cfg.Accounts)
	ac.AllowAnonymous = cfg.Accounts.AllowAnonymous
	ac.NewLevel, ac.Validation = newLevel(cfg.Access.NewLevel), cfg.Access.Validation
	ac.Issuer = cfg.Board.Name // names the board in authenticator apps
	ac.TOTPMaxFailures, ac.TOTPWindow = cfg.Accounts.TOTPMaxFailures, cfg.Accounts.TOTPWindow.D()
	svc, err := account.New(ctx, ac)
	return svc, banner, err
}

// onelinerInterval maps the file's "0" (no wait) to the service's
// negative value, since its zero means its default.
func onelinerInterval(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// boardDoors turns the [[door]] tables into the board's doors.
func boardDoors(doors config.Doors) []board.Door {
	out := make([]board.Door, len(doors))
	for i, d := range doors {
		enc := term.UTF8
		if strings.EqualFold(d.Encoding, "cp437") {
			enc = term.CP437
		}
		out[i] = board.Door{
			Name: d.Name, Key: rune(d.Key[0]), Label: d.Label,
			Command: d.Command, Args: d.Args, Dir: d.Dir,
			Dropfile: strings.ToLower(d.Dropfile), DropfileDir: d.DropfileDir, Encoding: enc,
			MaxNodes: d.MaxNodes, TimeLimit: time.Duration(d.TimeLimit) * time.Minute,
			SysopOnly: d.SysopOnly, Env: d.Env, Path: d.Path,
			MinCols: d.MinCols, MinRows: d.MinRows,
			Need: access.Need{Level: d.Level, Group: d.Group},
		}
	}
	return out
}
