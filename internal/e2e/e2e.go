package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Env is the environment variable that, set to "require", turns a
// missing client from a skip into a failure.
const Env = "X84_E2E"

// Required reports whether missing clients fail tests: whether $X84_E2E
// is "require".
func Required() bool { return os.Getenv(Env) == "require" }

// Missing ends the test because something it needs is missing, the
// message saying what: it skips, or fails if Required.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("%s and %s=require", msg, Env)
	}
	t.Skip(msg)
}

// LookPath calls Missing for the first of bins not on $PATH, naming the
// Debian package to install.
func LookPath(t testing.TB, bins ...string) {
	t.Helper()
	for _, b := range bins {
		if _, err := exec.LookPath(b); err != nil {
			Missing(t, "%s is not installed (apt-get install %s, as .ci/run does)", b, Package(b))
		}
	}
}

// Package is the Debian package that installs the command bin, as
// .ci/run installs it; bin itself when the names agree.
func Package(bin string) string {
	switch bin {
	case "plink":
		return "putty-tools"
	case "ssh", "sftp", "ssh-keygen":
		return "openssh-client"
	case "rlogin":
		return "rsh-client"
	case "node":
		return "nodejs"
	case "tt++":
		return "tintin++"
	case "sx", "rx", "sb", "rb", "sz", "rz":
		return "lrzsz"
	case "zbarimg":
		return "zbar-tools"
	}
	return bin
}

// Browser finds what a browser test drives: Debian's Chromium
// ($CHROMIUM, else /usr/bin/chromium), node, and playwright-core in the
// node_modules of frontend (internal/web/frontend, as the test sees it);
// Missing ends the test for the first one missing. It also returns the
// folder for the test's screenshots, made: $TEST_OUTPUT if set, else the
// test's artifact directory (kept with go test -artifacts).
func Browser(t *testing.T, frontend string) (chromium, node, out string) {
	t.Helper()
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		Missing(t, "no Chromium at %s (apt-get install chromium, as .ci/run does): %v", chromium, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		Missing(t, "no node on $PATH (apt-get install nodejs; Node.js 20 runs the browser driver)")
	}
	if _, err := os.Stat(filepath.Join(frontend, "node_modules", "playwright-core")); err != nil {
		Missing(t, "no %s/node_modules (run internal/web/frontend/build.sh, as .ci/run does)", frontend)
	}
	out = os.Getenv("TEST_OUTPUT")
	if out == "" {
		out = t.ArtifactDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return chromium, node, out
}
