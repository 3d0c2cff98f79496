// Package cluster makes one x84 process a node of a cluster: several
// processes sharing one PostgreSQL database serve one board.
//
// Join claims the node's name in the cluster_nodes table (a live node of
// the same name is refused; a dead one's name is taken over) and makes
// the node the session registry's source of node numbers: a session takes
// the lowest number no node holds, from node_numbers, so numbers are
// unique across the cluster.
//
// Who's online: each node stores its sessions (a JSON array), and its
// chat rooms' members (ShareRooms), in its row,
// shortly after a call starts or ends (changes are gathered for 100ms,
// then one write and a NodeSessions event on the bus) and at every
// heartbeat. The others read the rows on that event and at every
// heartbeat, and Presence merges them with the node's own registry, which
// stays the fast path: a node's own sessions are always read live.
//
// Death: a node whose heartbeat is older than NodeTimeout is deleted by
// the first node to see it, which frees its numbers; readers leave out a
// node silent for NodeTimeout less one heartbeat, so its callers leave
// who's online within NodeTimeout of its last heartbeat. A node taken for
// dead that is in fact alive (a network partition) writes its row and its
// numbers again at its next heartbeat.
//
// Disconnects and bans cross nodes as events on the bus (TopicCluster):
// Disconnect names the node and number, or a user whose every call ends;
// BansChanged has every node read the bans again (Node.OnBans).
//
// Concurrency: one goroutine per node runs the heartbeat and the writes
// and reads of sessions; Take and Free run on the sessions' goroutines.
// Leave stops it, removes the node's row (its callers leave who's online
// everywhere at once) and waits for everything it started.
package cluster
