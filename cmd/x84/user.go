package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/app"
	"github.com/x84bbs/x84/internal/control"
	"github.com/x84bbs/x84/term"
	tty "golang.org/x/term"
)

const userUsage = `Usage:
  x84 user add NAME [--sysop] [--password-stdin]
  x84 user passwd NAME [--password-stdin]
  x84 user list [--json]
  x84 user del NAME
  x84 user ban ADDRESS        an IP address or CIDR range, banned until unbanned
  x84 user unban ADDRESS
  x84 user key add NAME FILE  register an ssh public key (FILE: a .pub file, or - for stdin)
  x84 user key list NAME
  x84 user key del NAME FINGERPRINT
  x84 user validate NAME      end NAME's wait for validation ([access] validation)
  x84 user level NAME LEVEL   set NAME's security level, 0 to 255
  x84 user groups NAME GROUPS set NAME's groups: "staff,elite", or "" for none
                              (sysop, locked and unvalidated have their own commands)
  x84 user totp-off NAME      turn off NAME's two-factor login (a lost phone)

With a server running, these go through its control socket (a ban takes
effect at once); otherwise they work on the database directly.
Passwords are asked for twice without echo, or read as one line from
standard input with --password-stdin.
`

// userCmd runs `x84 user …`.
func userCmd(data string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, userUsage)
		return 0
	}
	sub, args := args[0], args[1:]
	if sub == "key" {
		return keyCmd(data, args, stdin, stdout, stderr)
	}
	if accessCmds[sub] != 0 {
		return accessCmd(data, sub, args, stdout, stderr)
	}
	var sysop, fromStdin, asJSON bool
	var name string
	needName := map[string]bool{"add": true, "passwd": true, "del": true, "ban": true, "unban": true, "totp-off": true}
	fs := flag.NewFlagSet("x84 user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&data, "data", data, "data directory")
	switch sub {
	case "add":
		fs.BoolVar(&sysop, "sysop", false, "make the user a sysop")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input")
	case "passwd":
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input")
	case "list":
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	case "del", "ban", "unban", "totp-off":
	default:
		fmt.Fprintf(stderr, "x84 user: unknown command %q\n\n%s", sub, userUsage)
		return 2
	}
	// Flags may come before or after the name.
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case needName[sub] && len(rest) != 1:
		fmt.Fprintf(stderr, "x84 user %s: give exactly one name or address\n\n%s", sub, userUsage)
		return 2
	case !needName[sub] && len(rest) != 0:
		fmt.Fprintf(stderr, "x84 user %s: unexpected argument %q\n", sub, rest[0])
		return 2
	case needName[sub]:
		name = rest[0]
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, closeAdmin, err := openAdmin(ctx, data)
	if err != nil {
		fmt.Fprintf(stderr, "x84: %v\n", strings.TrimPrefix(err.Error(), "x84: "))
		return 1
	}
	defer closeAdmin()

	switch sub {
	case "add", "passwd":
		pw, err := readPassword(name, fromStdin, stdin, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "x84 user %s: %v\n", sub, err)
			return 1
		}
		if sub == "add" {
			err = admin.AddUser(ctx, name, pw, sysop)
		} else {
			err = admin.SetPassword(ctx, name, pw)
		}
		if err != nil {
			return fail(stderr, sub, err)
		}
		if sub == "add" {
			fmt.Fprintf(stdout, "Added %s.\n", name)
		} else {
			fmt.Fprintf(stdout, "Changed the password of %s.\n", name)
		}
	case "list":
		list, err := admin.ListUsers(ctx)
		if err != nil {
			return fail(stderr, sub, err)
		}
		printUsers(stdout, list, asJSON)
	case "del":
		if err := admin.DeleteUser(ctx, name); err != nil {
			return fail(stderr, sub, err)
		}
		fmt.Fprintf(stdout, "Deleted %s.\n", name)
	case "ban":
		p, err := admin.Ban(ctx, name)
		if err != nil {
			return fail(stderr, sub, err)
		}
		fmt.Fprintf(stdout, "Banned %s.\n", p)
	case "unban":
		p, err := admin.Unban(ctx, name)
		if err != nil {
			return fail(stderr, sub, err)
		}
		fmt.Fprintf(stdout, "Unbanned %s.\n", p)
	case "totp-off":
		if err := admin.RemoveTOTP(ctx, name); err != nil {
			return fail(stderr, sub, err)
		}
		fmt.Fprintf(stdout, "Turned off the two-factor login of %s.\n", name)
	}
	return 0
}

func fail(stderr io.Writer, sub string, err error) int {
	msg := account.Message(err) // a rule's own words
	if msg == "" {
		msg = err.Error()
	}
	for _, p := range []string{"account: ", "control: ", "store: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	fmt.Fprintf(stderr, "x84 user %s: %s\n", sub, msg)
	return 1
}

// openAdmin talks to the running server, or opens the database when no
// server runs.
func openAdmin(ctx context.Context, data string) (control.Admin, func(), error) {
	dir, err := x84.DataDir(data)
	if err != nil {
		return nil, nil, err
	}
	c := control.NewClient(filepath.Join(dir, x84.SocketFile))
	if _, err := c.Stats(ctx, false); err == nil {
		return c, c.Close, nil
	} else if !errors.Is(err, control.ErrNoServer) {
		c.Close()
		return nil, nil, err
	}
	c.Close()
	a, st, err := app.OpenAdmin(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	return a, func() { st.Close() }, nil
}

// readPassword reads a new password: one line from stdin, or twice from
// the terminal without echo.
func readPassword(name string, fromStdin bool, stdin io.Reader, stderr io.Writer) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && (err != io.EOF || line == "") {
			return "", errors.New("no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := stdin.(*os.File)
	if !ok || !tty.IsTerminal(int(f.Fd())) {
		return "", errors.New("standard input is not a terminal; use --password-stdin")
	}
	fmt.Fprintf(stderr, "Password for %s: ", name)
	p1, err := tty.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(stderr, "Again: ")
	p2, err := tty.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	if string(p1) != string(p2) {
		return "", errors.New("the passwords differ")
	}
	return string(p1), nil
}

func printUsers(w io.Writer, list []control.User, asJSON bool) {
	if asJSON {
		for i := range list {
			if list[i].Groups == nil {
				list[i].Groups = []string{} // [] in JSON, not null
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(list)
		return
	}
	if len(list) == 0 {
		fmt.Fprintln(w, "No users yet.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HANDLE\tGROUPS\tLEVEL\tCALLS\tLAST CALL\tLOCATION")
	for _, u := range list {
		last := "never"
		if u.LastCall != nil {
			last = u.LastCall.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", term.Sanitize(u.Handle), strings.Join(u.Groups, ","), u.Level, u.Calls, last, term.Sanitize(u.Location))
	}
	tw.Flush()
}

// keyCmd runs `x84 user key …`.
func keyCmd(data string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	want := map[string]int{"add": 2, "list": 1, "del": 2}
	fs := flag.NewFlagSet("x84 user key", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&data, "data", data, "data directory")
	if len(args) == 0 || want[args[0]] == 0 {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	sub := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != want[sub] {
		fmt.Fprintf(stderr, "x84 user key %s: wrong arguments\n\n%s", sub, userUsage)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, closeAdmin, err := openAdmin(ctx, data)
	if err != nil {
		fmt.Fprintf(stderr, "x84: %v\n", strings.TrimPrefix(err.Error(), "x84: "))
		return 1
	}
	defer closeAdmin()
	name := fs.Arg(0)
	switch sub {
	case "add":
		var line []byte
		if fs.Arg(1) == "-" {
			line, err = io.ReadAll(io.LimitReader(stdin, 64<<10))
		} else {
			line, err = os.ReadFile(fs.Arg(1))
		}
		if err != nil {
			fmt.Fprintf(stderr, "x84 user key add: %v\n", err)
			return 1
		}
		fp, err := admin.AddKey(ctx, name, string(line))
		if err != nil {
			return fail(stderr, "key add", err)
		}
		fmt.Fprintf(stdout, "Added %s for %s.\n", fp, name)
	case "list":
		keys, err := admin.ListKeys(ctx, name)
		if err != nil {
			return fail(stderr, "key list", err)
		}
		if len(keys) == 0 {
			fmt.Fprintf(stdout, "%s has no ssh keys.\n", name)
		}
		for _, k := range keys {
			fmt.Fprintf(stdout, "%s %s %s\n", k.Fingerprint, strings.Fields(k.Key)[0], term.Sanitize(k.Comment))
		}
	case "del":
		if err := admin.DeleteKey(ctx, name, fs.Arg(1)); err != nil {
			return fail(stderr, "key del", err)
		}
		fmt.Fprintf(stdout, "Deleted %s.\n", fs.Arg(1))
	}
	return 0
}
