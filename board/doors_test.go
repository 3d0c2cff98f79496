package board_test

import (
	"testing"
	"time"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/term"
)

// TestDoorTimeLimit: a door that outlives its time limit is ended, and
// the caller reads why in the Doors menu.
func TestDoorTimeLimit(t *testing.T) {
	f := newFixture(t, settings{Doors: []board.Door{{
		Name: "sleepy", Key: 's', Label: "Sleepy door", Command: "/bin/sh",
		Args: []string{"-c", "echo IN THE DOOR; exec sleep 60"}, TimeLimit: time.Second,
	}}})
	f.addUser("lee", "password1")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "lee", "password1")
	tt.WaitFor("[D] Doors")
	tt.Type("d")
	tt.WaitFor("[S] Sleepy door")
	tt.Type("s")
	tt.WaitFor("IN THE DOOR")
	tt.WaitFor("Your time in Sleepy door is up.")
	tt.WaitFor("[S] Sleepy door")
}

func TestDoorsConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		doors []board.Door
	}{
		{"same key", []board.Door{{Name: "a", Key: 'a', Command: "x"}, {Name: "b", Key: 'A', Command: "y"}}},
		{"key q", []board.Door{{Name: "a", Key: 'q', Command: "x"}}},
		{"no command", []board.Door{{Name: "a", Key: 'a'}}},
		{"bad dropfile", []board.Door{{Name: "a", Key: 'a', Command: "x", Dropfile: "door.txt"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, settings{})
			_, err := board.New(board.Config{Store: f.store, Events: f.bus, Accounts: f.accts, Community: f.svc, Doors: tt.doors})
			if err == nil {
				t.Errorf("board.New accepted doors %+v", tt.doors)
			}
		})
	}
}
