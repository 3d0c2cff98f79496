package board

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
	"unicode"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/internal/door"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Door is an external program on the Doors menu, run on a pty of its own
// for each caller (see internal/door).
type Door struct {
	Name  string // in logs, who's online, and its working directory
	Key   rune   // its key in the Doors menu
	Label string // the menu's text; "" shows Name
	// Command and Args: the program and its arguments, with {node},
	// {handle}, {dropfile}, {cols}, {rows} and {data} replaced. No shell.
	Command string
	Args    []string
	// Dir is the working directory ({node} and {data} replaced); ""
	// means DataDir/doors/NAME/NODE.
	Dir string
	// Dropfile names the dropfile's format (door.sys, door32.sys,
	// dorinfo, callinfo.bbs, chain.txt; "" or "none" for none), written
	// to DropfileDir ({node} and {data} replaced; "" means the node's own
	// DataDir/doors/NAME/NODE).
	Dropfile    string
	DropfileDir string
	Encoding    term.Encoding // what the door speaks; "" means UTF-8
	// MaxNodes is how many callers may be in it at once; 0: no limit.
	MaxNodes int
	// TimeLimit ends a caller's run; 0: none.
	TimeLimit time.Duration
	SysopOnly bool
	Env       map[string]string
	Path      string // the door's PATH; "" means door.DefaultPath
	// MinCols and MinRows: a smaller window is asked to grow first.
	MinCols, MinRows int
	// Need lists and runs the door only for callers who meet it (see
	// package access).
	Need access.Need
}

// doorEntry is a configured door and how many callers are in it.
type doorEntry struct {
	cfg Door
	run door.Door

	mu    sync.Mutex
	inUse int
}

// addDoors checks the configured doors; the Doors screen lists them.
func (b *Board) addDoors(doors []Door) error {
	keys := map[rune]string{}
	for _, d := range doors {
		format, err := door.ParseFormat(d.Dropfile)
		if err != nil {
			return fmt.Errorf("board: door %q: %w", d.Name, err)
		}
		k := unicode.ToLower(d.Key)
		if d.Name == "" || d.Command == "" || !(unicode.IsLetter(k) || unicode.IsDigit(k)) || k == 'q' {
			return fmt.Errorf("board: door %q needs a name, a command and a letter or digit key other than q", d.Name)
		}
		if other, ok := keys[k]; ok {
			return fmt.Errorf("board: doors %q and %q have the same key %q", other, d.Name, d.Key)
		}
		keys[k] = d.Name
		enc := d.Encoding
		if enc != term.CP437 {
			enc = term.UTF8
		}
		b.doors = append(b.doors, &doorEntry{cfg: d, run: door.Door{
			Name: d.Name, Command: d.Command, Args: d.Args, Dir: d.Dir,
			Dropfile: format, DropDir: d.DropfileDir, Encoding: enc,
			TimeLimit: d.TimeLimit, Env: d.Env, Path: d.Path,
		}})
	}
	return nil
}

// label is the door's text on the menu.
func (d *doorEntry) label() string {
	if d.cfg.Label != "" {
		return d.cfg.Label
	}
	return d.cfg.Name
}

// enter takes a place in the door; false when it is full.
func (d *doorEntry) enter() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg.MaxNodes > 0 && d.inUse >= d.cfg.MaxNodes {
		return false
	}
	d.inUse++
	return true
}

func (d *doorEntry) leave() {
	d.mu.Lock()
	d.inUse--
	d.mu.Unlock()
}

// doorsScreen lists the doors the caller may run and runs the one picked.
func doorsScreen(ctx context.Context, c *Call) error {
	var doors []*doorEntry
	for _, d := range c.Board.doors {
		if d.allows(c.User) {
			doors = append(doors, d)
		}
	}
	msg := ""
	selected := 0
	for {
		c.SetActivityMessage("activity.doors")
		items := make([]ui.MenuItem, len(doors))
		for i, d := range doors {
			items[i] = ui.MenuItem{Key: d.cfg.Key, Label: clean(d.label())}
		}
		m := &ui.Menu{Items: items, Selected: selected}
		layout := func() (int, int, int) {
			c.Clear()
			c.Say(1, c.Theme.Title, c.T("doors.title", "board", clean(c.Board.cfg.Name)))
			c.Say(c.Size().Rows, "", c.KeyHelp("arrows", c.Theme.Strings.Choose, "Enter", c.T("doors.key.play"), "q", c.Theme.Strings.Back))
			if msg != "" {
				c.Say(c.Size().Rows-1, c.Theme.Error, msg)
			}
			if len(doors) == 0 {
				c.Say(3, c.Theme.Text, c.T("doors.none"))
			}
			m.Rows = max(1, min(len(items), c.Size().Rows-5))
			return 3, 3, c.Size().Cols - 4
		}
		m.Relayout = layout
		if len(doors) == 0 {
			layout()
			return c.AnyKey(ctx, func() { layout() })
		}
		i, err := c.runMenu(ctx, m)
		if errors.Is(err, ui.ErrCancel) {
			return nil
		}
		if err != nil {
			return err
		}
		selected = i
		msg, err = c.runDoor(ctx, doors[i])
		if err != nil {
			return err
		}
	}
}

// runDoor runs d for the caller. It returns a line for the Doors menu to
// show (why the door did not run, or how it ended), or an error that ends
// the call (the caller hung up during the door).
func (c *Call) runDoor(ctx context.Context, d *doorEntry) (string, error) {
	name := clean(d.label())
	if !d.allows(c.User) {
		// Reached by a menu entry that asks less than the door does.
		return c.T("doors.not_open", "door", name), nil
	}
	if err := access.CheckValidated(c.User); err != nil {
		// Whatever a sysop's menus offer: doors wait for validation.
		return c.T("doors.unvalidated"), nil
	}
	// The window first: a caller asked to resize holds no place.
	if ok, err := c.windowFor(ctx, d); !ok || err != nil {
		return "", err
	}
	if !d.enter() {
		return c.N("doors.full", d.cfg.MaxNodes, "door", name), nil
	}
	defer d.leave()
	c.doorActivity(d)
	defer c.startDoorScreen(name)()
	timeLeft := d.cfg.TimeLimit
	if timeLeft <= 0 {
		timeLeft = 256 * time.Minute // what x/84 told doors when there was no limit
	}
	info := c.Info()
	caller := door.Caller{
		Node: c.Node(), Handle: c.User.Handle, Term: info.Term, DataDir: c.Board.cfg.DataDir,
		Drop: door.DropInfo{
			BBSName: c.Board.cfg.Name, SysopName: "Sysop", UserNum: int(c.User.ID),
			Handle: c.User.Handle, RealName: c.User.RealName, Location: c.User.Location,
			Level: access.Level(c.User), Sysop: c.Sysop(), Calls: c.User.Calls, LastCall: c.previousCall,
			// Doors that read the drop file write plain text for callers
			// on accessible screens.
			Now: time.Now(), TimeLeft: timeLeft, ANSI: !c.Accessible(),
		},
	}
	log := c.Board.log.With("door", d.cfg.Name, "user", c.User.Handle, "node", c.Node())
	log.Info("door started")
	res, err := door.Run(ctx, &d.run, c.Session, caller, log)
	if err != nil {
		log.Error("door could not start", "err", err)
		return c.T("doors.failed", "door", name), nil
	}
	log.Info("door ended", "reason", string(res.Reason), "exit", res.Exit,
		"duration", res.Duration.Round(time.Millisecond), "dropped_input", res.DroppedInput)
	switch res.Reason {
	case door.HungUp, door.Cancelled:
		// The session's own error, so that an idle limit or a sysop's
		// disconnect ends the call as it does anywhere else.
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if res.Err != nil {
			return "", res.Err
		}
		return "", errCallerLeft
	case door.TimeLimit:
		return c.T("doors.time_up", "door", name), nil
	}
	return "", nil
}

// errCallerLeft ends a call whose caller left a door without an error
// to say how.
var errCallerLeft = fmt.Errorf("%w: hung up", ErrLogoff)

// windowFor asks a caller whose window is smaller than the door needs to
// make it larger. It reports whether to start the door: the window is
// large enough, or the caller pressed Enter to play anyway; Esc or q
// goes back.
func (c *Call) windowFor(ctx context.Context, d *doorEntry) (bool, error) {
	small := func() bool {
		sz := c.Size()
		return sz.Cols < d.cfg.MinCols || sz.Rows < d.cfg.MinRows
	}
	draw := func() {
		sz := c.Size()
		c.Clear()
		c.Say(1, c.Theme.Title, clean(d.label()))
		c.Say(3, c.Theme.Text, c.T("doors.window_small", "cols", strconv.Itoa(d.cfg.MinCols), "rows", strconv.Itoa(d.cfg.MinRows),
			"your_cols", strconv.Itoa(sz.Cols), "your_rows", strconv.Itoa(sz.Rows)))
		c.Say(4, c.Theme.Text, c.T("doors.window_help"))
	}
	if !small() {
		return true, nil
	}
	draw()
	for {
		// ReadKey rather than NextKey: a resize must end the wait.
		k, err := c.ReadKey(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case k.Code == term.KeyResize:
			if !small() {
				return true, nil
			}
			draw()
		case k.Code == term.KeyNotice:
			if _, err := c.ShowNotices(ctx); err != nil {
				return false, err
			}
			draw()
		case k.Code == term.KeyEnter:
			return true, nil
		case IsQuit(k):
			return false, nil
		}
	}
}
