package door

import (
	"bytes"
	"io"
	"testing"

	"github.com/x84bbs/x84/term"
)

// For a caller on accessible screens (plain lines), x84 writes the reset
// after a door only when the door wrote escape sequences of its own; on
// a full screen it always does.
func TestRunResetPlain(t *testing.T) {
	const reset = "\x1b[0m\x1b[r\x1b[?25h\x1b[?1049l"
	tests := []struct {
		name       string
		accessible bool
		greeting   string // written by the door before READY
		reset      bool
	}{
		{"plain door, plain screens", true, "", false},
		{"door with colours, plain screens", true, "\x1b[1mhi", true},
		{"plain door, full screen", false, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCaller(t, term.UTF8, term.Size{Cols: 80, Rows: 24})
			c.sess.SetAccessible(tc.accessible)
			d := &Door{Name: "echo", Command: testDoor, Args: []string{"echo"}, Encoding: term.UTF8}
			if tc.greeting != "" {
				d.Env = map[string]string{"DOOR_GREETING": tc.greeting}
			}
			done := c.start(d, testCaller(t))
			c.waitFor("READY")
			var out bytes.Buffer
			read := make(chan struct{})
			go func() { io.Copy(&out, c.r); close(read) }()
			c.send("q")
			wait(t, done)
			c.sess.Close()
			<-read
			if got := bytes.Contains(out.Bytes(), []byte(reset)); got != tc.reset {
				t.Errorf("reset after the door = %v; want %v (output after READY %q)", got, tc.reset, out.Bytes())
			}
		})
	}
}
