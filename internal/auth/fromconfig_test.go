package auth

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/config"
)

// TestConfigDefaultsAgree: config.Default() and the zero values of this
// package's types describe the same defaults, so a board with no
// configuration file behaves as documented here.
func TestConfigDefaultsAgree(t *testing.T) {
	def := config.Default()

	fromCfg := mustValidator(t, RulesFromConfig(def.Accounts)).Rules()
	zero := mustValidator(t, Rules{}).Rules()
	if !reflect.DeepEqual(fromCfg, zero) {
		t.Errorf("RulesFromConfig(Default().Accounts) gives %+v; want %+v", fromCfg, zero)
	}

	if got, want := HasherFromConfig(def.Accounts).params(), (&Hasher{}).params(); got != want {
		t.Errorf("HasherFromConfig(Default().Accounts) params = %+v; want %+v", got, want)
	}

	got, err := BanConfigFromConfig(def.Ban).withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := BanConfig{}.withDefaults()
	got.Now, want.Now = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BanConfigFromConfig(Default().Ban) gives %+v; want %+v", got, want)
	}
}

func TestFromConfig(t *testing.T) {
	acc := config.Accounts{
		HandleMin: 2, HandleMax: 30,
		HandlePattern:   `[a-z ]+`,
		Reserved:        []string{},
		PasswordMin:     12,
		Argon2MemoryKiB: 65536, Argon2Time: 3, Argon2Threads: 4,
	}
	r := RulesFromConfig(acc)
	if r.HandleMin != 2 || r.HandleMax != 30 || r.HandlePattern != `[a-z ]+` || r.Reserved == nil || len(r.Reserved) != 0 || r.PasswordMin != 12 {
		t.Errorf("RulesFromConfig(%+v) = %+v", acc, r)
	}
	if got, want := HasherFromConfig(acc).params(), (params{65536, 3, 4, DefaultSaltLen, DefaultKeyLen}); got != want {
		t.Errorf("HasherFromConfig(%+v) params = %+v; want %+v", acc, got, want)
	}

	ban := config.Ban{
		MaxFailures: 5,
		Window:      config.Duration(time.Minute),
		BanTime:     config.Duration(time.Hour),
		Increment:   0,
		MaxBanTime:  config.Duration(48 * time.Hour),
		Allow:       []string{"127.0.0.1", "::1", "10.0.0.0/8"},
		Deny:        []string{"192.0.2.7/24"},
	}
	bc := BanConfigFromConfig(ban)
	wantBC := BanConfig{
		MaxFailures: 5,
		Window:      time.Minute,
		BanTime:     time.Hour,
		Increment:   -time.Nanosecond,
		MaxBanTime:  48 * time.Hour,
		Allow: []netip.Prefix{
			netip.MustParsePrefix("127.0.0.1/32"),
			netip.MustParsePrefix("::1/128"),
			netip.MustParsePrefix("10.0.0.0/8"),
		},
		Deny: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")},
	}
	if !reflect.DeepEqual(bc, wantBC) {
		t.Errorf("BanConfigFromConfig(%+v) = %+v; want %+v", ban, bc, wantBC)
	}
	// An increment of 0 in the file means every ban lasts ban_time.
	bn := newBanner(t, bc, nil)
	if got := bn.banTime(5); got != time.Hour {
		t.Errorf("with increment 0, banTime(5) = %v; want %v", got, time.Hour)
	}
}
