package telnet

// Side names which end of the connection an option is enabled on.
type Side uint8

const (
	// Local options are ours: we send WILL/WONT, the peer DO/DONT.
	Local Side = iota
	// Remote options are the peer's: it sends WILL/WONT, we DO/DONT.
	Remote
)

// The four states of one side of an option, RFC 1143 section 7.
const (
	qNo uint8 = iota
	qYes
	qWantNo
	qWantYes
)

// Bits of one side's packed state: two bits of state, the queue bit and
// how many times we have refused a request for it.
const (
	qStateMask   uint8 = 0b00011
	qOpposite    uint8 = 0b00100
	qRefusedMask uint8 = 0b11000
	qRefusedOne  uint8 = 0b01000
)

// maxRefusals is how often a request for one option is refused before
// further requests are ignored. Once is what a compliant peer needs, and
// repeating ourselves is how buggy peers loop.
const maxRefusals = 1

// Change reports what a received negotiation did to an option.
type Change uint8

// The outcomes of OptionTable.Receive.
const (
	Unchanged Change = iota
	Enabled
	Disabled
	// Refused means the peer asked for an option we do not accept and we
	// answered no.
	Refused
	// Declined means the peer answered no to our request.
	Declined
)

// An OptionTable keeps the state of every option for both sides using the
// "Q method" of RFC 1143, so that no answer ever starts a negotiation loop:
// a request that would not change the state is never answered, and a
// request we refuse is answered exactly once per option (DO TIMING-MARK
// excepted: RFC 860 uses each one as a mark that must be answered). Replies are appended to a caller's buffer, which the caller
// writes to the peer.
type OptionTable struct {
	st [2][256]uint8
	// AcceptLocal reports whether we agree to enable an option on our side
	// when the peer sends DO. If nil, every DO is refused.
	AcceptLocal func(opt byte) bool
	// AcceptRemote reports whether we agree that the peer enables an option
	// when it sends WILL. If nil, every WILL is refused.
	AcceptRemote func(opt byte) bool
}

// verbs returns the positive and negative commands we send for a side.
func verbs(s Side) (yes, no byte) {
	if s == Local {
		return WILL, WONT
	}
	return DO, DONT
}

// Enabled reports whether opt is in effect on side s.
func (t *OptionTable) Enabled(s Side, opt byte) bool {
	return t.st[s][opt]&qStateMask == qYes
}

// Pending reports whether we are waiting for the peer's answer about opt
// on side s.
func (t *OptionTable) Pending(s Side, opt byte) bool {
	q := t.st[s][opt] & qStateMask
	return q == qWantYes || q == qWantNo
}

func (t *OptionTable) set(s Side, opt, state uint8) {
	t.st[s][opt] = t.st[s][opt]&qRefusedMask | state
}

// Enable asks for opt on side s and appends the request, if one is due, to
// out.
func (t *OptionTable) Enable(out []byte, s Side, opt byte) []byte {
	yes, _ := verbs(s)
	v := t.st[s][opt]
	switch v & qStateMask {
	case qNo:
		t.set(s, opt, qWantYes)
		out = append(out, IAC, yes, opt)
	case qWantNo:
		t.set(s, opt, qWantNo|qOpposite)
	case qWantYes:
		t.set(s, opt, qWantYes) // cancel a queued disable
	}
	return out
}

// Disable asks to turn opt off on side s and appends the request, if one
// is due, to out.
func (t *OptionTable) Disable(out []byte, s Side, opt byte) []byte {
	_, no := verbs(s)
	v := t.st[s][opt]
	switch v & qStateMask {
	case qYes:
		t.set(s, opt, qWantNo)
		out = append(out, IAC, no, opt)
	case qWantYes:
		t.set(s, opt, qWantYes|qOpposite)
	case qWantNo:
		t.set(s, opt, qWantNo) // cancel a queued enable
	}
	return out
}

// Receive applies a WILL, WONT, DO or DONT from the peer, appends our
// answer (if one is due) to out, and reports what changed.
func (t *OptionTable) Receive(out []byte, cmd, opt byte) ([]byte, Change) {
	switch cmd {
	case WILL:
		return t.receiveYes(out, Remote, opt, t.AcceptRemote)
	case WONT:
		return t.receiveNo(out, Remote, opt)
	case DO:
		return t.receiveYes(out, Local, opt, t.AcceptLocal)
	case DONT:
		return t.receiveNo(out, Local, opt)
	}
	return out, Unchanged
}

func (t *OptionTable) receiveYes(out []byte, s Side, opt byte, accept func(byte) bool) ([]byte, Change) {
	yes, no := verbs(s)
	v := t.st[s][opt]
	switch v & (qStateMask | qOpposite) {
	case qNo:
		if accept != nil && accept(opt) {
			t.set(s, opt, qYes)
			return append(out, IAC, yes, opt), Enabled
		}
		if s == Local && opt == OptTimingMark {
			return append(out, IAC, no, opt), Refused
		}
		if v&qRefusedMask == maxRefusals*qRefusedOne {
			return out, Unchanged // refused often enough: never loop
		}
		t.st[s][opt] += qRefusedOne
		return append(out, IAC, no, opt), Refused
	case qWantNo:
		// Our disable was answered with an enable: the peer is in error,
		// RFC 1143 settles on NO.
		t.set(s, opt, qNo)
	case qWantNo | qOpposite:
		t.set(s, opt, qYes)
		return out, Enabled
	case qWantYes:
		t.set(s, opt, qYes)
		return out, Enabled
	case qWantYes | qOpposite:
		t.set(s, opt, qWantNo)
		return append(out, IAC, no, opt), Unchanged
	}
	return out, Unchanged
}

func (t *OptionTable) receiveNo(out []byte, s Side, opt byte) ([]byte, Change) {
	yes, no := verbs(s)
	v := t.st[s][opt]
	switch v & (qStateMask | qOpposite) {
	case qYes:
		t.set(s, opt, qNo)
		return append(out, IAC, no, opt), Disabled
	case qWantNo:
		t.set(s, opt, qNo)
		return out, Disabled
	case qWantNo | qOpposite:
		t.set(s, opt, qWantYes)
		return append(out, IAC, yes, opt), Unchanged
	case qWantYes, qWantYes | qOpposite:
		t.set(s, opt, qNo)
		return out, Declined
	}
	return out, Unchanged
}
