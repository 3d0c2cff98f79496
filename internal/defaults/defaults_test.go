package defaults

import (
	"testing"
	"time"
)

func TestPositive(t *testing.T) {
	tests := []struct{ in, def, want int }{
		{0, 20, 20},
		{-5, 20, 20},
		{1, 20, 1},
		{99, 20, 99},
	}
	for _, tt := range tests {
		v := tt.in
		if Positive(&v, tt.def); v != tt.want {
			t.Errorf("Positive(%d, %d) gave %d; want %d", tt.in, tt.def, v, tt.want)
		}
	}
	d := time.Duration(0)
	if Positive(&d, time.Minute); d != time.Minute {
		t.Errorf("Positive on a zero Duration gave %v; want 1m", d)
	}
}
