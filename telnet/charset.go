package telnet

import (
	"bytes"
	"strings"
)

// CHARSET subnegotiation verbs (RFC 2066 section 1).
const (
	charsetREQUEST        byte = 1
	charsetACCEPTED       byte = 2
	charsetREJECTED       byte = 3
	charsetTTABLEIS       byte = 4
	charsetTTABLEREJECTED byte = 5
	charsetTTABLEACK      byte = 6
	charsetTTABLENAK      byte = 7
)

// The character sets a server agrees to with CHARSET, by the names
// Conn.Charset reports.
const (
	CharsetUTF8  = "UTF-8"
	CharsetCP437 = "CP437"
)

const (
	// charsetMax is the longest CHARSET payload kept: room for a list of
	// a few dozen names.
	charsetMax = 256
	// charsetNameMax is the longest character set name IANA registers;
	// longer ones in a REQUEST are skipped.
	charsetNameMax = 40
	// charsetSep separates the names of our REQUEST (RFC 2066 lets the
	// sender choose; it is not part of any name).
	charsetSep = ';'
	// ttableMark opens a REQUEST whose sender would take a translation
	// table; a one-byte version follows it.
	ttableMark = "[TTABLE]"
)

// CanonicalCharset returns CharsetUTF8 or CharsetCP437 for a name of
// either (UTF-8, UTF8; IBM437, CP437, 437, csPC8CodePage437), ignoring
// case and surrounding spaces, and "" for any other name.
func CanonicalCharset(name string) string {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "utf-8", "utf8":
		return CharsetUTF8
	case "ibm437", "cp437", "437", "cspc8codepage437":
		return CharsetCP437
	}
	return ""
}

// parseCharsetRequest returns the character set names of a REQUEST
// payload (the bytes after the REQUEST verb): an optional "[TTABLE]" and
// version byte, then a separator byte that also precedes every further
// name. Empty names and names longer than charsetNameMax are dropped.
func parseCharsetRequest(data []byte) []string {
	if bytes.HasPrefix(data, []byte(ttableMark)) {
		if len(data) < len(ttableMark)+1 {
			return nil
		}
		data = data[len(ttableMark)+1:] // the mark and its version
	}
	if len(data) < 2 {
		return nil
	}
	sep := data[0]
	var names []string
	for _, n := range bytes.Split(data[1:], []byte{sep}) {
		if len(n) > 0 && len(n) <= charsetNameMax {
			names = append(names, string(n))
		}
	}
	return names
}

// chooseCharset picks what we accept from a client's REQUEST: UTF-8 if
// it is offered anywhere in the list, else CP437, else nothing. It
// returns the name as the client spelt it (for ACCEPTED) and its
// canonical form, or "", "".
func chooseCharset(names []string) (name, canonical string) {
	for _, want := range []string{CharsetUTF8, CharsetCP437} {
		for _, n := range names {
			if CanonicalCharset(n) == want {
				return strings.TrimSpace(n), want
			}
		}
	}
	return "", ""
}

// appendCharsetRequest appends a REQUEST for names, most preferred
// first, each preceded by the separator. Names are ours: ASCII, without
// the separator or IAC.
func appendCharsetRequest(out []byte, names ...string) []byte {
	out = append(out, IAC, SB, OptCharset, charsetREQUEST)
	for _, n := range names {
		out = append(out, charsetSep)
		out = append(out, n...)
	}
	return append(out, IAC, SE)
}

// appendCharsetReply appends a CHARSET subnegotiation with one verb and
// an optional name: ACCEPTED <name>, REJECTED, TTABLE-REJECTED.
func appendCharsetReply(out []byte, verb byte, name string) []byte {
	out = append(out, IAC, SB, OptCharset, verb)
	out = append(out, name...)
	return append(out, IAC, SE)
}

// maybeRequestCharsetLocked sends our REQUEST once the client has agreed
// to CHARSET during negotiation and, if Config.OfferCP437 needs it, has
// named its first terminal type (or refused to).
func (c *Conn) maybeRequestCharsetLocked(out []byte) []byte {
	st := &c.state
	if st.charsetDecided || !c.negotiating || !c.opts.Enabled(Remote, OptCharset) {
		return out
	}
	first := ""
	if c.cfg.OfferCP437 != nil {
		switch {
		case len(c.ttypes) > 0:
			first = c.ttypes[0]
		case !st.ttypeDone && (c.opts.Enabled(Remote, OptTTYPE) || c.opts.Pending(Remote, OptTTYPE)):
			return out // wait for the terminal type
		}
	}
	st.charsetDecided = true
	st.charsetAsked = true
	st.offeredCP437 = c.cfg.OfferCP437 != nil && c.cfg.OfferCP437(first)
	if st.offeredCP437 {
		return appendCharsetRequest(out, CharsetUTF8, "IBM437", CharsetCP437)
	}
	return appendCharsetRequest(out, CharsetUTF8)
}

// charsetSubnegLocked handles a CHARSET subnegotiation from the client
// (RFC 2066) and appends our answer, if one is due, to out.
func (c *Conn) charsetSubnegLocked(out []byte, data []byte) []byte {
	st := &c.state
	if len(data) == 0 || !c.opts.Enabled(Remote, OptCharset) {
		return out // the client never agreed to CHARSET
	}
	switch data[0] {
	case charsetREQUEST:
		// The client may ask too: it sent WILL and we DO. Once
		// negotiation is over the session's encoding is fixed, so a
		// later request is refused (REJECTED leaves the character set
		// as it is). A request crossing ours settles the matter: it is
		// answered, and an answer to ours that follows is ignored.
		var name, canonical string
		if c.negotiating {
			name, canonical = chooseCharset(parseCharsetRequest(data[1:]))
			st.charsetDecided = true
			st.charsetAsked = false
		}
		if canonical != "" {
			c.charset = canonical
			return c.charsetReplyLocked(out, charsetACCEPTED, name)
		}
		return c.charsetReplyLocked(out, charsetREJECTED, "")
	case charsetACCEPTED:
		if !st.charsetAsked {
			return out // an answer to nothing we asked, or too late
		}
		st.charsetAsked = false
		switch got := CanonicalCharset(string(data[1:])); {
		case got == CharsetUTF8, got == CharsetCP437 && st.offeredCP437:
			c.charset = got
		default:
			c.log.Debug("telnet client accepted a character set not offered", "charset", string(data[1:]))
		}
	case charsetREJECTED:
		st.charsetAsked = false
	case charsetTTABLEIS:
		// We never offer translation tables; RFC 2066 has the receiver
		// of one it cannot use answer TTABLE-REJECTED, which ends the
		// subnegotiation without a character set.
		st.charsetAsked = false
		return c.charsetReplyLocked(out, charsetTTABLEREJECTED, "")
	}
	// TTABLE-ACK, TTABLE-NAK and TTABLE-REJECTED answer a TTABLE-IS,
	// which we never send.
	return out
}

// charsetReplyLocked appends a CHARSET answer unless the client has used
// up its reply budget, so that a client repeating requests cannot keep us
// writing.
func (c *Conn) charsetReplyLocked(out []byte, verb byte, name string) []byte {
	if c.replies >= replyBudget {
		return out
	}
	c.replies++
	return appendCharsetReply(out, verb, name)
}
