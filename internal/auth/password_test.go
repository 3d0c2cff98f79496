package auth

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Reference hashes made by other implementations.
const (
	// From the argon2 reference implementation's tests (src/test.c):
	// "password", salt "somesalt", t=2, m=64 MiB, p=1.
	refArgon2 = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	// From glibc's crypt(3) (libxcrypt).
	refBcrypt2a = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" // "U*U"
	refBcrypt2b = "$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm" // "password"
	refBcrypt2y = "$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm" // "password"
)

// cheap returns a Hasher fast enough to call many times in a test.
func cheap() *Hasher { return &Hasher{MemoryKiB: 64, Time: 1} }

func TestHash(t *testing.T) {
	tests := []struct {
		name string
		h    *Hasher
		want string // pattern
	}{
		{"defaults", &Hasher{}, `^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`},
		{"custom", &Hasher{MemoryKiB: 1024, Time: 3, Threads: 2, SaltLen: 32, KeyLen: 16},
			`^\$argon2id\$v=19\$m=1024,t=3,p=2\$[A-Za-z0-9+/]{43}\$[A-Za-z0-9+/]{22}$`},
	}
	ctx := t.Context()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.h.Hash(ctx, "correct horse")
			if err != nil {
				t.Fatalf("Hash() error = %v", err)
			}
			if !regexp.MustCompile(tt.want).MatchString(got) {
				t.Errorf("Hash() = %q; want a match of %s", got, tt.want)
			}
			again, _ := tt.h.Hash(ctx, "correct horse")
			if again == got {
				t.Errorf("Hash() twice = %q both times; want different salts", got)
			}
			ok, rehash, err := tt.h.Verify(ctx, got, "correct horse")
			if !ok || rehash || err != nil {
				t.Errorf("Verify(Hash(p), p) = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
			ok, rehash, err = tt.h.Verify(ctx, got, "correct horsf")
			if ok || rehash || err != nil {
				t.Errorf("Verify(Hash(p), other) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestHashBadParameters(t *testing.T) {
	for _, h := range []*Hasher{
		{MemoryKiB: 1<<20 + 1},
		{Time: 101},
		{Threads: 65},
		{Threads: 4, MemoryKiB: 16},
		{SaltLen: 4},
		{KeyLen: 8},
	} {
		if got, err := h.Hash(t.Context(), "pw"); err == nil || !strings.HasPrefix(err.Error(), "auth: ") {
			t.Errorf("%+v.Hash() = %q, %v; want an auth: error", h.params(), got, err)
		}
	}
}

func TestVerify(t *testing.T) {
	const (
		mal = "malformed"
		unk = "unknown"
	)
	// The Hasher's defaults differ from refArgon2's, so a match asks for
	// a rehash; the same Hasher with refArgon2's parameters does not.
	tests := []struct {
		name           string
		hash, password string
		ok, rehash     bool
		wantErr        string // mal, unk or ""
	}{
		{"argon2id reference", refArgon2, "password", true, true, ""},
		{"argon2id wrong password", refArgon2, "passwore", false, false, ""},
		{"argon2id empty password", refArgon2, "", false, false, ""},
		{"bcrypt 2a", refBcrypt2a, "U*U", true, true, ""},
		{"bcrypt 2a wrong", refBcrypt2a, "U*V", false, false, ""},
		{"bcrypt 2b", refBcrypt2b, "password", true, true, ""},
		{"bcrypt 2y", refBcrypt2y, "password", true, true, ""},
		{"bcrypt 2b wrong", refBcrypt2b, "Password", false, false, ""},

		{"truncated argon2id", refArgon2[:len(refArgon2)-10], "password", false, false, mal},
		{"no key", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ", "password", false, false, mal},
		{"empty key", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$", "password", false, false, mal},
		{"extra field", refArgon2 + "$x", "password", false, false, mal},
		{"prefix only", "$argon2id$", "password", false, false, mal},
		{"no version", "$argon2id$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "password", false, false, mal},
		{"version 16", strings.Replace(refArgon2, "v=19", "v=16", 1), "password", false, false, mal},
		{"padded base64", strings.Replace(refArgon2, "c29tZXNhbHQ", "c29tZXNhbHQ=", 1), "password", false, false, mal},
		{"base64 padding bits", strings.Replace(refArgon2, "c29tZXNhbHQ", "c29tZXNhbHR", 1), "password", false, false, mal},
		{"url base64", strings.Replace(refArgon2, "ArZWb2GRPPc", "ArZWb2GRP_c", 1), "password", false, false, mal},
		{"parameters out of order", strings.Replace(refArgon2, "m=65536,t=2", "t=2,m=65536", 1), "password", false, false, mal},
		{"leading zero", strings.Replace(refArgon2, "t=2", "t=02", 1), "password", false, false, mal},
		{"sign", strings.Replace(refArgon2, "t=2", "t=+2", 1), "password", false, false, mal},
		{"keyid", strings.Replace(refArgon2, "p=1", "p=1,keyid=AA", 1), "password", false, false, mal},
		{"memory over 1 GiB", strings.Replace(refArgon2, "m=65536", "m=1048577", 1), "password", false, false, mal},
		{"memory overflows", strings.Replace(refArgon2, "m=65536", "m=4294967296", 1), "password", false, false, mal},
		{"memory under 8p", strings.Replace(refArgon2, "m=65536,t=2,p=1", "m=16,t=2,p=4", 1), "password", false, false, mal},
		{"time over 100", strings.Replace(refArgon2, "t=2", "t=101", 1), "password", false, false, mal},
		{"time 0", strings.Replace(refArgon2, "t=2", "t=0", 1), "password", false, false, mal},
		{"threads 0", strings.Replace(refArgon2, "p=1", "p=0", 1), "password", false, false, mal},
		{"threads over 64", strings.Replace(refArgon2, "p=1", "p=65", 1), "password", false, false, mal},
		{"threads over 255", strings.Replace(refArgon2, "p=1", "p=256", 1), "password", false, false, mal},
		{"short salt", strings.Replace(refArgon2, "c29tZXNhbHQ", "c29tZQ", 1), "password", false, false, mal},
		{"short key", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMa", "password", false, false, mal},
		{"bcrypt cost 17", strings.Replace(refBcrypt2b, "$04$", "$17$", 1), "password", false, false, mal},
		{"bcrypt cost 03", strings.Replace(refBcrypt2b, "$04$", "$03$", 1), "password", false, false, mal},
		{"bcrypt cost sign", strings.Replace(refBcrypt2b, "$04$", "$+4$", 1), "password", false, false, mal},
		{"bcrypt truncated", refBcrypt2b[:59], "password", false, false, mal},
		{"bcrypt too long", refBcrypt2b + "x", "password", false, false, mal},
		{"bcrypt bad character", strings.Replace(refBcrypt2b, "hE8", "h*8", 1), "password", false, false, mal},

		{"empty hash", "", "", false, false, unk},
		{"plaintext", "hunter2", "hunter2", false, false, unk},
		{"argon2i", strings.Replace(refArgon2, "argon2id", "argon2i", 1), "password", false, false, unk},
		{"scrypt", "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", "password", false, false, unk},
		{"bcrypt 2x", strings.Replace(refBcrypt2b, "$2b$", "$2x$", 1), "password", false, false, unk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := (&Hasher{}).Verify(t.Context(), tt.hash, tt.password)
			if ok != tt.ok || rehash != tt.rehash {
				t.Errorf("Verify(%q, %q) = %v, %v, %v; want %v, %v", tt.hash, tt.password, ok, rehash, err, tt.ok, tt.rehash)
			}
			switch tt.wantErr {
			case "":
				if err != nil {
					t.Errorf("Verify(%q, %q) error = %v; want nil", tt.hash, tt.password, err)
				}
			case mal:
				if !errors.Is(err, ErrMalformedHash) {
					t.Errorf("Verify(%q, %q) error = %v; want ErrMalformedHash", tt.hash, tt.password, err)
				}
			case unk:
				if !errors.Is(err, ErrUnknownHash) {
					t.Errorf("Verify(%q, %q) error = %v; want ErrUnknownHash", tt.hash, tt.password, err)
				}
			}
			// A "hash" may be a plaintext password from an old database.
			if err != nil && tt.hash != "" && strings.Contains(err.Error(), tt.hash) {
				t.Errorf("Verify(%q, %q) error = %v; want it not to quote the hash", tt.hash, tt.password, err)
			}
		})
	}
}

func TestVerifyRehash(t *testing.T) {
	ref := &Hasher{MemoryKiB: 65536, Time: 2, Threads: 1, SaltLen: 8, KeyLen: 32}
	tests := []struct {
		name string
		h    *Hasher
		hash string
		pw   string
		want bool
	}{
		{"same parameters", ref, refArgon2, "password", false},
		{"more memory", &Hasher{MemoryKiB: 131072, Time: 2, SaltLen: 8}, refArgon2, "password", true},
		{"another time", &Hasher{MemoryKiB: 65536, Time: 3, SaltLen: 8}, refArgon2, "password", true},
		{"another salt length", &Hasher{MemoryKiB: 65536, Time: 2}, refArgon2, "password", true},
		{"bcrypt", ref, refBcrypt2b, "password", true},
		{"bcrypt, wrong password", ref, refBcrypt2b, "wrong", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rehash, err := tt.h.Verify(t.Context(), tt.hash, tt.pw)
			if rehash != tt.want || err != nil {
				t.Errorf("%+v.Verify(%q) rehash = %v, %v; want %v, nil", tt.h.params(), tt.hash, rehash, err, tt.want)
			}
		})
	}
}

// TestConcurrencyLimit checks that Hash and Verify together never run
// more than MaxConcurrent hashes, and that waiting calls proceed as slots
// free up.
func TestConcurrencyLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := cheap()
		h.MaxConcurrent = 2
		stored, err := h.Hash(t.Context(), "pw")
		if err != nil {
			t.Fatal(err)
		}
		var (
			mu           sync.Mutex
			active, peak int
		)
		proceed := make(chan struct{})
		h.hook = func(delta int) {
			mu.Lock()
			active += delta
			peak = max(peak, active)
			mu.Unlock()
			if delta > 0 {
				<-proceed
			}
		}
		inside := func() int {
			mu.Lock()
			defer mu.Unlock()
			return active
		}

		const n = 9
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if i%2 == 0 {
					if _, err := h.Hash(t.Context(), "pw"); err != nil {
						t.Error(err)
					}
				} else if ok, _, err := h.Verify(t.Context(), stored, "pw"); !ok || err != nil {
					t.Errorf("Verify(stored, pw) = %v, %v; want true, nil", ok, err)
				}
			})
		}
		for left := n; left > 0; left-- {
			synctest.Wait()
			if got, want := inside(), min(left, 2); got != want {
				t.Fatalf("with %d calls left, %d hashes hold a slot; want %d", left, got, want)
			}
			proceed <- struct{}{}
		}
		wg.Wait()
		if peak != 2 {
			t.Errorf("peak concurrent hashes = %d; want 2", peak)
		}
	})
}

func TestWaitRespectsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := cheap()
		h.MaxConcurrent = 1
		hold := make(chan struct{})
		var entered atomic.Int32
		h.hook = func(delta int) {
			if delta > 0 && entered.Add(1) == 1 {
				<-hold
			}
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := h.Hash(context.Background(), "pw"); err != nil {
				t.Error(err)
			}
		}()
		synctest.Wait() // the first Hash holds the only slot

		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		if _, err := h.Hash(ctx, "pw"); err != context.DeadlineExceeded {
			t.Errorf("Hash(ctx with deadline) error = %v; want %v", err, context.DeadlineExceeded)
		}
		if waited := time.Since(start); waited != time.Minute {
			t.Errorf("Hash(ctx with deadline) waited %v; want %v", waited, time.Minute)
		}

		ctx, cancel = context.WithCancel(t.Context())
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		if _, _, err := h.Verify(ctx, refArgon2, "password"); err != context.Canceled {
			t.Errorf("Verify(cancelled ctx) error = %v; want %v", err, context.Canceled)
		}

		close(hold)
		<-done
		// An ended context starts no hash, even with a free slot.
		if _, err := h.Hash(ctx, "pw"); err != context.Canceled {
			t.Errorf("Hash(ended ctx) error = %v; want %v", err, context.Canceled)
		}
		if n := entered.Load(); n != 1 {
			t.Errorf("%d hashes started; want 1", n)
		}
	})
}

func TestScheme(t *testing.T) {
	tests := []struct{ in, want string }{
		{"$scrypt$ln=16", "$scrypt$"},
		{"$argon2i$v=19", "$argon2i$"},
		{"hunter2", "no $scheme$ prefix"},
		{"$hunter2", "no $scheme$ prefix"},
		{"$my secret$x", "no $scheme$ prefix"},
		{"$averyveryverylongschemename$x", "no $scheme$ prefix"},
		{"", "no $scheme$ prefix"},
	}
	for _, tt := range tests {
		if got := scheme(tt.in); got != tt.want {
			t.Errorf("scheme(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzVerify(f *testing.F) {
	h := cheap()
	// Keep every run fast: refuse stored hashes costlier than a
	// millisecond or so instead of the production bounds.
	h.lim = limits{memoryKiB: 256, time: 2, bcryptCost: 5}
	own, err := h.Hash(context.Background(), "pw")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []struct{ hash, pw string }{
		{own, "pw"},
		{own, "px"},
		{refArgon2, "password"},
		{strings.Replace(refArgon2, "m=65536", "m=128", 1), "password"},
		{refBcrypt2a, "U*U"},
		{refBcrypt2b, "password"},
		{refBcrypt2y, "wrong"},
		{own[:len(own)/2], "pw"},
		{refBcrypt2b[:30], "password"},
		{"$argon2id$v=19$m=,t=,p=$$", ""},
		{"$2b$99$", ""},
		{"$$$$", "\x00"},
		{"garbage", "garbage"},
		{"", ""},
	} {
		f.Add(seed.hash, seed.pw)
	}
	f.Fuzz(func(t *testing.T, hash, pw string) {
		ok, rehash, err := h.Verify(context.Background(), hash, pw)
		if err != nil && (ok || rehash) {
			t.Errorf("Verify(%q, %q) = %v, %v, %v; want false, false with an error", hash, pw, ok, rehash, err)
		}
		if rehash && !ok {
			t.Errorf("Verify(%q, %q) = %v, %v; want no rehash without a match", hash, pw, ok, rehash)
		}
		if err != nil && !errors.Is(err, ErrMalformedHash) && !errors.Is(err, ErrUnknownHash) {
			t.Errorf("Verify(%q, %q) error = %v; want ErrMalformedHash or ErrUnknownHash", hash, pw, err)
		}
	})
}

func BenchmarkHash(b *testing.B) {
	var h Hasher
	ctx := b.Context()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	var h Hasher
	ctx := b.Context()
	stored, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _, err := h.Verify(ctx, stored, "correct horse battery staple"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
