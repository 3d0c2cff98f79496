// Command x84 runs the x84 board and talks to a running one.
//
//	x84 [--data DIR] [serve]          start the board (the default)
//	x84 [--data DIR] who [--json]     list the live sessions
//	x84 version                       print the version
//	x84 help                          show usage
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/term"
)

const usage = `x84 — a terminal server and bulletin board system

Usage:
  x84 [--data DIR] [serve]        start the board (the default command)
  x84 [--data DIR] who [--json]   list the live sessions of a running board
  x84 [--data DIR] user ...       manage accounts, ssh keys and bans (x84 user help)
  x84 [--data DIR] keys           print the ssh host keys' fingerprints
  x84 [--data DIR] broadcast TEXT show TEXT to every caller on a running board
  x84 [--data DIR] store copy [--to URL]  copy the board into an empty PostgreSQL database
  x84 [--data DIR] menus copy|check  copy the built-in menus to edit, or check yours
  x84 [--data DIR] lang check|template TAG  check the languages, or start a new one
  x84 version                     print the version
  x84 help                        show this help

Flags:
  --data DIR   data directory (default $X84_DATA, else ~/.x84); the board
               reads DIR/x84.toml if it exists and listens on DIR/x84.sock

By default callers reach the board with telnet on 127.0.0.1:6023, ssh (and
sftp) on 127.0.0.1:6022 and a browser at https://127.0.0.1:8443/; rlogin is
off until x84.toml enables it. SIGHUP reloads the web certificate and the
menus.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("x84", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	data := global.String("data", "", "data directory")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "x84: %v\n\n%s", err, usage)
		return 2
	}
	args = global.Args()
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(*data, args, stderr)
	case "who":
		return who(*data, args, stdout, stderr)
	case "user":
		return userCmd(*data, args, os.Stdin, stdout, stderr)
	case "keys":
		return keysCmd(*data, args, stdout, stderr)
	case "broadcast":
		return broadcastCmd(*data, args, stdout, stderr)
	case "store":
		return storeCmd(*data, args, stdout, stderr)
	case "menus":
		return menusCmd(*data, args, stdout, stderr)
	case "lang":
		return langCmd(*data, args, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "x84 %s (%s %s/%s)\n", x84.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "x84: unknown command %q\n\n%s", cmd, usage)
	return 2
}

// subFlags parses a subcommand's flags, which may repeat --data.
func subFlags(name string, data *string, args []string, stderr io.Writer, define func(*flag.FlagSet)) bool {
	fs := flag.NewFlagSet("x84 "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(data, "data", *data, "data directory")
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "x84 %s: unexpected argument %q\n", name, fs.Arg(0))
		return false
	}
	return true
}

func serve(data string, args []string, stderr io.Writer) int {
	if !subFlags("serve", &data, args, stderr, nil) {
		return 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cancel() // first signal: graceful shutdown
		<-sigs
		fmt.Fprintln(stderr, "x84: second signal; exiting now")
		os.Exit(1)
	}()
	// SIGHUP reloads the web certificate; sessions go on.
	hups := make(chan os.Signal, 1)
	signal.Notify(hups, syscall.SIGHUP)
	defer signal.Stop(hups)
	reload := make(chan struct{}, 1)
	go func() {
		for {
			select {
			case <-hups:
			case <-ctx.Done():
				return
			}
			select {
			case reload <- struct{}{}:
			default: // a reload is pending already
			}
		}
	}()
	if err := x84.Run(ctx, x84.Options{DataDir: data, Log: stderr, Reload: reload}); err != nil {
		fmt.Fprintf(stderr, "x84: %v\n", strings.TrimPrefix(err.Error(), "x84: "))
		return 1
	}
	return 0
}

func who(data string, args []string, stdout, stderr io.Writer) int {
	var asJSON bool
	if !subFlags("who", &data, args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print a JSON array")
	}) {
		return 2
	}
	var list []control.Who
	if !callServer(data, stderr, func(ctx context.Context, c *control.Client) (err error) {
		list, err = c.Who(ctx)
		return err
	}) {
		return 1
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}
	printWho(stdout, list)
	return 0
}

func printWho(w io.Writer, list []control.Who) {
	if len(list) == 0 {
		fmt.Fprintln(w, "No one is online.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cluster := slices.ContainsFunc(list, func(s control.Who) bool { return s.Host != "" })
	if cluster {
		fmt.Fprint(tw, "HOST\t")
	}
	fmt.Fprintln(tw, "NODE\tUSER\tKIND\tFROM\tTERM\tSIZE\tENC\tIDLE\tACTIVITY")
	for _, s := range list {
		if cluster {
			fmt.Fprintf(tw, "%s\t", term.Sanitize(s.Host))
		}
		user := "-"
		if s.User != nil {
			user = *s.User
		}
		// Handles and activities come from callers: never let them
		// drive the sysop's terminal.
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%dx%d\t%s\t%s\t%s\n", s.Node, term.Sanitize(user), s.Kind, s.RemoteAddr,
			term.Sanitize(s.Term), s.Cols, s.Rows, s.Encoding, (time.Duration(s.IdleSeconds) * time.Second).String(), term.Sanitize(s.Activity))
	}
	tw.Flush()
}

// keysCmd prints the fingerprints of the ssh host keys, so callers can
// check what their ssh client shows on first connect.
func keysCmd(data string, args []string, stdout, stderr io.Writer) int {
	if !subFlags("keys", &data, args, stderr, nil) {
		return 2
	}
	fps, err := x84.HostKeyFingerprints(data)
	if err != nil {
		fmt.Fprintf(stderr, "x84: %v\n", strings.TrimPrefix(err.Error(), "x84: "))
		return 1
	}
	for _, fp := range fps {
		fmt.Fprintln(stdout, fp)
	}
	return 0
}

// broadcastCmd shows a text to every caller of the running board.
func broadcastCmd(data string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("x84 broadcast", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&data, "data", data, "data directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if text == "" {
		fmt.Fprintln(stderr, "x84 broadcast: give the text to show, e.g. x84 broadcast \"Back in 5 minutes\"")
		return 2
	}
	var n int
	if !callServer(data, stderr, func(ctx context.Context, c *control.Client) (err error) {
		n, err = c.Broadcast(ctx, text)
		return err
	}) {
		return 1
	}
	noun := "sessions"
	if n == 1 {
		noun = "session"
	}
	fmt.Fprintf(stdout, "Sent to %d %s.\n", n, noun)
	return 0
}

// callServer calls f with a client of the board running on the data
// directory, allowing it 10 seconds. It reports a failure on stderr and
// says whether f succeeded.
func callServer(data string, stderr io.Writer, f func(ctx context.Context, c *control.Client) error) bool {
	dir, err := x84.DataDir(data)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return false
	}
	c := control.NewClient(filepath.Join(dir, x84.SocketFile))
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f(ctx, c); err != nil {
		if errors.Is(err, control.ErrNoServer) {
			fmt.Fprintf(stderr, "x84: no server is running (data directory %s)\n", dir)
		} else {
			fmt.Fprintf(stderr, "x84: %v\n", err)
		}
		return false
	}
	return true
}
