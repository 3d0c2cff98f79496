package qrtext

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"slices"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// QuietZone is the light border around a code, in modules.
const QuietZone = 4

// The characters of a cell: which of its two modules are light.
const (
	bothLight   = '█'
	topLight    = '▀'
	bottomLight = '▄'
	bothDark    = ' '
)

// Matrix is a QR code's modules, without the quiet zone: Matrix[y][x] is
// true for a dark module.
type Matrix [][]bool

// Encode returns the QR code of content.
func Encode(content string) (Matrix, error) {
	code, err := qr.Encode(content, qr.L, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("qrtext: %w", err)
	}
	n := code.Bounds().Dx()
	m := make(Matrix, n)
	for y := range m {
		m[y] = make([]bool, n)
		for x := range m[y] {
			r, _, _, _ := code.At(x, y).RGBA()
			m[y][x] = r < 0x8000
		}
	}
	return m, nil
}

// Size returns the columns and rows Lines of a code of n modules a side
// takes, with the quiet zone.
func Size(n int) (cols, rows int) {
	side := n + 2*QuietZone
	return side, (side + 1) / 2
}

// Lines draws m with its quiet zone as lines of half blocks, top to
// bottom, all as wide as each other. The half row below an odd last row
// is left dark: it is outside the code.
func Lines(m Matrix) []string {
	cols, rows := Size(len(m))
	light := func(x, y int) bool {
		x, y = x-QuietZone, y-QuietZone
		if y >= len(m)+QuietZone {
			return false // below the quiet zone
		}
		return x < 0 || y < 0 || x >= len(m) || y >= len(m) || !m[y][x]
	}
	lines := make([]string, rows)
	var b strings.Builder
	for row := range lines {
		b.Reset()
		for x := range cols {
			top, bottom := light(x, 2*row), light(x, 2*row+1)
			switch {
			case top && bottom:
				b.WriteRune(bothLight)
			case top:
				b.WriteRune(topLight)
			case bottom:
				b.WriteRune(bottomLight)
			default:
				b.WriteRune(bothDark)
			}
		}
		lines[row] = b.String()
	}
	return lines
}

// ErrNotDrawn means lines given to Read are not a drawing of Lines.
var ErrNotDrawn = errors.New("qrtext: not a QR code drawn by Lines")

// Read turns lines drawn by Lines back into the matrix, quiet zone
// removed, checking that the quiet zone is light: Lines's inverse, for
// tests and for reading a code off a screen.
func Read(lines []string) (Matrix, error) {
	if len(lines) == 0 {
		return nil, ErrNotDrawn
	}
	cols := len([]rune(lines[0]))
	n := cols - 2*QuietZone
	if n <= 0 || len(lines) != (cols+1)/2 {
		return nil, ErrNotDrawn
	}
	light := make([][]bool, 2*len(lines))
	for i := range light {
		light[i] = make([]bool, cols)
	}
	for row, line := range lines {
		r := []rune(line)
		if len(r) != cols {
			return nil, ErrNotDrawn
		}
		for x, c := range r {
			switch c {
			case bothLight:
				light[2*row][x], light[2*row+1][x] = true, true
			case topLight:
				light[2*row][x] = true
			case bottomLight:
				light[2*row+1][x] = true
			case bothDark:
			default:
				return nil, ErrNotDrawn
			}
		}
	}
	if len(light) > cols && slices.Contains(light[cols], true) {
		return nil, ErrNotDrawn // the half row below the code is not dark
	}
	m := make(Matrix, n)
	for y := range cols {
		for x := range cols {
			inCode := x >= QuietZone && y >= QuietZone && x < QuietZone+n && y < QuietZone+n
			if !inCode && !light[y][x] {
				return nil, ErrNotDrawn // the quiet zone is dark here
			}
			if inCode {
				if m[y-QuietZone] == nil {
					m[y-QuietZone] = make([]bool, n)
				}
				m[y-QuietZone][x-QuietZone] = !light[y][x]
			}
		}
	}
	return m, nil
}

// Image paints m with its quiet zone, scale pixels a module, black on
// white: for a QR reader, or a page that shows the code as a picture.
func Image(m Matrix, scale int) *image.Gray {
	scale = max(scale, 1)
	side := (len(m) + 2*QuietZone) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range m {
		for x, dark := range row {
			if !dark {
				continue
			}
			for py := range scale {
				for px := range scale {
					img.SetGray((QuietZone+x)*scale+px, (QuietZone+y)*scale+py, color.Gray{})
				}
			}
		}
	}
	return img
}
