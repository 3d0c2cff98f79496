// Package telnettest plays scripted telnet clients against a server, for
// tests that state exactly which bytes a client sends and check exactly
// which it gets.
//
// Concurrency: Play starts one goroutine, which ends when the connection
// is closed; the function Play returns waits for it.
package telnettest

import (
	"bytes"
	"net"

	"github.com/x84bbs/x84/telnet"
)

// Exchange is one step of a script: when the server sends the message On
// (a whole command, such as IAC DO CHARSET, or a whole subnegotiation from
// IAC SB to IAC SE), the client sends Send.
type Exchange struct {
	On, Send []byte
}

// Play reads what the server sends on c and answers it from script: each
// server message is matched against the first exchange not used yet with
// that On, which is then used up. Messages no exchange matches get no
// answer, like a client that ignores them. Play returns a function that
// waits until c is closed and returns every message the server sent, in
// order (data bytes are left out).
func Play(c net.Conn, script ...Exchange) (wait func() [][]byte) {
	done := make(chan [][]byte, 1)
	go func() {
		var got [][]byte
		used := make([]bool, len(script))
		dec := telnet.NewDecoder(0)
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			var out []byte
			dec.Decode(nil, buf[:n], func(ev telnet.Event) {
				msg := Message(ev)
				got = append(got, msg)
				for i, x := range script {
					if !used[i] && bytes.Equal(x.On, msg) {
						used[i] = true
						out = append(out, x.Send...)
						break
					}
				}
			})
			if len(out) > 0 {
				c.Write(out)
			}
			if err != nil {
				done <- got
				return
			}
		}
	}()
	return func() [][]byte { return <-done }
}

// Message returns the bytes of a decoded event as they are sent, IAC
// doubled inside a subnegotiation.
func Message(ev telnet.Event) []byte {
	switch ev.Kind {
	case telnet.EventCommand:
		return []byte{telnet.IAC, ev.Cmd}
	case telnet.EventOption:
		return []byte{telnet.IAC, ev.Cmd, ev.Opt}
	case telnet.EventSubneg:
		return Subneg(ev.Opt, ev.Data...)
	}
	return nil
}

// Subneg returns IAC SB opt payload IAC SE, with IAC doubled in payload.
func Subneg(opt byte, payload ...byte) []byte {
	b := []byte{telnet.IAC, telnet.SB, opt}
	for _, p := range payload {
		b = append(b, p)
		if p == telnet.IAC {
			b = append(b, telnet.IAC)
		}
	}
	return append(b, telnet.IAC, telnet.SE)
}

// Cmd returns the three bytes IAC cmd opt.
func Cmd(cmd, opt byte) []byte { return []byte{telnet.IAC, cmd, opt} }

// Join concatenates byte slices, for building a client's answers.
func Join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// Subnegotiation verbs of TTYPE (RFC 1091) and CHARSET (RFC 2066).
const (
	IS   byte = 0
	SEND byte = 1

	REQUEST        byte = 1
	ACCEPTED       byte = 2
	REJECTED       byte = 3
	TTABLEIS       byte = 4
	TTABLEREJECTED byte = 5
)

// TTypeSend is the server's IAC SB TTYPE SEND IAC SE.
func TTypeSend() []byte { return Subneg(telnet.OptTTYPE, SEND) }

// TTypeIs is a client's IAC SB TTYPE IS name IAC SE.
func TTypeIs(name string) []byte { return Subneg(telnet.OptTTYPE, append([]byte{IS}, name...)...) }

// Charset is IAC SB CHARSET verb text IAC SE, for example
// Charset(REQUEST, ";UTF-8;CP437") or Charset(ACCEPTED, "UTF-8").
func Charset(verb byte, text string) []byte {
	return Subneg(telnet.OptCharset, append([]byte{verb}, text...)...)
}

// OnOpening answers the last request of x84's opening flight (DO
// CHARSET) with send.
func OnOpening(send ...[]byte) Exchange {
	return Exchange{On: Cmd(telnet.DO, telnet.OptCharset), Send: Join(send...)}
}

// TTypes answers successive TTYPE SENDs with names.
func TTypes(names ...string) []Exchange {
	var x []Exchange
	for _, n := range names {
		x = append(x, Exchange{On: TTypeSend(), Send: TTypeIs(n)})
	}
	return x
}

// Script joins exchanges and lists of them into one script.
func Script(parts ...any) []Exchange {
	var x []Exchange
	for _, p := range parts {
		switch p := p.(type) {
		case Exchange:
			x = append(x, p)
		case []Exchange:
			x = append(x, p...)
		}
	}
	return x
}
