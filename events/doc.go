// Package events carries live notices between sessions: someone arrived
// or left, a one-liner was posted, a page, a broadcast, a line of chat.
//
// A Bus publishes an Event to everyone subscribed to its topic. The Local
// bus works inside one process; a bus over PostgreSQL LISTEN/NOTIFY will
// implement the same interface so that several x84 nodes share events
// (events carry the node that published them, and their Data must then be
// encodable as JSON).
//
// Delivery never blocks the publisher: a subscriber's deliver function is
// called on the publisher's goroutine and must only hand the event over
// (a session puts it in its bounded mailbox and drops it, counted, when the
// mailbox is full), so a slow session can never slow the others.
//
// Concurrency: a Bus is safe for concurrent use. Deliver functions may be
// called concurrently from several publishers.
package events
