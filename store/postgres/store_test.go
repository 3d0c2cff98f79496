package postgres

import (
	"testing"

	"github.com/x84bbs/x84/internal/pgtest"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/storetest"
)

// openTemp opens a store on a fresh schema of the test server.
func openTemp(t *testing.T) *store.Store {
	t.Helper()
	s, err := Open(t.Context(), pgtest.URL(t), Config{})
	if err != nil {
		t.Fatalf("Open() = %v; want nil", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, openTemp)
}
