package art

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// ErrBadSAUCE reports a SAUCE record that is present but damaged.
var ErrBadSAUCE = errors.New("art: damaged SAUCE record")

// SAUCE data and file types x84 knows (SAUCE 00.5).
const (
	DataTypeNone      uint8 = 0
	DataTypeCharacter uint8 = 1
	FileTypeANSI      uint8 = 1 // with DataTypeCharacter
)

// Layout of a SAUCE record and its comment block.
const (
	sauceLen   = 128
	sauceID    = "SAUCE00"
	comntID    = "COMNT"
	comntLine  = 64
	eofByte    = 0x1a
	dateLayout = "20060102"
)

// SAUCE is the metadata record an ANSI editor appends to a file.
type SAUCE struct {
	Title, Author, Group string
	Date                 time.Time // zero when absent or invalid
	DataType, FileType   uint8
	// Width and Height are TInfo1 and TInfo2 of a character file
	// (columns and lines); zero for other data types.
	Width, Height int
	Flags         uint8 // TFlags as stored
	// ICEColors is flag bit 0 of a character or binary-text file: blink
	// means a bright background.
	ICEColors bool
	Font      string // TInfoS, such as "IBM VGA"
	Comments  []string
}

// Split separates data into the art's body and its SAUCE record. The body
// excludes the record, its COMNT block and the EOF byte (0x1A) before
// them; a file without a record loses only a final EOF byte. s is nil when
// there is no record. A damaged record (a comment count with no matching
// block, or a record cut short) is an error wrapping ErrBadSAUCE.
func Split(data []byte) (body []byte, s *SAUCE, err error) {
	n := len(data)
	if n < sauceLen || string(data[n-sauceLen:n-sauceLen+len(sauceID)]) != sauceID {
		// A record that starts inside the last 128 bytes was cut short.
		if bytes.Contains(data[max(0, n-sauceLen+1):], []byte(sauceID)) {
			return nil, nil, fmt.Errorf("%w: record truncated", ErrBadSAUCE)
		}
		return trimEOF(data), nil, nil
	}
	rec := data[n-sauceLen:]
	s = decodeRecord(rec)
	end := n - sauceLen
	if lines := int(rec[104]); lines > 0 {
		size := len(comntID) + lines*comntLine
		if end < size || string(data[end-size:end-size+len(comntID)]) != comntID {
			return nil, nil, fmt.Errorf("%w: %d comment lines but no COMNT block", ErrBadSAUCE, lines)
		}
		block := data[end-size+len(comntID) : end]
		s.Comments = make([]string, lines)
		for i := range s.Comments {
			s.Comments[i] = decodeField(block[i*comntLine:(i+1)*comntLine], false)
		}
		end -= size
	}
	return trimEOF(data[:end]), s, nil
}

// trimEOF drops one final EOF byte.
func trimEOF(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == eofByte {
		return b[:len(b)-1]
	}
	return b
}

// decodeRecord reads the fixed fields of a 128-byte record.
func decodeRecord(rec []byte) *SAUCE {
	s := &SAUCE{
		Title:    decodeField(rec[7:42], true),
		Author:   decodeField(rec[42:62], true),
		Group:    decodeField(rec[62:82], true),
		DataType: rec[94],
		FileType: rec[95],
		Flags:    rec[105],
	}
	if d, err := time.Parse(dateLayout, decodeField(rec[82:90], true)); err == nil {
		s.Date = d
	}
	switch s.DataType {
	case DataTypeCharacter:
		s.Width = int(binary.LittleEndian.Uint16(rec[96:]))
		s.Height = int(binary.LittleEndian.Uint16(rec[98:]))
		fallthrough
	case 5: // binary text: flags and font, but its width is in FileType
		s.ICEColors = s.Flags&1 != 0
		s.Font = decodeField(rec[106:128], true)
	}
	return s
}

// decodeField turns a padded CP437 field into UTF-8. Writers pad with
// spaces or NULs and some leave junk after a NUL, so the field ends at the
// first NUL. Control bytes become their glyphs so no field can carry an
// escape sequence.
func decodeField(b []byte, trimLeft bool) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimRight(b, " ")
	if trimLeft {
		b = bytes.TrimLeft(b, " ")
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		sb.WriteRune(term.CP437Glyph(c))
	}
	return sb.String()
}

// Join is the inverse of Split: it returns body followed by the EOF byte,
// the COMNT block and the SAUCE record describing s. Width and Height are
// written as TInfo1 and TInfo2, and ICEColors decides flag bit 0. A field
// too long for the record or with a character CP437 lacks is an error. A
// nil s gives a copy of body.
func Join(body []byte, s *SAUCE) ([]byte, error) {
	out := append([]byte(nil), body...)
	if s == nil {
		return out, nil
	}
	if len(s.Comments) > 255 {
		return nil, fmt.Errorf("art: %d SAUCE comment lines; at most 255 fit", len(s.Comments))
	}
	if s.Width < 0 || s.Width > 0xffff || s.Height < 0 || s.Height > 0xffff {
		return nil, fmt.Errorf("art: SAUCE size %dx%d does not fit", s.Width, s.Height)
	}
	out = append(out, eofByte)
	if len(s.Comments) > 0 {
		out = append(out, comntID...)
		for _, c := range s.Comments {
			var err error
			if out, err = appendField(out, "comment", c, comntLine, ' '); err != nil {
				return nil, err
			}
		}
	}
	date := ""
	if !s.Date.IsZero() {
		date = s.Date.Format(dateLayout)
	}
	out = append(out, sauceID...)
	for _, f := range []struct {
		name, value string
		size        int
	}{{"title", s.Title, 35}, {"author", s.Author, 20}, {"group", s.Group, 20}, {"date", date, 8}} {
		var err error
		if out, err = appendField(out, f.name, f.value, f.size, ' '); err != nil {
			return nil, err
		}
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(min(len(body), 0xffffffff)))
	out = append(out, s.DataType, s.FileType)
	out = binary.LittleEndian.AppendUint16(out, uint16(s.Width))
	out = binary.LittleEndian.AppendUint16(out, uint16(s.Height))
	out = append(out, 0, 0, 0, 0, byte(len(s.Comments)))
	flags := s.Flags &^ 1
	if s.ICEColors {
		flags |= 1
	}
	out = append(out, flags)
	return appendField(out, "font", s.Font, 22, 0)
}

// appendField appends v in CP437, padded with pad to size bytes.
func appendField(dst []byte, name, v string, size int, pad byte) ([]byte, error) {
	start := len(dst)
	for _, r := range v {
		b, ok := encodeRune(r)
		if !ok {
			return nil, fmt.Errorf("art: SAUCE %s %q: %q is not in CP437", name, v, r)
		}
		dst = append(dst, b)
	}
	if len(dst)-start > size {
		return nil, fmt.Errorf("art: SAUCE %s %q is longer than %d characters", name, v, size)
	}
	for len(dst)-start < size {
		dst = append(dst, pad)
	}
	return dst, nil
}

// encodeRune returns the CP437 byte that shows r, for text fields: printable
// ASCII or a character of the upper half.
func encodeRune(r rune) (byte, bool) {
	if r >= ' ' && r < 0x7f {
		return byte(r), true
	}
	if r >= utf8.RuneSelf {
		for b := 0x80; b <= 0xff; b++ {
			if term.DecodeCP437(byte(b)) == r {
				return byte(b), true
			}
		}
	}
	return 0, false
}
