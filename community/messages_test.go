package community_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
)

// post posts a message that the test needs.
func post(t *testing.T, r *community.Reading, d community.Draft) *store.Message {
	t.Helper()
	m, err := r.Post(t.Context(), d)
	if err != nil {
		t.Fatalf("Post(%+v) = %v; want no error", d, err)
	}
	return m
}

// counts returns Counts(area) as "total/unread".
func counts(t *testing.T, r *community.Reading, area string) string {
	t.Helper()
	total, unread, err := r.Counts(t.Context(), area)
	if err != nil {
		t.Fatalf("Counts(%q) = %v", area, err)
	}
	return fmt.Sprintf("%d/%d", total, unread)
}

// newCounts returns NewCounts() as "public/private".
func newCounts(t *testing.T, r *community.Reading) string {
	t.Helper()
	public, private, err := r.NewCounts(t.Context())
	if err != nil {
		t.Fatalf("NewCounts() = %v", err)
	}
	return fmt.Sprintf("%d/%d", public, private)
}

func TestMessagePostRefusals(t *testing.T) {
	f := newFixture(t, community.Config{})
	erin := f.svc.Messages.Reading(f.user("erin"))
	ok := community.Draft{Area: "general", Subject: "Hello", Body: "Hi all"}
	with := func(change func(*community.Draft)) community.Draft {
		d := ok
		change(&d)
		return d
	}
	tests := []struct {
		name   string
		reader *community.Reading
		draft  community.Draft
		want   error
	}{
		{"nil user", f.svc.Messages.Reading(nil), ok, community.ErrAnonymous},
		{"anonymous", f.svc.Messages.Reading(anonymous), ok, community.ErrAnonymous},
		{"no subject", erin, with(func(d *community.Draft) { d.Subject = "" }), community.ErrNoSubject},
		{"blank subject", erin, with(func(d *community.Draft) { d.Subject = " \x1b[2J\t" }), community.ErrNoSubject},
		{"long subject", erin, with(func(d *community.Draft) { d.Subject = strings.Repeat("é", community.SubjectMax+1) }), community.ErrTooLong},
		{"long body", erin, with(func(d *community.Draft) { d.Body = strings.Repeat("x", community.BodyMax+1) }), community.ErrTooLong},
		{"empty body", erin, with(func(d *community.Draft) { d.Body = "" }), community.ErrEmpty},
		{"blank body", erin, with(func(d *community.Draft) { d.Body = "  \n\t\r\n \x1b[2J \n" }), community.ErrEmpty},
		{"unknown area", erin, with(func(d *community.Draft) { d.Area = "nowhere" }), community.ErrNoArea},
		{"letter to no one", erin, with(func(d *community.Draft) { d.Area = community.MailArea }), community.ErrNoRecipient},
		{"letter to an unknown user", erin, with(func(d *community.Draft) { d.Area, d.To = community.MailArea, "ghost" }), community.ErrNoRecipient},
		{"reply to a message gone", erin, with(func(d *community.Draft) { d.Parent = &store.Message{ID: 9999} }), community.ErrNoRecipient},
	}
	rec := f.record(events.TopicMessage, events.UserTopic("ghost"))
	for _, tt := range tests {
		m, err := tt.reader.Post(t.Context(), tt.draft)
		if !errors.Is(err, tt.want) || m != nil {
			t.Errorf("%s: Post(%.60q) = %v, %v; want nil, %v", tt.name, fmt.Sprintf("%+v", tt.draft), m, err, tt.want)
		}
	}
	if got := rec.payloads(); len(got) != 0 {
		t.Errorf("refused posts published %#v; want nothing", got)
	}
	for _, area := range []string{"general", "x84"} {
		if got := counts(t, erin, area); got != "0/0" {
			t.Errorf("Counts(%q) after refused posts = %s; want 0/0", area, got)
		}
	}
}

func TestMessagePostSanitised(t *testing.T) {
	f := newFixture(t, community.Config{})
	erin := f.svc.Messages.Reading(f.user("erin"))
	f.user("finn")
	parent := post(t, erin, community.Draft{Area: "general", Subject: "First", Body: "first"})
	tests := []struct {
		name                  string
		draft                 community.Draft
		wantSubject, wantBody string
		wantArea, wantTo      string
		wantParent            int64
	}{
		{"public",
			community.Draft{Area: "x84", Subject: "\x1b[31mHi\x1b[0m there ", Body: "line one\r\n\x1b[1mline two\x1b[0m\x07\n\n  \n"},
			"Hi there", "line one\nline two", "x84", "", 0},
		{"indented and tabbed", community.Draft{Area: "general", Subject: " Code", Body: "  indented\n\tand tabbed\n\nafter a blank line"},
			"Code", "  indented\n\tand tabbed\n\nafter a blank line", "general", "", 0},
		{"longest subject", community.Draft{Area: "general", Subject: strings.Repeat("é", community.SubjectMax), Body: "x"},
			strings.Repeat("é", community.SubjectMax), "x", "general", "", 0},
		{"reply", community.Draft{Area: "general", Subject: "Re: First", Body: "second", Parent: parent},
			"Re: First", "second", "general", "", parent.ID},
		{"letter", community.Draft{Area: community.MailArea, To: "finn", Subject: "\x1b]0;title\x07Psst", Body: "secret\r\n"},
			"Psst", "secret", "", "finn", 0},
		{"a public draft with a To stays public", community.Draft{Area: "general", To: "finn", Subject: "Public", Body: "to all"},
			"Public", "to all", "general", "", 0},
	}
	for _, tt := range tests {
		m, err := erin.Post(t.Context(), tt.draft)
		if err != nil {
			t.Errorf("%s: Post() = %v; want no error", tt.name, err)
			continue
		}
		stored, err := f.st.Messages.Message(t.Context(), m.ID)
		if err != nil {
			t.Fatalf("%s: the posted message %d is not stored: %v", tt.name, m.ID, err)
		}
		for _, got := range []*store.Message{m, stored} {
			if got.Subject != tt.wantSubject || got.Body != tt.wantBody || got.Area != tt.wantArea || got.To != tt.wantTo ||
				got.From != "erin" || got.Parent != tt.wantParent {
				t.Errorf("%s: Post(%+v) = %+v; want subject %q, body %q, area %q, to %q, parent %d, from erin",
					tt.name, tt.draft, got, tt.wantSubject, tt.wantBody, tt.wantArea, tt.wantTo, tt.wantParent)
			}
		}
	}
}

func TestMessagePostPublishes(t *testing.T) {
	f := newFixture(t, community.Config{})
	ann := f.svc.Messages.Reading(f.user("ann"))
	f.user("Erin")
	rec := f.record(events.TopicMessage)
	mail := f.record(events.UserTopic(store.HandleKey("Erin")))
	m := post(t, ann, community.Draft{Area: "general", Subject: "Hello", Body: "all"})
	if got := rec.payloads(); len(got) != 1 || got[0] != (events.MessageChanged{ID: m.ID}) {
		t.Errorf("events after a public post = %#v; want MessageChanged{%d}", got, m.ID)
	}
	if got := mail.payloads(); len(got) != 0 {
		t.Errorf("a public post sent Erin %#v; want nothing", got)
	}
	rec.reset()
	l := post(t, ann, community.Draft{Area: community.MailArea, To: "erin", Subject: "\x1b[1mPsst\x1b[0m", Body: "hi"})
	if got := rec.payloads(); len(got) != 1 || got[0] != (events.MessageChanged{ID: l.ID}) {
		t.Errorf("events after a letter = %#v; want MessageChanged{%d}", got, l.ID)
	}
	want := events.Mail{ID: l.ID, From: "ann", Subject: "Psst"}
	if got := mail.payloads(); len(got) != 1 || got[0] != want {
		t.Errorf("events on Erin's topic after a letter = %#v; want %#v", got, want)
	}
}

func TestMessageOwnPostIsRead(t *testing.T) {
	f := newFixture(t, community.Config{})
	annUser, bobUser := f.user("ann"), f.user("bob")
	ann, bob := f.svc.Messages.Reading(annUser), f.svc.Messages.Reading(bobUser)
	post(t, ann, community.Draft{Area: "general", Subject: "Hello", Body: "all"})
	tests := []struct {
		name string
		r    *community.Reading
		want string
	}{
		{"author", ann, "1/0"},
		{"author, next call", f.svc.Messages.Reading(annUser), "1/0"},
		{"another user", bob, "1/1"},
	}
	for _, tt := range tests {
		if got := counts(t, tt.r, "general"); got != tt.want {
			t.Errorf("%s: Counts(general) = %s; want %s (total/unread)", tt.name, got, tt.want)
		}
	}
	if got := newCounts(t, bob); got != "1/0" {
		t.Errorf("bob's NewCounts() = %s; want 1/0 (public/private)", got)
	}
	if got := newCounts(t, ann); got != "0/0" {
		t.Errorf("ann's NewCounts() = %s; want 0/0", got)
	}

	// bob posts with ann's message unread: his own counts as read, the
	// other not; reading ann's then takes the pointer past both.
	mine := post(t, bob, community.Draft{Area: "general", Subject: "Re", Body: "me too"})
	if got := counts(t, bob, "general"); got != "2/1" {
		t.Errorf("bob's Counts(general) after his own post = %s; want 2/1", got)
	}
	msgs, _, err := bob.List(t.Context(), "general")
	if err != nil {
		t.Fatal(err)
	}
	if bob.Unread("general", mine.ID) || !bob.Unread("general", msgs[0].ID) {
		t.Errorf("bob's Unread(own post, ann's) = %v, %v; want false, true", bob.Unread("general", mine.ID), bob.Unread("general", msgs[0].ID))
	}
	if err := bob.MarkRead(t.Context(), "general", msgs[0].ID, msgs); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, f.svc.Messages.Reading(bobUser), "general"); got != "2/0" {
		t.Errorf("bob's Counts(general) in his next call = %s; want 2/0", got)
	}
}

func TestMessageLetterCounts(t *testing.T) {
	f := newFixture(t, community.Config{})
	annUser, erinUser := f.user("ann"), f.user("erin")
	ann, erin := f.svc.Messages.Reading(annUser), f.svc.Messages.Reading(erinUser)
	l := post(t, ann, community.Draft{Area: community.MailArea, To: "ERIN", Subject: "Psst", Body: "hi"})
	tests := []struct {
		name      string
		r         *community.Reading
		area      string
		want      string
		wantFresh string
	}{
		{"recipient's mail", erin, community.MailArea, "1/1", "0/1"},
		{"sender's mail", ann, community.MailArea, "0/0", "0/0"},
		{"recipient's public area", erin, "general", "0/0", "0/1"},
	}
	for _, tt := range tests {
		if got := counts(t, tt.r, tt.area); got != tt.want {
			t.Errorf("%s: Counts(%q) = %s; want %s", tt.name, tt.area, got, tt.want)
		}
		if got := newCounts(t, tt.r); got != tt.wantFresh {
			t.Errorf("%s: NewCounts() = %s; want %s", tt.name, got, tt.wantFresh)
		}
	}
	msgs, _, err := erin.List(t.Context(), community.MailArea)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].ID != l.ID {
		t.Fatalf("erin's List(mail) = %+v; want the letter", msgs)
	}
	if err := erin.MarkRead(t.Context(), community.MailArea, l.ID, msgs); err != nil {
		t.Fatal(err)
	}
	if got := newCounts(t, f.svc.Messages.Reading(erinUser)); got != "0/0" {
		t.Errorf("erin's NewCounts() after reading the letter, next call = %s; want 0/0", got)
	}
}

func TestMessageCountsAnonymous(t *testing.T) {
	f := newFixture(t, community.Config{})
	post(t, f.svc.Messages.Reading(f.user("ann")), community.Draft{Area: "general", Subject: "Hello", Body: "all"})
	for _, u := range []*store.User{nil, anonymous} {
		r := f.svc.Messages.Reading(u)
		if total, unread, err := r.Counts(t.Context(), "general"); total != 0 || unread != 0 || err != nil {
			t.Errorf("Reading(%v).Counts(general) = %d, %d, %v; want 0, 0, nil", u, total, unread, err)
		}
		if public, private, err := r.NewCounts(t.Context()); public != 0 || private != 0 || err != nil {
			t.Errorf("Reading(%v).NewCounts() = %d, %d, %v; want 0, 0, nil", u, public, private, err)
		}
	}
}

// TestMessageReadPointer: the stored pointer only passes messages read
// without a gap; what was read out of order counts for the call.
func TestMessageReadPointer(t *testing.T) {
	f := newFixture(t, community.Config{})
	ann := f.svc.Messages.Reading(f.user("ann"))
	bobUser := f.user("bob")
	for i := range 3 {
		post(t, ann, community.Draft{Area: "general", Subject: fmt.Sprintf("m%d", i+1), Body: "body"})
	}
	bob := f.svc.Messages.Reading(bobUser)
	msgs, depths, err := bob.List(t.Context(), "general")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 || len(depths) != 3 {
		t.Fatalf("List(general) = %d messages, %d depths; want 3", len(msgs), len(depths))
	}
	unread := func(r *community.Reading) string {
		var s []string
		for _, m := range msgs {
			if r.Unread("general", m.ID) {
				s = append(s, m.Subject)
			}
		}
		return strings.Join(s, " ")
	}
	// Each step reads a message, then checks this call's counts, and a
	// next call's (what is stored).
	steps := []struct {
		read                    int // index into msgs
		wantUnread, wantCounts  string
		wantNext, wantNextCount string
	}{
		{2, "m1 m2", "3/2", "m1 m2 m3", "3/3"},
		{0, "m2", "3/1", "m2 m3", "3/2"},
		{1, "", "3/0", "", "3/0"},
	}
	for _, s := range steps {
		if err := bob.MarkRead(t.Context(), "general", msgs[s.read].ID, msgs); err != nil {
			t.Fatal(err)
		}
		if got := unread(bob); got != s.wantUnread {
			t.Errorf("after reading m%d: unread %q; want %q", s.read+1, got, s.wantUnread)
		}
		if got := counts(t, bob, "general"); got != s.wantCounts {
			t.Errorf("after reading m%d: Counts(general) = %s; want %s", s.read+1, got, s.wantCounts)
		}
		if got, want := newCounts(t, bob), strings.Split(s.wantCounts, "/")[1]+"/0"; got != want {
			t.Errorf("after reading m%d: NewCounts() = %s; want %s", s.read+1, got, want)
		}
		next := f.svc.Messages.Reading(bobUser)
		if _, _, err := next.List(t.Context(), "general"); err != nil {
			t.Fatal(err)
		}
		if got := unread(next); got != s.wantNext {
			t.Errorf("after reading m%d: a next call's unread %q; want %q", s.read+1, got, s.wantNext)
		}
		if got := counts(t, next, "general"); got != s.wantNextCount {
			t.Errorf("after reading m%d: a next call's Counts(general) = %s; want %s", s.read+1, got, s.wantNextCount)
		}
	}
	// Reading again changes nothing.
	if err := bob.MarkRead(t.Context(), "general", msgs[0].ID, msgs); err != nil {
		t.Errorf("MarkRead(read already) = %v", err)
	}
	if got := counts(t, bob, "general"); got != "3/0" {
		t.Errorf("Counts(general) after reading m1 again = %s; want 3/0", got)
	}
}

func TestMessageReadThenDeleted(t *testing.T) {
	f := newFixture(t, community.Config{})
	ann := f.svc.Messages.Reading(f.user("ann"))
	for i := range 3 {
		post(t, ann, community.Draft{Area: "general", Subject: fmt.Sprintf("m%d", i+1), Body: "body"})
	}
	bob := f.svc.Messages.Reading(f.user("bob"))
	msgs, _, err := bob.List(t.Context(), "general")
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.MarkRead(t.Context(), "general", msgs[2].ID, msgs); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, bob, "general"); got != "3/2" {
		t.Fatalf("Counts(general) after reading m3 = %s; want 3/2", got)
	}
	if err := ann.Delete(t.Context(), msgs[2]); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, bob, "general"); got != "2/2" {
		t.Errorf("Counts(general) after m3, read, was deleted = %s; want 2/2", got)
	}
	if got := newCounts(t, bob); got != "2/0" {
		t.Errorf("NewCounts() after m3, read, was deleted = %s; want 2/0", got)
	}
}

func TestThreadOrder(t *testing.T) {
	// msg is "id" or "id<parent".
	parse := func(s string) []store.Message {
		var out []store.Message
		for _, f := range strings.Fields(s) {
			var m store.Message
			if _, err := fmt.Sscanf(f, "%d<%d", &m.ID, &m.Parent); err != nil {
				fmt.Sscanf(f, "%d", &m.ID)
			}
			out = append(out, m)
		}
		return out
	}
	tests := []struct {
		in, want string // want: "id:depth"
	}{
		{"", ""},
		{"1 2 3", "1:0 2:0 3:0"},
		{"1 2<1 3 4<1 5<2 6<3", "1:0 2:1 5:2 4:1 3:0 6:1"},
		{"1 2<1 3<2 4<3", "1:0 2:1 3:2 4:3"},
		// Replies whose parent is gone start threads, in order.
		{"2<1 3<2 4<1", "2:0 3:1 4:0"},
		{"5<9 6 7<5", "5:0 7:1 6:0"},
		// A message that answers itself does not loop.
		{"1<1 2<1", "1:0 2:1"},
		{"1 2<2 3<2", "1:0 2:0 3:1"},
		// Replies keep their posting order even when an older message
		// answers a newer one (the order of the list).
		{"1 3<1 2<1", "1:0 3:1 2:1"},
		// Parents that answer each other lose nobody: the first starts a
		// thread.
		{"1 2<3 3<2", "1:0 2:0 3:1"},
	}
	for _, tt := range tests {
		msgs, depths := community.ThreadOrder(parse(tt.in))
		if len(msgs) != len(depths) {
			t.Errorf("ThreadOrder(%s) = %d messages, %d depths; want as many", tt.in, len(msgs), len(depths))
			continue
		}
		var got []string
		for i, m := range msgs {
			got = append(got, fmt.Sprintf("%d:%d", m.ID, depths[i]))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("ThreadOrder(%s) = %s; want %s", tt.in, g, tt.want)
		}
	}
}

// deleteFixture has ann's public message and ann's letter to erin.
type deleteFixture struct {
	*fixture
	public, letter store.Message
	users          map[string]*store.User
}

func newDeleteFixture(t *testing.T) *deleteFixture {
	f := newFixture(t, community.Config{})
	d := &deleteFixture{fixture: f, users: map[string]*store.User{}}
	for _, h := range []string{"ann", "erin", "bob"} {
		d.users[h] = f.user(h)
	}
	d.users["root"] = f.sysop("root")
	shouting := *d.users["ann"]
	shouting.Handle = "ANN"
	d.users["ann as ANN"] = &shouting
	ann := f.svc.Messages.Reading(d.users["ann"])
	d.public = *post(t, ann, community.Draft{Area: "general", Subject: "Hello", Body: "all"})
	d.letter = *post(t, ann, community.Draft{Area: community.MailArea, To: "erin", Subject: "Psst", Body: "hi"})
	d.users["anonymous"] = anonymous
	// ann's account goes and someone registers the handle again.
	time.Sleep(2 * time.Millisecond) // the store keeps milliseconds
	if err := f.st.Users.DeleteUser(t.Context(), "ann"); err != nil {
		t.Fatal(err)
	}
	d.users["Ann, registered later"] = f.user("Ann")
	return d
}

func TestMessageMayDelete(t *testing.T) {
	d := newDeleteFixture(t)
	tests := []struct {
		who            string
		public, letter bool
	}{
		{"root", true, true},
		{"ann", true, true},
		{"ann as ANN", true, true},
		{"erin", false, true},
		{"bob", false, false},
		{"Ann, registered later", false, false},
		{"anonymous", false, false},
	}
	for _, tt := range tests {
		r := d.svc.Messages.Reading(d.users[tt.who])
		if got := r.MayDelete(d.public); got != tt.public {
			t.Errorf("MayDelete(%s, ann's public message) = %v; want %v", tt.who, got, tt.public)
		}
		if got := r.MayDelete(d.letter); got != tt.letter {
			t.Errorf("MayDelete(%s, ann's letter to erin) = %v; want %v", tt.who, got, tt.letter)
		}
	}
}

// TestMessageMayDeleteNilUser: a Reading for no user at all (nil, which
// the package takes for anonymous, as Post and Counts do) may delete
// nothing.
func TestMessageMayDeleteNilUser(t *testing.T) {
	d := newDeleteFixture(t)
	r := d.svc.Messages.Reading(nil)
	for _, m := range []store.Message{d.public, d.letter} {
		if r.MayDelete(m) {
			t.Errorf("Reading(nil).MayDelete(message %d) = true; want false", m.ID)
		}
		if err := r.Delete(t.Context(), m); !errors.Is(err, community.ErrNotAllowed) {
			t.Errorf("Reading(nil).Delete(message %d) = %v; want ErrNotAllowed", m.ID, err)
		}
	}
}

func TestMessageDelete(t *testing.T) {
	d := newDeleteFixture(t)
	t.Run("not allowed", func(t *testing.T) {
		rec := d.record(events.TopicMessage)
		for _, who := range []string{"bob", "Ann, registered later", "anonymous"} {
			for _, m := range []store.Message{d.public, d.letter} {
				if err := d.svc.Messages.Reading(d.users[who]).Delete(t.Context(), m); !errors.Is(err, community.ErrNotAllowed) {
					t.Errorf("Delete(%s, message %d) = %v; want ErrNotAllowed", who, m.ID, err)
				}
				if _, err := d.st.Messages.Message(t.Context(), m.ID); err != nil {
					t.Errorf("message %d after %s's refused Delete: %v; want it still there", m.ID, who, err)
				}
			}
		}
		if got := rec.payloads(); len(got) != 0 {
			t.Errorf("refused deletes published %#v; want nothing", got)
		}
	})
	for _, tt := range []struct {
		who string
		m   store.Message
	}{
		{"ann", d.public},
		{"erin", d.letter},
	} {
		rec := d.record(events.TopicMessage)
		r := d.svc.Messages.Reading(d.users[tt.who])
		if err := r.Delete(t.Context(), tt.m); err != nil {
			t.Errorf("Delete(%s, message %d) = %v; want no error", tt.who, tt.m.ID, err)
		}
		if _, err := d.st.Messages.Message(t.Context(), tt.m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("message %d after %s's Delete: %v; want store.ErrNotFound", tt.m.ID, tt.who, err)
		}
		if got := rec.payloads(); len(got) != 1 || got[0] != (events.MessageChanged{ID: tt.m.ID}) {
			t.Errorf("events after Delete(%s, message %d) = %#v; want MessageChanged{%d}", tt.who, tt.m.ID, got, tt.m.ID)
		}
		// Again: gone already is no error.
		if err := r.Delete(t.Context(), tt.m); err != nil {
			t.Errorf("Delete(%s, message %d) again = %v; want no error", tt.who, tt.m.ID, err)
		}
	}
	// A sysop deletes anyone's.
	m := post(t, d.svc.Messages.Reading(d.users["bob"]), community.Draft{Area: "x84", Subject: "spam", Body: "spam"})
	if err := d.svc.Messages.Reading(d.users["root"]).Delete(t.Context(), *m); err != nil {
		t.Errorf("Delete(root, bob's message) = %v; want no error", err)
	}
	if _, err := d.st.Messages.Message(t.Context(), m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob's message after root's Delete: %v; want store.ErrNotFound", err)
	}
}
