package lang

import (
	"embed"
	"io/fs"
)

//go:embed catalogs
var catalogs embed.FS

// Builtin returns the built-in catalogs: a folder per language, TAG/,
// holding a file per screen or two.
func Builtin() fs.FS {
	sub, err := fs.Sub(catalogs, "catalogs")
	if err != nil {
		panic(err) // the embedded folder exists
	}
	return sub
}
