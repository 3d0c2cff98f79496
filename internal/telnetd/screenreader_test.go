package telnetd

import (
	"net"
	"testing"
	"testing/synctest"

	tt "github.com/x84bbs/x84/telnet/telnettest"
)

// A MUD client that sets the MTTS screen reader bit gets a session whose
// Info says so, for the board to offer its plain-text screens.
func TestOpenScreenReader(t *testing.T) {
	tests := []struct {
		name string
		mtts string
		want bool
	}{
		{"screen reader, UTF-8 and 256 colours", "MTTS 76", true},
		{"screen reader alone", "MTTS 64", true},
		{"no screen reader", "MTTS 12", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sc, cc := net.Pipe()
				wait := tt.Play(cc, tt.Script(tt.OnOpening(charMode, noBinary, willTTYPE, naws100x30, wontEnv, dontCharset),
					tt.TTypes("MUDCLIENT", "xterm", tc.mtts))...)
				c, err := (&Protocol{}).Open(t.Context(), sc)
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
				wait()
				if got := c.Info().ScreenReader; got != tc.want {
					t.Errorf("Info().ScreenReader after %q = %v; want %v", tc.mtts, got, tc.want)
				}
			})
		})
	}
}
