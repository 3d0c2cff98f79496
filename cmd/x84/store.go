package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/internal/app"
	"github.com/x84bbs/x84/store/postgres"
)

const storeUsage = `Usage:
  x84 [--data DIR] store copy [--to URL]   copy the board's SQLite database (DIR/x84.db)
                                           into an empty PostgreSQL database

URL is a PostgreSQL URL, such as postgres://bbs@db.example:5432/bbs?sslmode=require;
without --to, X84_STORE_URL gives it (which keeps a password out of the command
line, as do PGPASSWORD and ~/.pgpass). Stop the board first; then set [store] url
(or X84_STORE_URL) to URL on every node.
`

func storeCmd(data string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, storeUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "copy" {
		fmt.Fprintf(stderr, "x84 store: unknown command %q\n\n%s", args[0], storeUsage)
		return 2
	}
	var to string
	if !subFlags("store copy", &data, args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "PostgreSQL URL to copy into")
	}) {
		return 2
	}
	if to == "" {
		to = os.Getenv(app.StoreURLEnv)
	}
	if to == "" {
		fmt.Fprintf(stderr, "x84 store copy: give the database: --to URL, or X84_STORE_URL\n\n%s", storeUsage)
		return 2
	}
	dir, err := x84.DataDir(data)
	if err != nil {
		fmt.Fprintf(stderr, "x84 store copy: %v\n", err)
		return 1
	}
	db := filepath.Join(dir, x84.DatabaseFile)
	if _, err := os.Stat(db); err != nil {
		fmt.Fprintf(stderr, "x84 store copy: no board to copy: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	line := progressLine{w: stderr}
	counts, err := postgres.CopyFromSQLite(ctx, db, to, line.show)
	line.end()
	if err != nil {
		msg := err.Error()
		if errors.Is(err, postgres.ErrNotEmpty) {
			msg += "; nothing was copied"
		}
		fmt.Fprintf(stderr, "x84 store copy: %s\n", strings.TrimPrefix(msg, "postgres: "))
		return 1
	}
	var parts []string
	var total int64
	for _, t := range []string{"users", "messages", "oneliners", "calls", "polls", "bans", "ssh_keys", "uploads", "file_records", "script_data"} {
		parts = append(parts, fmt.Sprintf("%d %s", counts[t], strings.ReplaceAll(t, "_", " ")))
	}
	for _, n := range counts {
		total += n
	}
	fmt.Fprintf(stdout, "Copied %d records: %s.\n", total, strings.Join(parts, ", "))
	return 0
}

// progressLine keeps one line on a terminal up to date.
type progressLine struct {
	w     io.Writer
	shown bool
}

func (p *progressLine) show(c postgres.CopyProgress) {
	fmt.Fprintf(p.w, "\rcopying %-16s %d of %d\x1b[K", c.Table, c.Done, c.Rows)
	p.shown = true
}

func (p *progressLine) end() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
