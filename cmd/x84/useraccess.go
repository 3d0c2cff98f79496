package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/x84bbs/x84/account"
)

// accessCmds are the `x84 user` commands of account access, with how
// many arguments each takes.
var accessCmds = map[string]int{"validate": 1, "level": 2, "groups": 2}

// accessCmd runs `x84 user validate NAME`, `x84 user level NAME LEVEL`
// and `x84 user groups NAME GROUPS`, through the running server's control
// socket or on the database.
func accessCmd(data, sub string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("x84 user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&data, "data", data, "data directory")
	// Flags may come before or after the arguments. A negative number
	// is an argument (a level), so that the rule, not the flag parser,
	// answers "level NAME -1".
	var rest []string
	for len(args) > 0 {
		if negative(args[0]) {
			rest, args = append(rest, args[0]), args[1:]
			continue
		}
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(rest) != accessCmds[sub] {
		fmt.Fprintf(stderr, "x84 user %s: wrong arguments\n\n%s", sub, userUsage)
		return 2
	}
	name := rest[0]
	// A level is checked before the server is asked.
	var level int
	if sub == "level" {
		var err error
		if level, err = account.ParseLevel(rest[1]); err != nil {
			return fail(stderr, sub, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, closeAdmin, err := openAdmin(ctx, data)
	if err != nil {
		fmt.Fprintf(stderr, "x84: %v\n", strings.TrimPrefix(err.Error(), "x84: "))
		return 1
	}
	defer closeAdmin()
	var was bool
	var groups []string
	switch sub {
	case "validate":
		was, err = admin.Validate(ctx, name)
	case "level":
		err = admin.SetLevel(ctx, name, level)
	case "groups":
		groups, err = admin.SetGroups(ctx, name, account.ParseGroups(rest[1]))
	}
	if err != nil {
		return fail(stderr, sub, err)
	}
	switch {
	case sub == "validate" && was:
		fmt.Fprintf(stdout, "Validated %s.\n", name)
	case sub == "validate":
		fmt.Fprintf(stdout, "%s was not awaiting validation.\n", name)
	case sub == "level":
		fmt.Fprintf(stdout, "Set the level of %s to %d.\n", name, level)
	case sub == "groups":
		fmt.Fprintf(stdout, "Set the groups of %s to %s.\n", name, groupList(groups))
	}
	return 0
}

// negative reports whether arg is a negative whole number, which the
// flag parser would take for a flag.
func negative(arg string) bool {
	n, err := strconv.Atoi(arg)
	return err == nil && n < 0
}

// groupList is groups as a sentence ends: "staff, elite" or "none".
func groupList(groups []string) string {
	if len(groups) == 0 {
		return "none"
	}
	return strings.Join(groups, ", ")
}
