// Package e2e decides what an end-to-end test does when a real client
// it drives (telnet, plink, ssh, rlogin, Chromium, node...) is missing
// from the machine, or cannot run as it needs to.
//
// By default such a test skips with a message saying what to install, so
// "go test ./..." passes on a developer's machine without the clients.
// With the environment variable X84_E2E set to "require", as .ci/run
// sets it, the same message fails the test instead: in CI a missing
// client is a broken setup, not a reason to test less. Any other value,
// or none, keeps skipping.
package e2e
