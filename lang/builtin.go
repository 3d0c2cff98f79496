package lang

import (
	"embed"
	"io/fs"
)

//go:embed catalogs/*.toml
var catalogs embed.FS

// Builtin returns the built-in catalogs, TAG.toml at the root.
func Builtin() fs.FS {
	sub, err := fs.Sub(catalogs, "catalogs")
	if err != nil {
		panic(err) // the embedded folder exists
	}
	return sub
}
