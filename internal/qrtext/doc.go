// Package qrtext draws QR codes with text characters, for showing an
// authenticator app's otpauth:// URL on a terminal.
//
// Each character cell holds two modules, one above the other, drawn with
// the half blocks ▀ ▄ and the full block █ (all three in CP437 too, as
// 0xDF, 0xDC and 0xDB, so a CP437 session's encoder passes them on). The
// characters draw the light modules: the caller writes them in a light
// foreground colour on a dark background, so that the code is dark on
// light, as cameras read it, whatever the terminal's own colours. The
// quiet zone of four light modules the standard asks for is included.
//
// The modules come from github.com/boombuler/barcode/qr, with error
// correction level L: the smallest code, which a sharp screen can afford.
//
// Concurrency: the functions keep no state.
package qrtext
