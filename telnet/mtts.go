package telnet

// The bits of an MTTS value (MUD Terminal Type Standard): a MUD client
// answers its third TTYPE SEND with "MTTS n", n the sum of the bits of
// what it supports. Conn.MTTS returns n.
const (
	MTTSANSI         = 1    // the common ANSI colour codes
	MTTSVT100        = 2    // VT100 control codes
	MTTSUTF8         = 4    // UTF-8 character encoding
	MTTS256Colors    = 8    // xterm's 256 colours
	MTTSMouse        = 16   // xterm mouse tracking
	MTTSOSCPalette   = 32   // colour palette changes with OSC
	MTTSScreenReader = 64   // a screen reader is in use
	MTTSProxy        = 128  // the client is a proxy between server and user
	MTTSTrueColor    = 256  // 24-bit colour
	MTTSMNES         = 512  // MUD New-Environ Standard
	MTTSMSLP         = 1024 // MUD Server Link Protocol
	MTTSSSL          = 2048 // the connection is encrypted
)
