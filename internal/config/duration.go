package config

import (
	"fmt"
	"strings"
	"time"
)

// Duration is a time.Duration written in TOML as a string that
// time.ParseDuration accepts, such as "30m", "1.5s" or "0". Negative
// durations are an error.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats d as time.Duration does, without the zero minutes and
// seconds it adds to whole hours and minutes: "1h", "30m", "1.5s".
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := parseDuration(string(text))
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	*d = v
	return nil
}

// parseDuration is UnmarshalText without the package prefix, which the
// decoder's errors already carry.
func parseDuration(s string) (Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf(`invalid duration %q; want a number and a unit such as "30m" or "1.5s"`, s)
	}
	if v < 0 {
		return 0, fmt.Errorf("duration must not be negative (got %q)", s)
	}
	return Duration(v), nil
}
