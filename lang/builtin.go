package lang

import (
	"embed"
	"io/fs"
	"path"
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

// ReferenceSource returns the built-in English catalog as one file, its
// files one after another: the template a sysop translates into a
// language of their own (x84 lang template).
func ReferenceSource() ([]byte, error) {
	names, err := fs.Glob(Builtin(), Reference+"/*.toml")
	if err != nil {
		return nil, err
	}
	var out []byte
	for _, n := range names {
		data, err := fs.ReadFile(Builtin(), n)
		if err != nil {
			return nil, err
		}
		out = append(out, "# ---- "+path.Base(n)+"\n\n"...)
		out = append(out, data...)
		out = append(out, '\n')
	}
	return out, nil
}
