package session

import (
	"bytes"
	"io"
	"testing"
	"testing/synctest"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/term"
)

// TestDisconnectLanguage: a MessageLine is said in the session's
// language, and the last line is transcoded for a CP437 terminal.
func TestDisconnectLanguage(t *testing.T) {
	c, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		enc  term.Encoding
		tag  string
		line string
		want []byte
	}{
		{"message in German", term.UTF8, "de", MessageLine("who.disconnected_line"), []byte("Der Sysop hat deine Verbindung getrennt.")},
		{"message in English", term.UTF8, "en", MessageLine("who.disconnected_line"), []byte("You have been disconnected by the sysop.")},
		{"text as it is", term.UTF8, "de", "Grüße!", []byte("Grüße!")},
		{"CP437", term.CP437, "de", "Grüße!", []byte{'G', 'r', 0x81, 0xe1, 'e', '!'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, client, _ := newPipeSession(t, term.Info{Encoding: tt.enc}, Config{})
				s.SetLang(c.Printer(tt.tag))
				var got []byte
				done := make(chan struct{})
				go func() { got, _ = io.ReadAll(client); close(done) }()
				s.Disconnect(tt.line)
				s.Close()
				<-done
				if !bytes.Contains(got, tt.want) {
					t.Errorf("the caller got %q; want it to hold %q", got, tt.want)
				}
			})
		})
	}
}
