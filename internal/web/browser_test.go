package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
)

// TestBrowser loads the page in headless Chromium (Debian's chromium),
// driven by frontend/browser-test.mjs with playwright-core: the login
// art appears, typing "new" and Enter opens the new-user application,
// and the page runs without script errors or CSP violations. The
// screenshot goes to $TEST_OUTPUT if set, else to the test's artifact
// directory (kept with go test -artifacts).
func TestBrowser(t *testing.T) {
	chromium, node, out := e2e.Browser(t, "frontend")
	shot := filepath.Join(out, "browser-newuser.png")

	f := newFixture(t, setup{})
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "browser-test.mjs", f.base+"/", shot)
	cmd.Dir = "frontend"
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser test: %v\n%s", err, outb)
	}
	if !strings.Contains(string(outb), `"ok":true`) {
		t.Errorf("browser test said:\n%s", outb)
	}
	deShot := strings.TrimSuffix(shot, ".png") + "-de.png"
	for _, s := range []string{shot, deShot} {
		if fi, err := os.Stat(s); err != nil || fi.Size() < 1000 {
			t.Errorf("screenshot %s: %v", s, err)
		}
	}
	t.Logf("screenshots: %s, %s", shot, deShot)
	f.waitIdle()
}
