package term

import "testing"

func TestSendSize(t *testing.T) {
	a, b, c := Size{Cols: 80, Rows: 24}, Size{Cols: 132, Rows: 50}, Size{Cols: 100, Rows: 30}
	tests := []struct {
		name  string
		sends []Size
		want  Size
	}{
		{"one", []Size{a}, a},
		{"newest kept", []Size{a, b}, b},
		{"many unread", []Size{a, b, c, a, c}, c},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := make(chan Size, 1)
			for _, s := range tt.sends {
				SendSize(ch, s) // would block forever if it did not replace
			}
			if got := <-ch; got != tt.want {
				t.Errorf("after SendSize(%v): got %v; want %v", tt.sends, got, tt.want)
			}
			select {
			case s := <-ch:
				t.Errorf("a second size waits: %v", s)
			default:
			}
		})
	}
}
