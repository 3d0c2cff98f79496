package e2e

import (
	"fmt"
	"os"
	"runtime"
	"testing"
)

func TestRequired(t *testing.T) {
	for _, tc := range []struct {
		value string
		set   bool
		want  bool
	}{
		{set: false, want: false},
		{value: "", set: true, want: false},
		{value: "require", set: true, want: true},
		{value: "REQUIRE", set: true, want: false},
		{value: "1", set: true, want: false},
		{value: "skip", set: true, want: false},
	} {
		name := fmt.Sprintf("%q", tc.value)
		if !tc.set {
			name = "unset"
		}
		t.Run(name, func(t *testing.T) {
			t.Setenv(Env, tc.value) // restored after the test
			if !tc.set {
				os.Unsetenv(Env)
			}
			if got := Required(); got != tc.want {
				t.Errorf("Required() with %s = %v; want %v", name, got, tc.want)
			}
		})
	}
}

func TestPackage(t *testing.T) {
	for bin, want := range map[string]string{
		"plink":      "putty-tools",
		"ssh":        "openssh-client",
		"sftp":       "openssh-client",
		"ssh-keygen": "openssh-client",
		"rlogin":     "rsh-client",
		"node":       "nodejs",
		"telnet":     "telnet",
		"tmux":       "tmux",
		"sshpass":    "sshpass",
		"lftp":       "lftp",
	} {
		if got := Package(bin); got != want {
			t.Errorf("Package(%q) = %q; want %q", bin, got, want)
		}
	}
}

// recorder is a testing.TB whose Skip and Fatalf record the message and
// end the goroutine, as the real ones end the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls f with a recorder in its own goroutine, so that Goexit ends
// only that goroutine.
func run(f func(testing.TB)) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestMissing(t *testing.T) {
	for _, tc := range []struct {
		value         string
		skipped, fail string
	}{
		{value: "", skipped: "telnet is not installed (apt-get install telnet, as .ci/run does)"},
		{value: "yes", skipped: "telnet is not installed (apt-get install telnet, as .ci/run does)"},
		{value: "require", fail: "telnet is not installed (apt-get install telnet, as .ci/run does) and X84_E2E=require"},
	} {
		t.Run(fmt.Sprintf("%q", tc.value), func(t *testing.T) {
			t.Setenv(Env, tc.value)
			r := run(func(tb testing.TB) {
				Missing(tb, "%s is not installed (apt-get install %s, as .ci/run does)", "telnet", Package("telnet"))
			})
			if r.skipped != tc.skipped || r.failed != tc.fail {
				t.Errorf("X84_E2E=%q: skipped %q, failed %q; want skipped %q, failed %q",
					tc.value, r.skipped, r.failed, tc.skipped, tc.fail)
			}
		})
	}
}

func TestLookPath(t *testing.T) {
	t.Setenv(Env, "require")
	t.Setenv("PATH", t.TempDir())
	r := run(func(tb testing.TB) { LookPath(tb, "plink", "telnet") })
	if want := "plink is not installed (apt-get install putty-tools, as .ci/run does) and X84_E2E=require"; r.failed != want {
		t.Errorf("LookPath on an empty PATH failed %q; want %q", r.failed, want)
	}
	if r := run(func(tb testing.TB) { LookPath(tb) }); r.skipped != "" || r.failed != "" {
		t.Errorf("LookPath with nothing to look for: skipped %q, failed %q; want neither", r.skipped, r.failed)
	}
}
