// Package events carries live notices between sessions: someone arrived
// or left, a one-liner was posted, a page, a broadcast, a line of chat.
//
// A Bus publishes an Event to everyone subscribed to its topic. Every
// event's Data is one of this package's payload types (Presence,
// OnelinerPosted, Broadcast, Page, Mail, ChatLine, MessageChanged,
// VoteChanged, Script), each with a byte encoding: Marshal turns an event into
// bytes and Unmarshal turns them back, so that any event can cross a
// process boundary. Local is the bus within one process; Encoded is a bus
// that sends every event through the encoding, as a bus between processes
// (PostgreSQL LISTEN/NOTIFY) will, so tests can prove that subscribers
// need nothing but the bytes.
//
// Topics and their payloads:
//
//	presence           Presence        a session started or ended, or a caller logged in
//	oneliner           OnelinerPosted  a one-liner was posted or deleted
//	broadcast          Broadcast       a message from the sysop to everyone
//	message            MessageChanged  a message or letter was posted or deleted
//	vote               VoteChanged     a vote was cast or a poll deleted
//	cluster            NodeSessions,   nodes of a cluster: sessions stored anew,
//	                   Disconnect,     a call to end,
//	                   BansChanged     a ban made or lifted
//	chat:ROOM          ChatLine        a line said in a chat room
//	user:HANDLEKEY     Page, Mail      notices for one user, on all their sessions
//	script:NAME        Script          an event of a sysop's script, to its other runs
//
// Delivery never blocks the publisher: a subscriber's deliver function is
// called on the publisher's goroutine and must only hand the event over
// (a session puts it in its bounded inbox and drops it, counted, when the
// inbox is full), so a slow session can never slow the others.
//
// Concurrency: a Bus is safe for concurrent use. Deliver functions may be
// called concurrently from several publishers, and are called while the
// bus holds its read lock (see LOCKING.md): they must not publish or
// subscribe.
package events
