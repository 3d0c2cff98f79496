package postgres

import (
	"testing"

	"github.com/x84bbs/x84/internal/pgtest"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/store/storetest"
)

func TestConformanceLimited(t *testing.T) {
	storetest.RunLimited(t, func(t *testing.T, maxScriptKeys int) *store.Store {
		s, err := Open(t.Context(), pgtest.URL(t), Config{MaxScriptKeys: maxScriptKeys})
		if err != nil {
			t.Fatalf("Open(MaxScriptKeys %d) = %v; want nil", maxScriptKeys, err)
		}
		return s
	})
}
