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
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		e2e.Missing(t, "no Chromium at %s (apt-get install chromium, as .ci/run does): %v", chromium, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		e2e.Missing(t, "no node on $PATH (apt-get install nodejs; Node.js 20 runs the browser driver)")
	}
	if _, err := os.Stat("frontend/node_modules/playwright-core"); err != nil {
		e2e.Missing(t, "no frontend/node_modules (run internal/web/frontend/build.sh, as .ci/run does)")
	}
	out := os.Getenv("TEST_OUTPUT")
	if out == "" {
		out = t.ArtifactDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
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
