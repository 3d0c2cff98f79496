package lang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMessageIDsExist: every message id the board's code names in a
// call to T or N is in the English catalog, and every English message is
// named somewhere, so that a typo shows here rather than on a caller's
// screen (as the id itself) and no message is left behind.
func TestMessageIDsExist(t *testing.T) {
	c, err := Load(Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	fset := token.NewFileSet()
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "T" && sel.Sel.Name != "N" && sel.Sel.Name != "MessageLine" && sel.Sel.Name != "SetActivityMessage" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			id, err := strconv.Unquote(lit.Value)
			if err != nil || !strings.Contains(id, ".") {
				return true
			}
			used[id] = true
			if !c.Has(id) {
				t.Errorf("%s: message %q is not in the English catalog", fset.Position(lit.Pos()), id)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id := range c.ref {
		// Messages the code names by a computed id: the language's
		// name, the theme's strings (strings.KEY), and tables a screen
		// looks up by key.
		if used[id] || id == NameID || strings.HasPrefix(id, "strings.") || dynamicID(id) {
			continue
		}
		t.Errorf("the English catalog's %q is used nowhere", id)
	}
}

// dynamicPrefixes are the tables whose messages the code names by a
// computed id (prefix + key); each is listed where it is computed.
var dynamicPrefixes = []string{
	"rules.", // ids in account/auth rule errors, see account.MessageID
	"dates.", // layouts board.dateLayouts names
	// ids in files' and filearea's errors, see files.MessageID
	"files.error.",
}

func dynamicID(id string) bool {
	for _, p := range dynamicPrefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}
