package auth

import (
	"time"

	"github.com/x84bbs/x84/internal/config"
)

// The converters live here, not in package config, so that config imports
// nothing of x84's and any package may import it.

// RulesFromConfig returns the account rules of the [accounts] section.
// Limits the section does not set (password, name, location and e-mail
// maxima) keep Rules' defaults.
func RulesFromConfig(a config.Accounts) Rules {
	return Rules{
		HandleMin:     a.HandleMin,
		HandleMax:     a.HandleMax,
		HandlePattern: a.HandlePattern,
		Reserved:      a.Reserved,
		PasswordMin:   a.PasswordMin,
	}
}

// HasherFromConfig returns a Hasher with the [accounts] section's argon2id
// parameters, which config has checked to be in range.
func HasherFromConfig(a config.Accounts) *Hasher {
	return &Hasher{
		MemoryKiB: uint32(a.Argon2MemoryKiB),
		Time:      uint32(a.Argon2Time),
		Threads:   uint8(a.Argon2Threads),
	}
}

// BanConfigFromConfig returns the [ban] section as a BanConfig. An
// increment of 0, which in the file means "every ban lasts ban_time",
// becomes a negative Increment, since 0 there means the default.
func BanConfigFromConfig(b config.Ban) BanConfig {
	inc := b.Increment.D()
	if inc == 0 {
		inc = -time.Nanosecond
	}
	return BanConfig{
		MaxFailures: b.MaxFailures,
		Window:      b.Window.D(),
		BanTime:     b.BanTime.D(),
		Increment:   inc,
		MaxBanTime:  b.MaxBanTime.D(),
		Allow:       b.AllowPrefixes(),
		Deny:        b.DenyPrefixes(),
	}
}
