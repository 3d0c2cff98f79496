package telnet

import (
	"bytes"
	"fmt"
	"testing"
)

// step is one action on an OptionTable and what it must send.
type step struct {
	act    string // "recv", "enable", "disable"
	cmd    byte   // for recv
	side   Side   // for enable/disable
	opt    byte
	send   []byte
	change Change
}

func recv(cmd, opt byte, send []byte, ch Change) step {
	return step{act: "recv", cmd: cmd, opt: opt, send: send, change: ch}
}
func enable(s Side, opt byte, send []byte) step {
	return step{act: "enable", side: s, opt: opt, send: send}
}
func disable(s Side, opt byte, send []byte) step {
	return step{act: "disable", side: s, opt: opt, send: send}
}

func seq(b ...byte) []byte { return b }

func TestOptionTable(t *testing.T) {
	const supported, unsupported = OptSGA, OptLinemode
	tests := []struct {
		name  string
		steps []step
		// what must hold at the end
		local, remote bool
	}{
		{"peer offers supported option", []step{
			recv(WILL, supported, seq(IAC, DO, supported), Enabled),
		}, false, true},
		{"peer offers it twice: second ignored", []step{
			recv(WILL, supported, seq(IAC, DO, supported), Enabled),
			recv(WILL, supported, nil, Unchanged),
		}, false, true},
		{"unsupported WILL refused exactly once", []step{
			recv(WILL, unsupported, seq(IAC, DONT, unsupported), Refused),
			recv(WILL, unsupported, nil, Unchanged),
			recv(WILL, unsupported, nil, Unchanged),
		}, false, false},
		{"unsupported DO refused exactly once", []step{
			recv(DO, unsupported, seq(IAC, WONT, unsupported), Refused),
			recv(DO, unsupported, nil, Unchanged),
		}, false, false},
		{"every DO TIMING-MARK is answered", []step{
			recv(DO, OptTimingMark, seq(IAC, WONT, OptTimingMark), Refused),
			recv(DO, OptTimingMark, seq(IAC, WONT, OptTimingMark), Refused),
			recv(DO, OptTimingMark, seq(IAC, WONT, OptTimingMark), Refused),
			recv(DO, OptTimingMark, seq(IAC, WONT, OptTimingMark), Refused),
		}, false, false},
		{"our request accepted", []step{
			enable(Remote, supported, seq(IAC, DO, supported)),
			recv(WILL, supported, nil, Enabled),
		}, false, true},
		{"our request declined", []step{
			enable(Remote, supported, seq(IAC, DO, supported)),
			recv(WONT, supported, nil, Declined),
			recv(WONT, supported, nil, Unchanged),
		}, false, false},
		{"local request accepted", []step{
			enable(Local, OptEcho, seq(IAC, WILL, OptEcho)),
			recv(DO, OptEcho, nil, Enabled),
		}, true, false},
		{"enable twice sends once", []step{
			enable(Local, OptEcho, seq(IAC, WILL, OptEcho)),
			enable(Local, OptEcho, nil),
			recv(DO, OptEcho, nil, Enabled),
			enable(Local, OptEcho, nil),
		}, true, false},
		{"peer disables enabled option", []step{
			recv(WILL, supported, seq(IAC, DO, supported), Enabled),
			recv(WONT, supported, seq(IAC, DONT, supported), Disabled),
			recv(WONT, supported, nil, Unchanged),
		}, false, false},
		{"we disable, peer agrees", []step{
			recv(DO, OptEcho, seq(IAC, WILL, OptEcho), Enabled),
			disable(Local, OptEcho, seq(IAC, WONT, OptEcho)),
			recv(DONT, OptEcho, nil, Disabled),
		}, false, false},
		{"disable queued while enabling (WANTYES OPPOSITE)", []step{
			enable(Remote, supported, seq(IAC, DO, supported)),
			disable(Remote, supported, nil),
			recv(WILL, supported, seq(IAC, DONT, supported), Unchanged),
			recv(WONT, supported, nil, Disabled),
		}, false, false},
		{"enable queued while disabling (WANTNO OPPOSITE)", []step{
			recv(WILL, supported, seq(IAC, DO, supported), Enabled),
			disable(Remote, supported, seq(IAC, DONT, supported)),
			enable(Remote, supported, nil),
			recv(WONT, supported, seq(IAC, DO, supported), Unchanged),
			recv(WILL, supported, nil, Enabled),
		}, false, true},
		{"queued enable cancelled", []step{
			recv(WILL, supported, seq(IAC, DO, supported), Enabled),
			disable(Remote, supported, seq(IAC, DONT, supported)),
			enable(Remote, supported, nil),
			disable(Remote, supported, nil),
			recv(WONT, supported, nil, Disabled),
		}, false, false},
		{"WILL answering our DONT settles on NO", []step{
			recv(WILL, supported, seq(IAC, DO, supported), Enabled),
			disable(Remote, supported, seq(IAC, DONT, supported)),
			recv(WILL, supported, nil, Unchanged),
			recv(WILL, supported, seq(IAC, DO, supported), Enabled),
		}, false, true},
		{"WANTYES OPPOSITE declined", []step{
			enable(Local, OptEcho, seq(IAC, WILL, OptEcho)),
			disable(Local, OptEcho, nil),
			recv(DONT, OptEcho, nil, Declined),
		}, false, false},
		{"NO state ignores WONT and DONT", []step{
			recv(WONT, supported, nil, Unchanged),
			recv(DONT, supported, nil, Unchanged),
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o OptionTable
			o.AcceptRemote = func(opt byte) bool { return opt == supported }
			o.AcceptLocal = func(opt byte) bool { return opt == OptEcho || opt == supported }
			for i, s := range tt.steps {
				var got []byte
				var ch Change
				switch s.act {
				case "recv":
					got, ch = o.Receive(nil, s.cmd, s.opt)
				case "enable":
					got = o.Enable(nil, s.side, s.opt)
				case "disable":
					got = o.Disable(nil, s.side, s.opt)
				}
				if !bytes.Equal(got, s.send) || ch != s.change {
					t.Fatalf("step %d %s: sent % x, change %v; want % x, %v", i, stepName(s), got, ch, s.send, s.change)
				}
			}
			opt := tt.steps[0].opt
			if got := o.Enabled(Local, opt); got != tt.local {
				t.Errorf("Enabled(Local) = %v; want %v", got, tt.local)
			}
			if got := o.Enabled(Remote, opt); got != tt.remote {
				t.Errorf("Enabled(Remote) = %v; want %v", got, tt.remote)
			}
			if o.Pending(Local, opt) || o.Pending(Remote, opt) {
				t.Errorf("option still pending at the end")
			}
		})
	}
}

func stepName(s step) string {
	if s.act == "recv" {
		return fmt.Sprintf("recv %s %s", CommandName(s.cmd), OptionName(s.opt))
	}
	return fmt.Sprintf("%s %d %s", s.act, s.side, OptionName(s.opt))
}

// TestNoNegotiationLoop plays two option tables against each other with
// opposite policies and checks that the exchange ends.
func TestNoNegotiationLoop(t *testing.T) {
	var a, b OptionTable
	a.AcceptRemote = func(byte) bool { return true }
	a.AcceptLocal = func(byte) bool { return true }
	// b refuses everything.
	var toB, toA []byte
	for opt := range 256 {
		toB = a.Enable(toB, Remote, byte(opt))
		toB = a.Enable(toB, Local, byte(opt))
	}
	for round := 0; len(toA)+len(toB) > 0; round++ {
		if round > 4 {
			t.Fatalf("negotiation still going after %d rounds: %d bytes in flight", round, len(toA)+len(toB))
		}
		var nextA, nextB []byte
		for i := 0; i+2 < len(toB)+1; i += 3 {
			nextA, _ = b.Receive(nextA, toB[i+1], toB[i+2])
		}
		for i := 0; i+2 < len(toA)+1; i += 3 {
			nextB, _ = a.Receive(nextB, toA[i+1], toA[i+2])
		}
		toA, toB = nextA, nextB
	}
	for opt := range 256 {
		if a.Enabled(Remote, byte(opt)) || a.Enabled(Local, byte(opt)) || a.Pending(Local, byte(opt)) {
			t.Fatalf("option %d enabled or pending after refusal", opt)
		}
	}
}
