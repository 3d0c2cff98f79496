package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// testTimes checks that every time field comes back in UTC, equal to
// what was stored at millisecond precision.
func testTimes(t *testing.T, s *store.Store) {
	ctx := t.Context()
	tests := []struct {
		name string
		t    time.Time
	}{
		{"utc-nanoseconds", time.Date(2024, time.March, 9, 21, 30, 15, 123456789, time.UTC)},
		{"east", base()},
		{"west-half-hour", time.Date(2023, time.November, 5, 1, 59, 59, 999999999, time.FixedZone("NST", -(3*3600+1800)))},
		{"local", time.Date(2025, time.July, 14, 12, 0, 0, 500000000, time.Local)},
		{"monotonic", time.Now()},
		{"whole-second", time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC)},
		{"bbs-era", time.Date(1989, time.June, 2, 3, 4, 5, 6000000, time.UTC)},
		{"after-2038", time.Date(2100, time.December, 31, 23, 59, 59, 1000000, time.UTC)},
	}
	for i, tt := range tests {
		h := fmt.Sprintf("time%d", i)
		u := newUser(h)
		u.Created = tt.t
		u.LastCall = tt.t
		create(t, s, u)
		got := get(t, s, h)
		if !sameTime(got.Created, tt.t) || !sameTime(got.LastCall, tt.t) {
			t.Errorf("%s: User(%q).Created, LastCall = %v, %v; want %v", tt.name, h, got.Created, got.LastCall, stored(tt.t))
		}

		c := record(t, s, h, "telnet", tt.t)
		if !sameTime(c.At, tt.t) {
			t.Errorf("%s: RecordCall(%q, %v).At = %v; want %v", tt.name, h, tt.t, c.At, stored(tt.t))
		}
		if got := get(t, s, h).LastCall; !sameTime(got, tt.t) {
			t.Errorf("%s: User(%q).LastCall after RecordCall = %v; want %v", tt.name, h, got, stored(tt.t))
		}

		o := addOneliner(t, s, h, "when", tt.t)
		if got, err := s.Oneliners.LastOnelinerBy(ctx, h); err != nil || !sameTime(got, tt.t) {
			t.Errorf("%s: LastOnelinerBy(%q) = %v, %v; want %v, nil", tt.name, h, got, err, stored(tt.t))
		}

		putBan(t, s, store.Ban{Prefix: h, Until: tt.t, Created: tt.t})
		var found bool
		for _, b := range bans(t, s) {
			if b.Prefix == h {
				found = true
				if !sameTime(b.Until, tt.t) || !sameTime(b.Created, tt.t) {
					t.Errorf("%s: Bans()[%q].Until, Created = %v, %v; want %v", tt.name, h, b.Until, b.Created, stored(tt.t))
				}
			}
		}
		if !found {
			t.Errorf("%s: Bans() lacks %q", tt.name, h)
		}

		k := addKey(t, s, newKey(h, h, tt.t))
		if got := keys(t, s, h); len(got) != 1 || !sameTime(got[0].Added, tt.t) {
			t.Errorf("%s: Keys(%q) = %+v; want one key added at %v", tt.name, h, got, stored(tt.t))
		} else if got[0].ID != k.ID {
			t.Errorf("%s: Keys(%q)[0].ID = %d; want %d", tt.name, h, got[0].ID, k.ID)
		}

		putUpload(t, s, store.Upload{Path: h, Owner: h, Size: 1, Uploaded: tt.t})
		if got := upload(t, s, h).Uploaded; !sameTime(got, tt.t) {
			t.Errorf("%s: Upload(%q).Uploaded = %v; want %v", tt.name, h, got, stored(tt.t))
		}

		m := post(t, s, public("times", h, h, tt.t))
		if got := message(t, s, m.ID).Created; !sameTime(got, tt.t) {
			t.Errorf("%s: Message(%d).Created = %v; want %v", tt.name, m.ID, got, stored(tt.t))
		}
		mail := post(t, s, letter(h, h, h, tt.t))
		if got := listMessages(t, s, store.MessageQuery{To: h}); len(got) != 1 || !sameTime(got[0].Created, tt.t) {
			t.Errorf("%s: ListMessages(to %q) = %+v; want message %d created at %v", tt.name, h, got, mail.ID, stored(tt.t))
		}

		p := createPoll(t, s, newPoll(h, 2, h, tt.t))
		if got, err := s.Polls.Poll(ctx, p.ID); err != nil || !sameTime(got.Created, tt.t) {
			t.Errorf("%s: Poll(%d) = %+v, %v; want Created %v", tt.name, p.ID, got, err, stored(tt.t))
		}

		var listed bool
		for _, x := range oneliners(t, s, len(tests)+1) {
			if x.ID == o.ID {
				listed = true
				if !sameTime(x.Posted, tt.t) {
					t.Errorf("%s: Oneliners()[%d].Posted = %v; want %v", tt.name, o.ID, x.Posted, stored(tt.t))
				}
			}
		}
		if !listed {
			t.Errorf("%s: Oneliners() lacks one-liner %d", tt.name, o.ID)
		}
		for _, x := range lastCalls(t, s, len(tests)+1) {
			if x.Handle == h && !sameTime(x.At, tt.t) {
				t.Errorf("%s: LastCalls()[%q].At = %v; want %v", tt.name, h, x.At, stored(tt.t))
			}
		}
	}
}

// testText checks that text fields keep any UTF-8 text exactly.
func testText(t *testing.T, s *store.Store) {
	ctx := t.Context()
	tests := []struct {
		name string
		s    string
	}{
		{"empty", ""},
		{"ascii", "plain ascii"},
		{"emoji", "🙂🎉 x84 🏴‍☠️ 👩🏽‍💻"},
		{"cjk", "漢字かなカナ한글"},
		{"quotes", `it's "quoted" and 'single'`},
		{"sql", `'; DROP TABLE users; --`},
		{"backslash", `C:\x84\ \n \x00`},
		{"ansi", "\x1b[1;31mred\x1b[0m"},
		{"blocks", "░▒▓█▄▀■"},
		{"combining", "e\u0301 vs \u00e9"},
		{"rtl", "שלום مرحبا"},
		{"controls", "tab\tnewline\r\ncr\x7f"},
		{"wildcards", "100% _like_ [glob*] ?"},
		{"invisible", "\u200b zero width \ufeff bom"},
		{"spaces", "  padded  "},
		{"long", strings.Repeat("жx🙂", 3000)},
	}
	for i, tt := range tests {
		h := fmt.Sprintf("text%d %s", i, tt.s)
		u := &store.User{
			Handle:    h,
			Password:  tt.s,
			RealName:  tt.s,
			Location:  tt.s,
			Email:     tt.s,
			Groups:    []string{tt.s},
			Encoding:  store.EncodingAuto,
			Created:   base(),
			Signature: tt.s,
		}
		create(t, s, u)
		checkUser(t, fmt.Sprintf("%s: User(%q)", tt.name, h), get(t, s, h), u)

		c := record(t, s, h, tt.s, base())
		want := store.Call{Handle: h, Location: tt.s, At: base(), Calls: 1, Kind: tt.s}
		if !sameCall(c, want) {
			t.Errorf("%s: RecordCall(%q, %q) = %+v; want %+v", tt.name, h, tt.s, c, want)
		}
		if got := lastCalls(t, s, 1); len(got) != 1 || !sameCall(got[0], want) {
			t.Errorf("%s: LastCalls(1) = %+v; want [%+v]", tt.name, got, want)
		}

		// base() plus i keeps the one just added the newest.
		o := addOneliner(t, s, h, tt.s, base().Add(time.Duration(i)*time.Second))
		if got := oneliners(t, s, 1); len(got) != 1 || !sameOneliner(got[0], o) {
			t.Errorf("%s: Oneliners(1) = %+v; want [%+v]", tt.name, got, o)
		}

		b := store.Ban{Prefix: h, Reason: tt.s, Created: base()}
		putBan(t, s, b)
		var found bool
		for _, x := range bans(t, s) {
			if x.Prefix == h {
				found = true
				if !sameBan(x, b) {
					t.Errorf("%s: Bans()[%q] = %+v; want %+v", tt.name, h, x, b)
				}
			}
		}
		if !found {
			t.Errorf("%s: Bans() lacks %q", tt.name, h)
		}
		if err := s.Bans.DeleteBan(ctx, h); err != nil {
			t.Errorf("%s: DeleteBan(%q) = %v; want nil", tt.name, h, err)
		}

		// The index keeps each fingerprint unique.
		k := &store.PublicKey{Handle: h, Key: tt.s, Fingerprint: fmt.Sprintf("%d %s", i, tt.s), Comment: tt.s, Added: base()}
		addKey(t, s, k)
		if got, want := keys(t, s, h), owned(h, k); !slices.EqualFunc(got, want, sameKey) {
			t.Errorf("%s: Keys(%q) = %+v; want %+v", tt.name, h, got, want)
		}
		if err := s.Keys.DeleteKey(ctx, h, k.Fingerprint); err != nil {
			t.Errorf("%s: DeleteKey(%q, %q) = %v; want nil", tt.name, h, k.Fingerprint, err)
		}

		// Area tags, authors, subjects and bodies; the area is never ""
		// here, which would make the message private.
		m := post(t, s, store.Message{Area: "area " + tt.s, From: tt.s, Subject: tt.s, Body: tt.s, Created: base()})
		if got := message(t, s, m.ID); !sameMessage(got, m) {
			t.Errorf("%s: Message(%d) = %+v; want %+v", tt.name, m.ID, got, m)
		}
		q := store.MessageQuery{Area: m.Area}
		if got := listMessages(t, s, q); !slices.EqualFunc(got, []store.Message{m}, sameMessage) {
			t.Errorf("%s: ListMessages(%+v) = %+v; want [%+v]", tt.name, q, got, m)
		}
		setLastRead(t, s, h, m.Area, m.ID)
		if got := lastRead(t, s, h, m.Area); got != m.ID {
			t.Errorf("%s: LastRead(%q, %q) = %d; want %d", tt.name, h, m.Area, got, m.ID)
		}
		mail := post(t, s, store.Message{To: h, From: tt.s, Subject: tt.s, Body: tt.s, Created: base()})
		if got, want := listMessages(t, s, store.MessageQuery{To: h}), addressed(h, mail); !slices.EqualFunc(got, want, sameMessage) {
			t.Errorf("%s: ListMessages(to %q) = %+v; want %+v", tt.name, h, got, want)
		}

		p := &store.Poll{Question: tt.s, Options: []string{tt.s, tt.s + "2"}, Author: tt.s, Created: base()}
		createPoll(t, s, p)
		if got, err := s.Polls.Poll(ctx, p.ID); err != nil || !samePoll(*got, *p) {
			t.Errorf("%s: Poll(%d) = %+v, %v; want %+v", tt.name, p.ID, got, err, p)
		}

		up := store.Upload{Path: h, OwnerID: u.ID, Owner: h, Size: int64(len(tt.s)), Uploaded: base()}
		putUpload(t, s, up)
		if got := upload(t, s, h); !sameUpload(got, up) {
			t.Errorf("%s: Upload(%q) = %+v; want %+v", tt.name, h, got, up)
		}
		if got := usage(t, s, u.ID); got.Bytes != up.Size {
			t.Errorf("%s: UploadUsage(%q) = %+v; want %d bytes", tt.name, h, got, up.Size)
		}
		if err := s.Uploads.DeleteUpload(ctx, h); err != nil {
			t.Errorf("%s: DeleteUpload(%q) = %v; want nil", tt.name, h, err)
		}
	}
}
