// Package pgbus is the event bus of a cluster: several x84 nodes that
// share one PostgreSQL database share their events (presence, chat,
// pages, broadcasts, one-liners, votes, mail) through its LISTEN/NOTIFY.
//
// Every event, this node's own included, goes to the server and comes
// back: PostgreSQL delivers notifications in the order their transactions
// committed, the same order on every node, so two callers on two nodes
// see a room's chat lines in one order. An event is sent as
// "SEQ JSON" (events.Marshal), where SEQ counts the sender's events; one
// over NOTIFY's 8000-byte limit is written to the bus_spill table (made
// by the store's migrations, pruned after a minute) and "SEQ @ID" sent.
//
// Two goroutines and two connections per bus: the sender batches queued
// events into one round trip (a bounded queue: Publish never blocks; a
// full queue drops and counts), and the listener delivers what arrives on
// its own goroutine, through the SetArrive hook, to the subscribers. A
// lost connection is dialled again with backoff (100ms doubling to 5s).
// While the listener is cut off, this node's own events are delivered at
// once so the node works alone, other nodes' events are missed, and
// Config.OnGap says for how long once the link is back.
package pgbus
