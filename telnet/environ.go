package telnet

import (
	"strings"
)

// envFrameMax is the longest NEW-ENVIRON SEND frame we write: inetutils
// telnet keeps subnegotiations in a 256-byte buffer and silently drops
// what does not fit.
const envFrameMax = 240

// Limits on what a client may send us in NEW-ENVIRON and TTYPE replies.
const (
	envMaxVars  = 32
	envMaxName  = 64
	envMaxValue = 256
	ttypeMax    = 64
)

// appendEnvSend appends NEW-ENVIRON SEND requests for vars to out, split
// into frames of at most envFrameMax bytes, and returns how many frames it
// wrote. An empty list asks for every variable.
func appendEnvSend(out []byte, vars []string) ([]byte, int) {
	head := []byte{IAC, SB, OptNewEnviron, sbSEND}
	frames := 0
	start := len(out)
	out = append(out, head...)
	for _, v := range vars {
		item := appendEnvString([]byte{envVAR}, v)
		if len(out)-start+len(item)+2 > envFrameMax && len(out)-start > len(head) {
			out = append(out, IAC, SE)
			frames++
			start = len(out)
			out = append(out, head...)
		}
		out = append(out, item...)
	}
	out = append(out, IAC, SE)
	return out, frames + 1
}

// appendEnvString escapes s as a NEW-ENVIRON name or value: the type bytes
// are preceded by ESC and IAC is doubled.
func appendEnvString(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; b {
		case envVAR, envVALUE, envESC, envUSERVAR:
			out = append(out, envESC, b)
		case IAC:
			out = append(out, IAC, IAC)
		default:
			out = append(out, b)
		}
	}
	return out
}

// parseEnv reads a NEW-ENVIRON IS or INFO payload (IAC IAC already undone)
// into env. Oversized names and values and variables past the limit are
// dropped; a variable sent without VALUE is recorded as empty.
func parseEnv(data []byte, env map[string]string) {
	if len(data) == 0 || (data[0] != sbIS && data[0] != sbINFO) {
		return
	}
	var (
		name, value strings.Builder
		inValue     bool
		haveVar     bool
		tooLong     bool
	)
	flush := func() {
		if haveVar && !tooLong && name.Len() > 0 && (len(env) < envMaxVars || hasKey(env, name.String())) {
			env[name.String()] = value.String()
		}
		name.Reset()
		value.Reset()
		inValue, haveVar, tooLong = false, false, false
	}
	for i := 1; i < len(data); i++ {
		b := data[i]
		switch b {
		case envVAR, envUSERVAR:
			flush()
			haveVar = true
			continue
		case envVALUE:
			inValue = true
			continue
		case envESC:
			if i+1 == len(data) {
				continue // a dangling ESC escapes nothing
			}
			i++
			b = data[i]
		}
		if !haveVar {
			continue
		}
		if inValue {
			if value.Len() < envMaxValue {
				value.WriteByte(b)
			} else {
				tooLong = true
			}
		} else if name.Len() < envMaxName {
			name.WriteByte(b)
		} else {
			tooLong = true
		}
	}
	flush()
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// parseTTYPE returns the terminal type in a TTYPE IS payload, keeping only
// printable ASCII, or "" when the payload is not an IS reply.
func parseTTYPE(data []byte) string {
	if len(data) < 1 || data[0] != sbIS {
		return ""
	}
	var b strings.Builder
	for _, c := range data[1:] {
		if c > ' ' && c < 0x7f && b.Len() < ttypeMax || c == ' ' && b.Len() > 0 && b.Len() < ttypeMax {
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}

// parseNAWS returns the window size in a NAWS payload (RFC 1073).
func parseNAWS(data []byte) (cols, rows int, ok bool) {
	if len(data) != 4 {
		return 0, 0, false
	}
	return int(data[0])<<8 | int(data[1]), int(data[2])<<8 | int(data[3]), true
}
