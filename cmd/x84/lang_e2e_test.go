package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/e2e"
)

// TestLanguageTelnet is a German caller with Debian's telnet, which
// sends LANG through NEW-ENVIRON once told to export it: the login
// screen speaks German. The caller then picks English in the profile,
// and the next call, by ssh with the same LANG, speaks English: the
// account's choice comes before the terminal's.
func TestLanguageTelnet(t *testing.T) {
	e2e.LookPath(t, "telnet", "tmux", "ssh", "sshpass")
	s := startX84(t, "")
	s.addUser(t, "alice", "wonderland", false)
	tm := telnetWithLang(t, s.port(), "de_DE.UTF-8")
	tm.waitScreen("Verbunden mit x84, Knoten 1.")
	tm.waitScreen("Name:")
	tm.keys("alice", "Enter")
	tm.waitScreen("Passwort:")
	tm.keys("wonderland", "Enter")
	tm.waitScreen(germanMainMenu)
	// The profile: the language follows the terminal until chosen; g
	// steps through the board's languages, default first, and back.
	tm.keys("p")
	tm.waitScreen("von deinem Terminal (jetzt Deutsch)")
	tm.keys("g")
	scr := tm.waitScreen("Saved: the screens speak English now.")
	if strings.Contains(scr, "Sprache") || !strings.Contains(scr, "Language     English") {
		t.Errorf("the profile is not all English after English was chosen:\n%s", scr)
	}
	tm.keys("g")
	tm.waitScreen("Gespeichert: die Bildschirme sprechen jetzt Deutsch.")
	tm.keys("g")
	tm.waitScreen("von deinem Terminal (jetzt Deutsch)")
	tm.keys("g")
	tm.waitScreen("Saved: the screens speak English now.")

	// ssh with a German LANG: the account's English wins.
	ssh := newTmux(t, 100, 30, "env LANG=de_DE.UTF-8 "+sshCommand(s.portOf("ssh"), "alice", "wonderland", "-o", "SendEnv=LANG"))
	ssh.waitScreen("Welcome, alice. This is your call number 2.")
}

// TestLanguageSSH: an ssh caller whose LANG is German, without an
// account's choice, is greeted in German; a caller whose LANG the board
// does not speak gets the board's default.
func TestLanguageSSH(t *testing.T) {
	e2e.LookPath(t, "ssh", "sshpass", "tmux")
	s := startX84(t, "")
	s.addUser(t, "bob", "builder1", false)
	tm := newTmux(t, 100, 30, "env LANG=de_AT.UTF-8 "+sshCommand(s.portOf("ssh"), "bob", "builder1", "-o", "SendEnv=LANG"))
	tm.waitScreen(germanMainMenu)
	fr := newTmux(t, 100, 30, "env LANG=fr_FR.UTF-8 "+sshCommand(s.portOf("ssh"), "bob", "builder1", "-o", "SendEnv=LANG"))
	fr.waitScreen("Who's online")
}

// TestLanguageCommands: x84 lang template writes English to translate,
// x84 lang check accepts a good file and names the line of a bad one,
// and the board speaks a sysop's new language.
func TestLanguageCommands(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (string, error) {
		out, err := exec.Command(x84Bin, append([]string{"--data", dir}, args...)...).CombinedOutput()
		return string(out), err
	}
	if out, err := run("lang", "template", "fr"); err != nil || !strings.Contains(out, "Wrote") {
		t.Fatalf("lang template fr: %v\n%s", err, out)
	}
	if out, err := run("lang", "template", "fr"); err == nil || !strings.Contains(out, "exists") {
		t.Errorf("lang template over a file: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "lang", "fr.toml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A sysop translates a few messages and keeps the rest.
	if !strings.Contains(string(src), `name = "fr" #`) {
		t.Errorf("the template does not leave the language's name to the sysop:\n%.300s", src)
	}
	fr := strings.Replace(string(src), `name = "fr"`, `name = "Français"`, 1)
	fr = strings.Replace(fr, `login_handle = "Handle:"`, `login_handle = "Pseudo :"`, 1)
	if err := os.WriteFile(path, []byte(fr), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run("lang", "check")
	if err != nil || !strings.Contains(out, "Français (fr)") {
		t.Fatalf("lang check: %v\n%s", err, out)
	}
	// A placeholder the message does not have: refused, with the line.
	bad := strings.Replace(fr, `login_connected = "Connected to {board}, node {node}."`, `login_connected = "Connecté à {bbs}."`, 1)
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = run("lang", "check")
	if err == nil || !strings.Contains(out, "fr.toml:") || !strings.Contains(out, "strings.login_connected: {bbs}") {
		t.Errorf("lang check of a bad file: %v\n%s", err, out)
	}
	if err := os.WriteFile(path, []byte(fr), 0o644); err != nil {
		t.Fatal(err)
	}

	// The board speaks it to a French terminal.
	e2e.LookPath(t, "telnet", "tmux")
	if err := os.WriteFile(filepath.Join(dir, "x84.toml"), []byte(testConfig("")), 0o600); err != nil {
		t.Fatal(err)
	}
	s := runX84(t, x84Bin, dir)
	tm := telnetWithLang(t, s.port(), "fr_FR.UTF-8")
	tm.waitScreen("Pseudo :")
}

// germanMainMenu is a label of the main menu in German.
const germanMainMenu = "Wer ist online"

// telnetWithLang starts Debian's telnet told to send LANG (which it does
// not by default) and connects it to port.
func telnetWithLang(t *testing.T, port, lang string) *tmux {
	t.Helper()
	tm := newTmux(t, 100, 30, "telnet")
	tm.waitScreen("telnet>")
	tm.keys("environ define LANG "+lang, "Enter")
	tm.keys("environ export LANG", "Enter")
	tm.keys("open 127.0.0.1 "+port, "Enter")
	return tm
}
