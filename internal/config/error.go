package config

import (
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Error is a problem with a configuration file. It names the file, the
// line and the key, so the message alone is enough to fix the file.
type Error struct {
	File string // as given to Load or Parse
	Line int    // 1-based; 0 when unknown
	Key  string // full dotted key, such as "telnet.port"; "" when unknown
	Err  error
}

// Error formats e as "config: FILE:LINE: KEY: ERR", leaving out the parts
// that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	switch {
	case e.File != "" && e.Line > 0:
		b.WriteString(e.File + ":" + strconv.Itoa(e.Line) + ": ")
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// syntaxError is a toml.ParseError shown as its bare message, since Error
// already gives the line and key.
type syntaxError struct{ pe toml.ParseError }

func (e syntaxError) Error() string { return e.pe.Message }
func (e syntaxError) Unwrap() error { return e.pe }

// keyString formats a key for an error: "door[2].command" for a key in
// the second [[door]] table.
func keyString(key []string) string {
	var b strings.Builder
	for i, part := range key {
		if strings.HasPrefix(part, "#") {
			b.WriteString("[" + part[1:] + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(toml.Key{part}.String())
	}
	return b.String()
}
