package telnet

import "strconv"

// Telnet command bytes (RFC 854, RFC 885, RFC 1184).
const (
	EOF   byte = 236 // end of file (RFC 1184)
	SUSP  byte = 237 // suspend process (RFC 1184)
	ABORT byte = 238 // abort process (RFC 1184)
	EOR   byte = 239 // end of record (RFC 885)
	SE    byte = 240 // end of subnegotiation
	NOP   byte = 241 // no operation
	DM    byte = 242 // data mark
	BRK   byte = 243 // break
	IP    byte = 244 // interrupt process
	AO    byte = 245 // abort output
	AYT   byte = 246 // are you there
	EC    byte = 247 // erase character
	EL    byte = 248 // erase line
	GA    byte = 249 // go ahead
	SB    byte = 250 // begin subnegotiation
	WILL  byte = 251
	WONT  byte = 252
	DO    byte = 253
	DONT  byte = 254
	IAC   byte = 255 // interpret as command
)

// Option codes used by x84.
const (
	OptBinary     byte = 0  // RFC 856
	OptEcho       byte = 1  // RFC 857
	OptSGA        byte = 3  // suppress go-ahead, RFC 858
	OptStatus     byte = 5  // RFC 859
	OptTimingMark byte = 6  // RFC 860
	OptTTYPE      byte = 24 // terminal type, RFC 1091
	OptEOR        byte = 25 // RFC 885
	OptNAWS       byte = 31 // window size, RFC 1073
	OptTSPEED     byte = 32 // terminal speed, RFC 1079
	OptLFLOW      byte = 33 // remote flow control, RFC 1372
	OptLinemode   byte = 34 // RFC 1184
	OptXDISPLOC   byte = 35 // X display location, RFC 1096
	OptEnviron    byte = 36 // old environment, RFC 1408
	OptNewEnviron byte = 39 // RFC 1572
	OptCharset    byte = 42 // RFC 2066
)

// Subnegotiation verbs of TTYPE (RFC 1091) and NEW-ENVIRON (RFC 1572).
const (
	sbIS   byte = 0
	sbSEND byte = 1
	sbINFO byte = 2
)

// NEW-ENVIRON type bytes (RFC 1572).
const (
	envVAR     byte = 0
	envVALUE   byte = 1
	envESC     byte = 2
	envUSERVAR byte = 3
)

var commandNames = map[byte]string{
	EOF: "EOF", SUSP: "SUSP", ABORT: "ABORT", EOR: "EOR", SE: "SE", NOP: "NOP",
	DM: "DM", BRK: "BRK", IP: "IP", AO: "AO", AYT: "AYT", EC: "EC", EL: "EL",
	GA: "GA", SB: "SB", WILL: "WILL", WONT: "WONT", DO: "DO", DONT: "DONT", IAC: "IAC",
}

var optionNames = map[byte]string{
	OptBinary: "BINARY", OptEcho: "ECHO", OptSGA: "SGA", OptStatus: "STATUS",
	OptTimingMark: "TIMING-MARK", OptTTYPE: "TTYPE", OptEOR: "EOR", OptNAWS: "NAWS",
	OptTSPEED: "TSPEED", OptLFLOW: "LFLOW", OptLinemode: "LINEMODE",
	OptXDISPLOC: "XDISPLOC", OptEnviron: "ENVIRON", OptNewEnviron: "NEW-ENVIRON",
	OptCharset: "CHARSET",
}

// CommandName returns the RFC name of a command byte, or its number.
func CommandName(c byte) string {
	if n, ok := commandNames[c]; ok {
		return n
	}
	return strconv.Itoa(int(c))
}

// OptionName returns the RFC name of an option, or its number.
func OptionName(o byte) string {
	if n, ok := optionNames[o]; ok {
		return n
	}
	return strconv.Itoa(int(o))
}
