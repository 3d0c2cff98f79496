package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/menus"
	"github.com/x84bbs/x84/script"
)

const menusUsage = `Usage:
  x84 [--data DIR] menus copy    write the built-in menus into DIR/menus, to edit
  x84 [--data DIR] menus check   check the menu files in DIR/menus

A running board reads DIR/menus/NAME.toml on the next menu drawn (at most
once a second) or at once on SIGHUP; a file with a mistake is refused and
the last good version stays.
`

// menusCmd copies the built-in menus for a sysop to edit, or checks the
// sysop's menu files.
func menusCmd(data string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, menusUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd := args[0]
	if cmd != "copy" && cmd != "check" {
		fmt.Fprintf(stderr, "x84 menus: unknown command %q\n\n%s", cmd, menusUsage)
		return 2
	}
	if !subFlags("menus "+cmd, &data, args[1:], stderr, nil) {
		return 2
	}
	dir, err := x84.DataDir(data)
	if err != nil {
		fmt.Fprintf(stderr, "x84 menus %s: %v\n", cmd, err)
		return 1
	}
	menuDir := filepath.Join(dir, x84.MenuDir)
	if cmd == "copy" {
		return copyMenus(menuDir, stdout, stderr)
	}
	exists, err := boardHas(dir)
	if err != nil {
		fmt.Fprintf(stderr, "x84 menus check: %v\n", err)
		return 1
	}
	errs := menus.Check(menuDir, board.BuiltinMenus(), exists)
	for _, err := range errs {
		fmt.Fprintf(stderr, "x84 menus check: %v\n", err)
	}
	if len(errs) > 0 {
		return 1
	}
	switch warning, err := newLevelWarning(dir); {
	case err != nil:
		fmt.Fprintf(stderr, "x84 menus check: %v\n", err)
	case warning != "":
		fmt.Fprintf(stderr, "x84 menus check: %s\n", warning)
	}
	fmt.Fprintf(stdout, "The menus in %s are good.\n", menuDir)
	return 0
}

// boardHas reports what the board in dir has for menu entries to open:
// the standard screens, the doors of its configuration, and its scripts.
func boardHas(dir string) (func(menus.Kind, string) bool, error) {
	conf, err := config.Load(filepath.Join(dir, x84.ConfigFile))
	if err != nil {
		return nil, err
	}
	scripts, err := script.New(script.Config{Dir: filepath.Join(dir, x84.ScriptDir), Builtin: script.Builtin()})
	if err != nil {
		return nil, err
	}
	screens := board.StandardScreens()
	return func(k menus.Kind, target string) bool {
		switch k {
		case menus.Screen:
			return slices.Contains(screens, target)
		case menus.Door:
			return slices.ContainsFunc(conf.Doors, func(d config.Door) bool { return d.Name == target })
		case menus.Script:
			return scripts.Has(target)
		}
		return true
	}, nil
}

// copyMenus writes the built-in menus into dir, leaving alone any file
// the sysop has there already.
func copyMenus(dir string, stdout, stderr io.Writer) int {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fmt.Fprintf(stderr, "x84 menus copy: %v\n", err)
		return 1
	}
	builtin := board.BuiltinMenus()
	names, err := fs.Glob(builtin, "*.toml")
	if err != nil {
		fmt.Fprintf(stderr, "x84 menus copy: %v\n", err)
		return 1
	}
	status := 0
	for _, name := range names {
		data, err := fs.ReadFile(builtin, name)
		if err == nil {
			err = writeNew(filepath.Join(dir, name), data)
		}
		switch {
		case errors.Is(err, fs.ErrExist):
			fmt.Fprintf(stdout, "%s: kept (the file exists)\n", filepath.Join(dir, name))
		case err != nil:
			fmt.Fprintf(stderr, "x84 menus copy: %v\n", err)
			status = 1
		default:
			fmt.Fprintf(stdout, "%s: written\n", filepath.Join(dir, name))
		}
	}
	return status
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
