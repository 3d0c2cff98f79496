package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/storetest"
)

// openTemp opens a fresh database in the test's temporary directory.
func openTemp(t *testing.T) *store.Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), Config{})
	if err != nil {
		t.Fatalf("Open() = %v; want nil", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, openTemp)
}
