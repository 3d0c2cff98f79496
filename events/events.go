package events

import (
	"sync"
)

// Topics published by x84 itself. Chat rooms and users have topics of
// their own: ChatTopic and UserTopic.
const (
	// TopicPresence: a session started or ended, or a caller logged in
	// (Presence).
	TopicPresence = "presence"
	// TopicOneliner: a one-liner was posted or deleted (OnelinerPosted).
	TopicOneliner = "oneliner"
	// TopicBroadcast: a message from the sysop to every session
	// (Broadcast).
	TopicBroadcast = "broadcast"
	// TopicMessage: a message or letter was posted or deleted
	// (MessageChanged).
	TopicMessage = "message"
	// TopicVote: a vote was cast or a poll deleted (VoteChanged).
	TopicVote = "vote"
	// TopicCluster: the nodes of a cluster speaking to each other
	// (NodeSessions, Disconnect, BansChanged).
	TopicCluster = "cluster"
)

// UserTopic is the topic of notices for one user (Page, Mail), by handle
// key (store.HandleKey).
func UserTopic(handleKey string) string { return "user:" + handleKey }

// ChatTopic is the topic of a chat room's lines (ChatLine).
func ChatTopic(room string) string { return "chat:" + room }

// Event is one notice.
type Event struct {
	Topic string
	// Node names the x84 process that published the event; the bus fills
	// it in.
	Node string
	// Data is the notice's content, one of this package's payload types.
	Data Payload
}

// Bus publishes events to subscribers by topic.
type Bus interface {
	// Publish delivers ev to every subscriber of ev.Topic. It never blocks
	// on a subscriber.
	Publish(ev Event)
	// Subscribe calls deliver for every event published on topic until the
	// returned cancel function is called. deliver runs on the publisher's
	// goroutine and must not block.
	Subscribe(topic string, deliver func(Event)) (cancel func())
}

// Local is a Bus within one process. The zero value is ready to use.
type Local struct {
	// Node is stamped on every event published here.
	Node string

	mu   sync.RWMutex
	subs map[string]map[*func(Event)]struct{}
}

// Publish delivers ev to the topic's subscribers.
func (b *Local) Publish(ev Event) {
	ev.Node = b.Node
	b.Deliver(ev)
}

// Deliver hands ev to its topic's subscribers as it is, Node included:
// a bus between processes delivers through it what another node
// published.
func (b *Local) Deliver(ev Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for f := range b.subs[ev.Topic] {
		(*f)(ev)
	}
}

// Subscribe registers deliver for topic.
func (b *Local) Subscribe(topic string, deliver func(Event)) (cancel func()) {
	f := &deliver
	b.mu.Lock()
	if b.subs == nil {
		b.subs = make(map[string]map[*func(Event)]struct{})
	}
	if b.subs[topic] == nil {
		b.subs[topic] = make(map[*func(Event)]struct{})
	}
	b.subs[topic][f] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			delete(b.subs[topic], f)
			if len(b.subs[topic]) == 0 {
				delete(b.subs, topic)
			}
		})
	}
}
