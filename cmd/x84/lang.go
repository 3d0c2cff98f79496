package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/x84bbs/x84"
	"github.com/x84bbs/x84/internal/app"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/lang"
)

const langUsage = `Usage:
  x84 [--data DIR] lang check          check DIR/lang and list the board's languages
  x84 [--data DIR] lang template TAG   write English into DIR/lang/TAG.toml, to translate

A language is a file DIR/lang/TAG.toml (TAG as in de, fr, pt-BR): the
built-in English's tables with the messages translated. Messages left
out are shown in English; a file for a built-in language replaces the
messages it sets. The board reads DIR/lang when it starts.
`

// langCmd checks the sysop's catalogs or writes a template for a new
// language.
func langCmd(data string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, langUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, args := args[0], args[1:]
	var tag string
	switch cmd {
	case "check":
	case "template":
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(stderr, "x84 lang template: name the language, as in: x84 lang template fr\n")
			return 2
		}
		tag, args = args[0], args[1:]
	default:
		fmt.Fprintf(stderr, "x84 lang: unknown command %q\n\n%s", cmd, langUsage)
		return 2
	}
	if !subFlags("lang "+cmd, &data, args, stderr, nil) {
		return 2
	}
	dir, err := x84.DataDir(data)
	if err != nil {
		fmt.Fprintf(stderr, "x84 lang %s: %v\n", cmd, err)
		return 1
	}
	if cmd == "template" {
		return langTemplate(dir, tag, stdout, stderr)
	}
	conf, err := config.Load(filepath.Join(dir, x84.ConfigFile))
	if err != nil {
		fmt.Fprintf(stderr, "x84 lang check: %v\n", err)
		return 1
	}
	c, err := app.LoadLanguages(dir, conf.Board.Language)
	if err != nil {
		fmt.Fprintf(stderr, "x84 lang check: %v\n", err)
		return 1
	}
	for _, p := range c.Problems() {
		fmt.Fprintf(stderr, "x84 lang check: %s\n", p)
	}
	var names []string
	for _, l := range c.Languages() {
		names = append(names, fmt.Sprintf("%s (%s)", l.Name, l.Tag))
	}
	fmt.Fprintf(stdout, "The languages in %s are good: %s; the default is %s.\n",
		filepath.Join(dir, x84.LangDir), strings.Join(names, ", "), c.Default())
	return 0
}

// langTemplate writes the built-in English as DIR/lang/TAG.toml for the
// sysop to translate, refusing to replace a file.
func langTemplate(dir, tag string, stdout, stderr io.Writer) int {
	if _, ok := lang.ParseTag(tag); !ok {
		fmt.Fprintf(stderr, "x84 lang template: %q is not a language tag, such as fr or pt-BR\n", tag)
		return 2
	}
	src, err := lang.ReferenceSource()
	if err != nil {
		fmt.Fprintf(stderr, "x84 lang template: %v\n", err)
		return 1
	}
	langDir := filepath.Join(dir, x84.LangDir)
	if err := os.MkdirAll(langDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "x84 lang template: %v\n", err)
		return 1
	}
	path := filepath.Join(langDir, tag+".toml")
	head := fmt.Sprintf("# The board's messages in %s: translate the texts in quotes, keep the\n"+
		"# names in braces. Delete what you leave in English, or keep it: either\n"+
		"# way callers see English there. Check with: x84 lang check\n\n", tag)
	// The language's own name, for the profile, is the sysop's to write.
	body := strings.Replace(string(src), `name = "English"`,
		fmt.Sprintf(`name = %q # the language's name for itself, such as "Français"`, tag), 1)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(stderr, "x84 lang template: %s exists; move it away first\n", path)
		return 1
	}
	if err == nil {
		_, err = io.WriteString(f, head+body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "x84 lang template: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Wrote %s: translate it, then run x84 lang check.\n", path)
	return 0
}
