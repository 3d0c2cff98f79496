package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// post stores m or ends the test, and returns it with its ID and Created.
func post(t *testing.T, s *store.Store, m store.Message) store.Message {
	t.Helper()
	if err := s.Messages.PostMessage(t.Context(), &m); err != nil {
		t.Fatalf("PostMessage(area %q, to %q, parent %d) = %v; want nil", m.Area, m.To, m.Parent, err)
	}
	return m
}

// public returns a message for the area, by from, dated at.
func public(area, from, subject string, at time.Time) store.Message {
	return store.Message{Area: area, From: from, Subject: subject, Body: "body of " + subject + "\nsecond line", Created: at}
}

// letter returns a private message to to, by from, dated at.
func letter(to, from, subject string, at time.Time) store.Message {
	return store.Message{To: to, From: from, Subject: subject, Body: "dear " + to + ",\n" + subject, Created: at}
}

// addressed is m as the store returns it to the account with the handle:
// To is the account's handle as stored.
func addressed(handle string, ms ...store.Message) []store.Message {
	var out []store.Message
	for _, m := range ms {
		m.To = handle
		out = append(out, m)
	}
	return out
}

// listMessages returns the messages q selects or ends the test.
func listMessages(t *testing.T, s *store.Store, q store.MessageQuery) []store.Message {
	t.Helper()
	ms, err := s.Messages.ListMessages(t.Context(), q)
	if err != nil {
		t.Fatalf("ListMessages(%+v) = %v; want nil", q, err)
	}
	return ms
}

// message returns one message or ends the test.
func message(t *testing.T, s *store.Store, id int64) store.Message {
	t.Helper()
	m, err := s.Messages.Message(t.Context(), id)
	if err != nil {
		t.Fatalf("Message(%d) = %v; want nil", id, err)
	}
	return *m
}

// countAfter counts the messages q selects or ends the test.
func countAfter(t *testing.T, s *store.Store, q store.MessageQuery) int {
	t.Helper()
	n, err := s.Messages.CountAfter(t.Context(), q)
	if err != nil {
		t.Fatalf("CountAfter(%+v) = %v; want nil", q, err)
	}
	return n
}

// ids lists the IDs of ms, for messages.
func ids(ms []store.Message) []int64 {
	var out []int64
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func testPostMessage(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))

	// A zero Created is set to now. Public messages need no account.
	before := time.Now().Truncate(time.Millisecond)
	m := public("general", "NoAccount", "hello", time.Time{})
	m = post(t, s, m)
	after := time.Now()
	if m.ID == 0 {
		t.Errorf("PostMessage(%q): ID = 0; want non-zero", m.Subject)
	}
	if m.Created.Before(before) || m.Created.After(after) {
		t.Errorf("PostMessage(%q): Created = %v; want between %v and %v", m.Subject, m.Created, before, after)
	}
	if got := message(t, s, m.ID); !sameMessage(got, m) {
		t.Errorf("Message(%d) = %+v; want %+v", m.ID, got, m)
	}

	// A given Created is kept, as when importing; a given ID is ignored.
	p := letter("alice", "Bob", "private", base())
	p.ID = m.ID
	p = post(t, s, p)
	if p.ID == 0 || p.ID == m.ID {
		t.Errorf("PostMessage(%q): ID = %d; want non-zero and not %d", p.Subject, p.ID, m.ID)
	}
	if !p.Created.Equal(base()) {
		t.Errorf("PostMessage(%q): Created = %v; want %v kept", p.Subject, p.Created, base())
	}
	// To comes back as the recipient's handle as stored.
	if got, want := message(t, s, p.ID), addressed("Alice", p)[0]; !sameMessage(got, want) {
		t.Errorf("Message(%d) = %+v; want %+v", p.ID, got, want)
	}

	for _, id := range []int64{0, -1, p.ID + 1000} {
		if got, err := s.Messages.Message(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Message(%d) = %+v, %v; want ErrNotFound", id, got, err)
		}
	}
}

// testPostMessageRefused checks that a message to nobody, under a parent
// that does not exist, or neither public nor private is refused and
// stores nothing.
func testPostMessageRefused(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	root := post(t, s, public("general", "Alice", "root", base()))
	notFound := []store.Message{
		letter("nobody", "Alice", "lost", base()),
		letter("Alice ", "Alice", "trailing space", base()),
		{Area: "general", From: "Alice", Subject: "orphan", Parent: root.ID + 1000},
		{Area: "general", From: "Alice", Subject: "negative parent", Parent: -1},
		{To: "Alice", From: "Alice", Subject: "orphan letter", Parent: root.ID + 1000},
	}
	for _, m := range notFound {
		if err := s.Messages.PostMessage(ctx, &m); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("PostMessage(area %q, to %q, parent %d) = %v; want ErrNotFound", m.Area, m.To, m.Parent, err)
		}
	}
	// Both an area and a recipient, or neither: a message meant to be
	// private must not land in a public area.
	malformed := []store.Message{
		{Area: "general", To: "Alice", From: "Alice", Subject: "both"},
		{From: "Alice", Subject: "neither"},
	}
	for _, m := range malformed {
		if err := s.Messages.PostMessage(ctx, &m); !refused(err) {
			t.Errorf("PostMessage(area %q, to %q) = %v; want an error, neither ErrNotFound nor ErrExists", m.Area, m.To, err)
		}
	}
	if got := listMessages(t, s, store.MessageQuery{Area: "general"}); !slices.EqualFunc(got, []store.Message{root}, sameMessage) {
		t.Errorf("ListMessages(general) after refusals = %+v; want [%+v]", got, root)
	}
	if got := listMessages(t, s, store.MessageQuery{To: "Alice"}); len(got) != 0 {
		t.Errorf("ListMessages(to Alice) after refusals = %+v; want none", got)
	}
}

func testListMessages(t *testing.T, s *store.Store) {
	create(t, s, newUser("Alice"))
	var general, other, folded []store.Message
	for i := range 6 {
		// Dated backwards: oldest first means in the order posted.
		at := base().Add(time.Duration(6-i) * time.Minute)
		general = append(general, post(t, s, public("general", "Alice", fmt.Sprintf("g%d", i), at)))
		other = append(other, post(t, s, public("ansi", "Bob", fmt.Sprintf("a%d", i), at)))
		// Tags are compared byte by byte.
		folded = append(folded, post(t, s, public("General", "Carol", fmt.Sprintf("G%d", i), at)))
		post(t, s, letter("Alice", "Bob", fmt.Sprintf("p%d", i), at))
	}

	tests := []struct {
		name string
		q    store.MessageQuery
		want []store.Message
	}{
		{"all", store.MessageQuery{Area: "general"}, general},
		{"other area", store.MessageQuery{Area: "ansi"}, other},
		{"other case", store.MessageQuery{Area: "General"}, folded},
		{"after first", store.MessageQuery{Area: "general", AfterID: general[0].ID}, general[1:]},
		{"after last", store.MessageQuery{Area: "general", AfterID: general[5].ID}, nil},
		// AfterID need not be in the area.
		{"after another area's", store.MessageQuery{Area: "general", AfterID: other[2].ID}, general[3:]},
		{"after negative", store.MessageQuery{Area: "general", AfterID: -5}, general},
		{"limit", store.MessageQuery{Area: "general", Limit: 2}, general[:2]},
		{"after and limit", store.MessageQuery{Area: "general", AfterID: general[1].ID, Limit: 3}, general[2:5]},
		{"limit beyond", store.MessageQuery{Area: "general", Limit: 100}, general},
		{"limit 1", store.MessageQuery{Area: "general", AfterID: general[4].ID, Limit: 1}, general[5:]},
		// 0 means no limit; below 0, as for every list, nothing.
		{"negative limit", store.MessageQuery{Area: "general", Limit: -1}, nil},
		{"unknown area", store.MessageQuery{Area: "nothing"}, nil},
		{"prefix of an area", store.MessageQuery{Area: "gen"}, nil},
		// To is ignored when Area is set: private mail never shows in
		// an area.
		{"area and to", store.MessageQuery{Area: "general", To: "Alice"}, general},
	}
	for _, tt := range tests {
		if got := listMessages(t, s, tt.q); !slices.EqualFunc(got, tt.want, sameMessage) {
			t.Errorf("%s: ListMessages(%+v) = %v; want %v", tt.name, tt.q, ids(got), ids(tt.want))
		}
	}
}

// testMessageIDs checks that IDs grow in the order messages are posted,
// across areas and mailboxes, and that a deleted message's ID is not
// handed out again: read pointers and AfterID rely on both.
func testMessageIDs(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	var last int64
	for i := range 10 {
		m := public([]string{"general", "ansi"}[i%2], "Alice", fmt.Sprint(i), base().Add(-time.Duration(i)*time.Hour))
		if i%3 == 0 {
			m = letter("Alice", "Bob", fmt.Sprint(i), m.Created)
		}
		m = post(t, s, m)
		if m.ID <= last {
			t.Errorf("PostMessage #%d: ID = %d; want above %d", i, m.ID, last)
		}
		last = m.ID
	}
	if err := s.Messages.DeleteMessage(ctx, last); err != nil {
		t.Fatalf("DeleteMessage(%d) = %v; want nil", last, err)
	}
	if m := post(t, s, public("general", "Alice", "after delete", base())); m.ID <= last {
		t.Errorf("PostMessage after DeleteMessage(%d): ID = %d; want above %d", last, m.ID, last)
	}
}

func testMailbox(t *testing.T, s *store.Store) {
	ctx := t.Context()
	for _, h := range []string{"Alice", "Bob", "Carol", "Émile"} {
		create(t, s, newUser(h))
	}
	// The recipient is found regardless of case.
	a1 := post(t, s, letter("alice", "Bob", "a1", base()))
	b1 := post(t, s, letter("BOB", "Alice", "b1", base()))
	pub := post(t, s, public("general", "Bob", "public", base()))
	a2 := post(t, s, letter("ALICE", "Carol", "a2", base().Add(-time.Hour)))
	e1 := post(t, s, letter("E\u0301MILE", "Alice", "e1", base())) // decomposed É
	self := post(t, s, letter("Alice", "Alice", "note to self", base()))

	tests := []struct {
		to   string
		want []store.Message
	}{
		{"Alice", addressed("Alice", a1, a2, self)},
		{"aLiCe", addressed("Alice", a1, a2, self)},
		{"Bob", addressed("Bob", b1)},
		{"émile", addressed("Émile", e1)},
		{"Emile", nil},
		{"Carol", nil},
		{"nobody", nil}, // an unknown recipient has an empty mailbox
		{"Alice ", nil},
	}
	for _, tt := range tests {
		q := store.MessageQuery{To: tt.to}
		got, err := s.Messages.ListMessages(ctx, q)
		if err != nil || !slices.EqualFunc(got, tt.want, sameMessage) {
			t.Errorf("ListMessages(%+v) = %+v, %v; want %+v, nil", q, got, err, tt.want)
		}
		if n := countAfter(t, s, q); n != len(tt.want) {
			t.Errorf("CountAfter(%+v) = %d; want %d", q, n, len(tt.want))
		}
	}

	// AfterID and Limit work on mailboxes too.
	q := store.MessageQuery{To: "alice", AfterID: a1.ID, Limit: 1}
	if got, want := listMessages(t, s, q), addressed("Alice", a2); !slices.EqualFunc(got, want, sameMessage) {
		t.Errorf("ListMessages(%+v) = %+v; want %+v", q, got, want)
	}
	q = store.MessageQuery{To: "alice", AfterID: a1.ID, Limit: 1}
	if n := countAfter(t, s, q); n != 2 {
		t.Errorf("CountAfter(%+v) = %d; want 2 (Limit ignored)", q, n)
	}
	// Private mail never shows in an area, nor public posts in a
	// mailbox.
	if got := listMessages(t, s, store.MessageQuery{Area: "general"}); !slices.EqualFunc(got, []store.Message{pub}, sameMessage) {
		t.Errorf("ListMessages(general) = %+v; want [%+v]", got, pub)
	}
}

// testMailboxRename checks that private mail belongs to the recipient's
// account: it follows a rename, and To reads the new handle. Messages
// keep the handle their author wrote them under.
func testMailboxRename(t *testing.T, s *store.Store) {
	ctx := t.Context()
	alice := create(t, s, newUser("Alice"))
	bob := create(t, s, newUser("Bob"))
	a1 := post(t, s, letter("Alice", "Bob", "a1", base()))
	b1 := post(t, s, letter("Bob", "Alice", "b1", base()))
	pub := post(t, s, public("general", "Alice", "signed Alice", base()))

	alice.Handle = "Alicia"
	if err := s.Users.UpdateUser(ctx, alice); err != nil {
		t.Fatalf("UpdateUser(%q) = %v; want nil", alice.Handle, err)
	}
	bob.Handle = "Robert"
	if err := s.Users.UpdateUser(ctx, bob); err != nil {
		t.Fatalf("UpdateUser(%q) = %v; want nil", bob.Handle, err)
	}
	if got, want := listMessages(t, s, store.MessageQuery{To: "alicia"}), addressed("Alicia", a1); !slices.EqualFunc(got, want, sameMessage) {
		t.Errorf("ListMessages(to alicia) after rename = %+v; want %+v", got, want)
	}
	if got := listMessages(t, s, store.MessageQuery{To: "Alice"}); len(got) != 0 {
		t.Errorf("ListMessages(to Alice) after rename = %+v; want none", got)
	}
	// b1 was written by "Alice" and still says so, to Robert.
	if got, want := message(t, s, b1.ID), addressed("Robert", b1)[0]; !sameMessage(got, want) {
		t.Errorf("Message(%d) after renames = %+v; want %+v", b1.ID, got, want)
	}
	if got := message(t, s, pub.ID); !sameMessage(got, pub) {
		t.Errorf("Message(%d) after rename = %+v; want %+v", pub.ID, got, pub)
	}

	// A new account under the old handle gets none of the old mail.
	create(t, s, newUser("alice"))
	if got := listMessages(t, s, store.MessageQuery{To: "Alice"}); len(got) != 0 {
		t.Errorf("ListMessages(to Alice) for a new account = %+v; want none", got)
	}
}

// testMailDeleteUser checks that DeleteUser drops the private mail sent
// to the account, and keeps what the account wrote.
func testMailDeleteUser(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Doomed"))
	create(t, s, newUser("Survivor"))
	in1 := post(t, s, letter("Doomed", "Survivor", "in1", base()))
	in2 := post(t, s, letter("Doomed", "Survivor", "in2", base()))
	out := post(t, s, letter("Survivor", "Doomed", "out", base()))
	reply := post(t, s, store.Message{To: "Survivor", From: "Doomed", Subject: "re: in1", Parent: in1.ID, Created: base()})
	pub := post(t, s, public("general", "Doomed", "public", base()))
	kept := post(t, s, letter("Survivor", "Survivor", "kept", base()))

	if err := s.Users.DeleteUser(ctx, "doomed"); err != nil {
		t.Fatalf(`DeleteUser("doomed") = %v; want nil`, err)
	}
	for _, m := range []store.Message{in1, in2} {
		if got, err := s.Messages.Message(ctx, m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Message(%d) to a deleted user = %+v, %v; want ErrNotFound", m.ID, got, err)
		}
		if err := s.Messages.DeleteMessage(ctx, m.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteMessage(%d) to a deleted user = %v; want ErrNotFound", m.ID, err)
		}
	}
	// What Doomed wrote stays, under the handle it was written under;
	// the reply still names its parent, which is gone.
	want := addressed("Survivor", out, reply, kept)
	if got := listMessages(t, s, store.MessageQuery{To: "Survivor"}); !slices.EqualFunc(got, want, sameMessage) {
		t.Errorf("ListMessages(to Survivor) after DeleteUser = %+v; want %+v", got, want)
	}
	if got := message(t, s, pub.ID); !sameMessage(got, pub) {
		t.Errorf("Message(%d) after its author's DeleteUser = %+v; want %+v", pub.ID, got, pub)
	}
	// A new account with the handle starts with an empty mailbox.
	create(t, s, newUser("Doomed"))
	q := store.MessageQuery{To: "Doomed"}
	if got := listMessages(t, s, q); len(got) != 0 {
		t.Errorf("ListMessages(to Doomed) recreated = %+v; want none", got)
	}
	if n := countAfter(t, s, q); n != 0 {
		t.Errorf("CountAfter(to Doomed) recreated = %d; want 0", n)
	}
}

func testThreads(t *testing.T, s *store.Store) {
	create(t, s, newUser("Alice"))
	create(t, s, newUser("Bob"))
	root := post(t, s, public("general", "Alice", "root", base()))
	r1 := post(t, s, store.Message{Area: "general", From: "Bob", Subject: "re: root", Parent: root.ID, Created: base().Add(time.Minute)})
	r2 := post(t, s, store.Message{Area: "general", From: "Alice", Subject: "re: re: root", Parent: r1.ID, Created: base().Add(2 * time.Minute)})
	r3 := post(t, s, store.Message{Area: "general", From: "Carol", Subject: "re: root", Parent: root.ID, Created: base().Add(3 * time.Minute)})
	// A Parent only has to exist: a private answer to a public post, or
	// a post citing another area, is allowed. Who may see the parent is
	// the board's business.
	mail := post(t, s, store.Message{To: "Alice", From: "Bob", Subject: "about your post", Parent: root.ID, Created: base()})
	cross := post(t, s, store.Message{Area: "ansi", From: "Bob", Subject: "see general", Parent: r3.ID, Created: base()})
	answer := post(t, s, store.Message{To: "bob", From: "Alice", Subject: "re: about your post", Parent: mail.ID, Created: base()})

	want := map[int64]int64{root.ID: 0, r1.ID: root.ID, r2.ID: r1.ID, r3.ID: root.ID, mail.ID: root.ID, cross.ID: r3.ID, answer.ID: mail.ID}
	for id, parent := range want {
		if got := message(t, s, id).Parent; got != parent {
			t.Errorf("Message(%d).Parent = %d; want %d", id, got, parent)
		}
	}
	if got := listMessages(t, s, store.MessageQuery{Area: "general"}); !slices.EqualFunc(got, []store.Message{root, r1, r2, r3}, sameMessage) {
		t.Errorf("ListMessages(general) = %+v; want the thread in order", got)
	}
}

func testDeleteMessage(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	root := post(t, s, public("general", "Alice", "root", base()))
	r1 := post(t, s, store.Message{Area: "general", From: "Bob", Subject: "r1", Parent: root.ID, Created: base()})
	r2 := post(t, s, store.Message{Area: "general", From: "Bob", Subject: "r2", Parent: r1.ID, Created: base()})
	mail := post(t, s, store.Message{To: "Alice", From: "Bob", Subject: "re: root", Parent: root.ID, Created: base()})
	other := post(t, s, public("ansi", "Alice", "other", base()))

	tests := []struct {
		id   int64
		want error
	}{
		{root.ID, nil},
		{root.ID, store.ErrNotFound}, // gone already
		{0, store.ErrNotFound},
		{-1, store.ErrNotFound},
		{other.ID + 1000, store.ErrNotFound},
	}
	for _, tt := range tests {
		if err := s.Messages.DeleteMessage(ctx, tt.id); !errors.Is(err, tt.want) {
			t.Errorf("DeleteMessage(%d) = %v; want %v", tt.id, err, tt.want)
		}
	}
	if got, err := s.Messages.Message(ctx, root.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Message(%d) after DeleteMessage = %+v, %v; want ErrNotFound", root.ID, got, err)
	}
	// Replies keep their Parent, pointing at nothing.
	if got := listMessages(t, s, store.MessageQuery{Area: "general"}); !slices.EqualFunc(got, []store.Message{r1, r2}, sameMessage) {
		t.Errorf("ListMessages(general) after DeleteMessage = %+v; want %+v", got, []store.Message{r1, r2})
	}
	if got, want := message(t, s, mail.ID), addressed("Alice", mail)[0]; !sameMessage(got, want) {
		t.Errorf("Message(%d) after its parent's DeleteMessage = %+v; want %+v", mail.ID, got, want)
	}
	// A new reply to the deleted message is refused.
	m := store.Message{Area: "general", From: "Bob", Subject: "late", Parent: root.ID}
	if err := s.Messages.PostMessage(ctx, &m); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PostMessage(parent %d, deleted) = %v; want ErrNotFound", root.ID, err)
	}
	// Private mail is deleted the same way.
	if err := s.Messages.DeleteMessage(ctx, mail.ID); err != nil {
		t.Errorf("DeleteMessage(%d) = %v; want nil", mail.ID, err)
	}
	if got := listMessages(t, s, store.MessageQuery{To: "Alice"}); len(got) != 0 {
		t.Errorf("ListMessages(to Alice) after DeleteMessage = %+v; want none", got)
	}
	if got := listMessages(t, s, store.MessageQuery{Area: "ansi"}); !slices.EqualFunc(got, []store.Message{other}, sameMessage) {
		t.Errorf("ListMessages(ansi) = %+v; want [%+v]", got, other)
	}
}

func testCountAfter(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	var general []store.Message
	for i := range 5 {
		general = append(general, post(t, s, public("general", "Bob", fmt.Sprint(i), base())))
		post(t, s, public("ansi", "Bob", fmt.Sprint(i), base()))
		post(t, s, letter("Alice", "Bob", fmt.Sprint(i), base()))
	}
	tests := []struct {
		q    store.MessageQuery
		want int
	}{
		{store.MessageQuery{Area: "general"}, 5},
		{store.MessageQuery{Area: "general", AfterID: general[1].ID}, 3},
		{store.MessageQuery{Area: "general", AfterID: general[4].ID}, 0},
		{store.MessageQuery{Area: "general", AfterID: general[1].ID, Limit: 1}, 3}, // Limit is ignored
		{store.MessageQuery{Area: "general", Limit: -1}, 5},
		// Each round posts in general, then ansi, then to Alice.
		{store.MessageQuery{Area: "ansi", AfterID: general[2].ID}, 3},
		{store.MessageQuery{Area: "nothing"}, 0},
		{store.MessageQuery{To: "ALICE", AfterID: general[3].ID}, 2},
		{store.MessageQuery{To: "nobody"}, 0},
	}
	for _, tt := range tests {
		if got := countAfter(t, s, tt.q); got != tt.want {
			t.Errorf("CountAfter(%+v) = %d; want %d", tt.q, got, tt.want)
		}
	}
	if err := s.Messages.DeleteMessage(ctx, general[3].ID); err != nil {
		t.Fatalf("DeleteMessage(%d) = %v; want nil", general[3].ID, err)
	}
	q := store.MessageQuery{Area: "general", AfterID: general[1].ID}
	if got := countAfter(t, s, q); got != 2 {
		t.Errorf("CountAfter(%+v) after DeleteMessage = %d; want 2", q, got)
	}
}

// lastRead returns the user's read pointer or ends the test.
func lastRead(t *testing.T, s *store.Store, handle, area string) int64 {
	t.Helper()
	id, err := s.Messages.LastRead(t.Context(), handle, area)
	if err != nil {
		t.Fatalf("LastRead(%q, %q) = %v; want nil", handle, area, err)
	}
	return id
}

// setLastRead moves the user's read pointer or ends the test.
func setLastRead(t *testing.T, s *store.Store, handle, area string, id int64) {
	t.Helper()
	if err := s.Messages.SetLastRead(t.Context(), handle, area, id); err != nil {
		t.Fatalf("SetLastRead(%q, %q, %d) = %v; want nil", handle, area, id, err)
	}
}

func testReadPointers(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	create(t, s, newUser("Bob"))
	if got := lastRead(t, s, "Alice", "general"); got != 0 {
		t.Errorf(`LastRead("Alice", "general") at first = %d; want 0`, got)
	}

	// Each step sets one pointer, then every pointer is checked: only
	// the user's pointer in that area moves, and only forward. The ID
	// need not be a message's.
	steps := []struct {
		handle, area string
		id           int64
	}{
		{"Alice", "general", 5},
		{"ALICE", "general", 3}, // back: ignored
		{"alice", "general", 5}, // same: no change
		{"Alice", "general", 9},
		{"Alice", "", 2}, // private mail has its pointer
		{"Bob", "general", 4},
		{"Bob", "General", 7}, // tags compared byte by byte
		{"Bob", "ansi", -1},   // below 0: stays 0
		{"Bob", "general", 0}, // back to 0: ignored
	}
	want := map[[2]string]int64{}
	for i, st := range steps {
		setLastRead(t, s, st.handle, st.area, st.id)
		k := [2]string{fold(st.handle), st.area}
		want[k] = max(want[k], st.id)
		for _, h := range []string{"alice", "bob"} {
			for _, area := range []string{"general", "General", "ansi", ""} {
				w := want[[2]string{h, area}]
				if got := lastRead(t, s, h, area); got != w {
					t.Errorf("step %d: LastRead(%q, %q) = %d; want %d", i, h, area, got, w)
				}
			}
		}
	}

	// An unknown user has read nothing and cannot set a pointer.
	for _, h := range []string{"nobody", "Alice ", ""} {
		if got, err := s.Messages.LastRead(ctx, h, "general"); err != nil || got != 0 {
			t.Errorf("LastRead(%q, general) = %d, %v; want 0, nil", h, got, err)
		}
		if err := s.Messages.SetLastRead(ctx, h, "general", 10); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetLastRead(%q, general, 10) = %v; want ErrNotFound", h, err)
		}
	}
}

// testReadPointersUser checks that read pointers belong to the account:
// they follow a rename and go with the account.
func testReadPointersUser(t *testing.T, s *store.Store) {
	ctx := t.Context()
	u := create(t, s, newUser("Alice"))
	setLastRead(t, s, "Alice", "general", 12)
	setLastRead(t, s, "Alice", "", 3)

	u.Handle = "Alicia"
	if err := s.Users.UpdateUser(ctx, u); err != nil {
		t.Fatalf("UpdateUser(%q) = %v; want nil", u.Handle, err)
	}
	if got := lastRead(t, s, "alicia", "general"); got != 12 {
		t.Errorf(`LastRead("alicia", "general") after rename = %d; want 12`, got)
	}
	if got := lastRead(t, s, "alicia", ""); got != 3 {
		t.Errorf(`LastRead("alicia", "") after rename = %d; want 3`, got)
	}
	if got := lastRead(t, s, "Alice", "general"); got != 0 {
		t.Errorf(`LastRead("Alice", "general") after rename = %d; want 0`, got)
	}

	if err := s.Users.DeleteUser(ctx, "Alicia"); err != nil {
		t.Fatalf(`DeleteUser("Alicia") = %v; want nil`, err)
	}
	if got := lastRead(t, s, "Alicia", "general"); got != 0 {
		t.Errorf(`LastRead("Alicia", "general") after DeleteUser = %d; want 0`, got)
	}
	// A new account under the handle starts from 0, and its pointer can
	// be set low again.
	create(t, s, newUser("alicia"))
	if got := lastRead(t, s, "Alicia", "general"); got != 0 {
		t.Errorf(`LastRead("Alicia", "general") recreated = %d; want 0`, got)
	}
	setLastRead(t, s, "Alicia", "general", 1)
	if got := lastRead(t, s, "Alicia", "general"); got != 1 {
		t.Errorf(`LastRead("Alicia", "general") recreated, set to 1 = %d; want 1`, got)
	}
}
