package script

import (
	"embed"
	"io/fs"
)

// builtin holds the scripts x84 ships: a falling-blocks game, news, the
// automessage and a BBS list.
//
//go:embed builtin/*.js
var builtin embed.FS

// Builtin returns the scripts x84 ships, NAME.js at the root, for
// Config.Builtin.
func Builtin() fs.FS {
	sub, err := fs.Sub(builtin, "builtin")
	if err != nil {
		panic(err) // the embedded folder is fixed
	}
	return sub
}
