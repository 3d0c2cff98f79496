// Package pgbus is the event bus of a cluster: several x84 nodes that
// share one PostgreSQL database share their events (presence, chat,
// pages, broadcasts, one-liners, votes, mail) through its LISTEN/NOTIFY.
//
// Every event, this node's own included, goes to the server and comes
// back: PostgreSQL delivers notifications in the order their transactions
// committed, the same order on every node, so two callers on two nodes
// see a room's chat lines in one order. An event is sent as
// "RUN:SEQ JSON" (events.Marshal), where RUN is random for each opening
// of the bus and SEQ numbers its events: a receiver drops an event of a
// run numbered no higher than the last it heard of that run (a batch sent
// twice), whatever the clocks say. One over NOTIFY's 8000-byte limit is
// written to the bus_spill table (made by the store's migrations, pruned
// after a minute) and "RUN:SEQ @ID" sent.
//
// Two goroutines and two connections per bus: the sender batches queued
// events into one round trip (a bounded queue: Publish never blocks; a
// full queue drops and counts), and the listener delivers what arrives on
// its own goroutine, through the SetArrive hook, to the subscribers. A
// lost connection is dialled again with backoff (100ms doubling to 5s).
// While the listener is cut off, this node's own events are delivered at
// once so the node works alone (with those it had sent and not heard back
// when the link broke), other nodes' events are missed, and Config.OnGap
// says for how long once the link is back. An event that waited more than
// 30 seconds for the server is dropped, not shown late.
//
// Delivery: the arrival hook (SetArrive) and the subscribers see each
// event as one step under a lock, so events reach subscribers in the
// order the hook numbered them, also when a cut-off node delivers from
// its publishers' goroutines.
package pgbus
