package events

import "time"

// Payload is the content of an event: one of the types below, each of
// which has a byte encoding (see Marshal). The set is closed so that
// every node of a cluster can decode every event.
type Payload interface {
	payload() kind
}

// Presence: a session started or ended, or a caller logged in. Who's
// online reads the sessions again; the event says only that something
// changed.
type Presence struct{}

// OnelinerPosted: a one-liner was stored, or the one with the ID was
// deleted by a sysop: either way the wall changed.
type OnelinerPosted struct {
	ID int64 `json:"id"`
}

// Broadcast is a message from the sysop to every caller.
type Broadcast struct {
	Text string `json:"text"`
}

// Page asks a user to join the pager in a private chat room.
type Page struct {
	From     string `json:"from"` // the pager's handle
	FromNode int    `json:"from_node"`
	Room     string `json:"room"` // the private chat room to join
	// ToNode is the node paged: the paged user's other sessions, which
	// hear the page too (it goes to the user's topic), let it pass.
	ToNode int `json:"to_node"`
}

// Mail tells a user that a letter has come.
type Mail struct {
	ID      int64  `json:"id"`
	From    string `json:"from"`
	Subject string `json:"subject"`
}

// What a chat line is.
const (
	ChatSay    = "say"    // a line of conversation
	ChatMe     = "me"     // an action: "* erin waves"
	ChatJoin   = "join"   // someone entered the room
	ChatLeave  = "leave"  // someone left it
	ChatSystem = "system" // the board speaking
	// ChatDecline: the paged caller, Handle, cannot chat now. Screens
	// say it in each caller's language; Text says it in English.
	ChatDecline = "decline"
)

// ChatLine is one line said in a chat room (topic ChatTopic(Room)).
type ChatLine struct {
	Room   string    `json:"room"`
	Handle string    `json:"handle"`
	Text   string    `json:"text"`
	Act    string    `json:"act"` // ChatSay, ChatMe, ChatJoin, ChatLeave, ChatSystem or ChatDecline
	At     time.Time `json:"at"`
	// Seq numbers the room's lines in the order they were said, one
	// after another, so that a screen holding a room's history can tell a
	// line it already has from a new one, and count the lines it missed.
	Seq uint64 `json:"seq"`
	// Others, on a join or leave line in a crowded room, is how many
	// more came (or went) with Handle since the room's last such line.
	Others int `json:"others,omitempty"`
}

// MessageChanged: a message or letter was posted or deleted.
type MessageChanged struct {
	ID int64 `json:"id"`
}

// VoteChanged: a vote was cast in a poll, or the poll deleted. Node is
// the session that did it, whose own screen is up to date already.
type VoteChanged struct {
	Poll int64 `json:"poll"`
	Node int   `json:"node"`
}

// NodeSessions: a node of a cluster stored its list of sessions anew
// (topic TopicCluster); the others read it again.
type NodeSessions struct{}

// Disconnect asks the node named Host of a cluster to end the call on its
// node Node, or, when Handle is set, every node to end every call of that
// user (topic TopicCluster). Line is written to the caller first.
type Disconnect struct {
	Host   string `json:"host,omitempty"`
	Node   int    `json:"node,omitempty"`
	Handle string `json:"handle,omitempty"`
	Line   string `json:"line"`
	// Since is when the call on Node began, as the asking node saw it:
	// a later call that took the number is left alone.
	Since time.Time `json:"since,omitzero"`
}

// BansChanged: a ban was made or lifted (topic TopicCluster); every node
// reads the bans again.
type BansChanged struct{}

// kind names a payload type in the encoding.
type kind string

const (
	kindPresence       kind = "presence"
	kindOneliner       kind = "oneliner"
	kindBroadcast      kind = "broadcast"
	kindPage           kind = "page"
	kindMail           kind = "mail"
	kindChatLine       kind = "chat"
	kindMessageChanged kind = "message"
	kindVoteChanged    kind = "vote"
	kindNodeSessions   kind = "node-sessions"
	kindDisconnect     kind = "disconnect"
	kindBansChanged    kind = "bans"
)

func (Presence) payload() kind       { return kindPresence }
func (OnelinerPosted) payload() kind { return kindOneliner }
func (Broadcast) payload() kind      { return kindBroadcast }
func (Page) payload() kind           { return kindPage }
func (Mail) payload() kind           { return kindMail }
func (ChatLine) payload() kind       { return kindChatLine }
func (MessageChanged) payload() kind { return kindMessageChanged }
func (VoteChanged) payload() kind    { return kindVoteChanged }
func (NodeSessions) payload() kind   { return kindNodeSessions }
func (Disconnect) payload() kind     { return kindDisconnect }
func (BansChanged) payload() kind    { return kindBansChanged }

// allKinds lists every payload kind, for the tests that check each one
// round-trips.
var allKinds = [...]kind{kindPresence, kindOneliner, kindBroadcast, kindPage, kindMail, kindChatLine, kindMessageChanged, kindVoteChanged,
	kindNodeSessions, kindDisconnect, kindBansChanged, kindScript}

// decodeInto returns a pointer to a zero payload of kind k, for
// unmarshalling, and a function that returns the decoded value.
func decodeInto(k kind) (any, func() Payload) {
	switch k {
	case kindPresence:
		var p Presence
		return &p, func() Payload { return p }
	case kindOneliner:
		var p OnelinerPosted
		return &p, func() Payload { return p }
	case kindBroadcast:
		var p Broadcast
		return &p, func() Payload { return p }
	case kindPage:
		var p Page
		return &p, func() Payload { return p }
	case kindMail:
		var p Mail
		return &p, func() Payload { return p }
	case kindChatLine:
		var p ChatLine
		return &p, func() Payload { return p }
	case kindMessageChanged:
		var p MessageChanged
		return &p, func() Payload { return p }
	case kindVoteChanged:
		var p VoteChanged
		return &p, func() Payload { return p }
	case kindNodeSessions:
		var p NodeSessions
		return &p, func() Payload { return p }
	case kindDisconnect:
		var p Disconnect
		return &p, func() Payload { return p }
	case kindBansChanged:
		var p BansChanged
		return &p, func() Payload { return p }
	case kindScript:
		var p Script
		return &p, func() Payload { return p }
	}
	return nil, nil
}

// fits reports whether a payload of kind k may travel on topic: each
// topic carries the kinds its subscribers expect, and no other.
func fits(topic string, k kind) bool {
	switch {
	case topic == TopicPresence:
		return k == kindPresence
	case topic == TopicOneliner:
		return k == kindOneliner
	case topic == TopicBroadcast:
		return k == kindBroadcast
	case topic == TopicMessage:
		return k == kindMessageChanged
	case topic == TopicVote:
		return k == kindVoteChanged
	case topic == TopicCluster:
		return k == kindNodeSessions || k == kindDisconnect || k == kindBansChanged
	case len(topic) > len("chat:") && topic[:len("chat:")] == "chat:":
		return k == kindChatLine
	case len(topic) > len("user:") && topic[:len("user:")] == "user:":
		return k == kindPage || k == kindMail
	case len(topic) > len("script:") && topic[:len("script:")] == "script:":
		return k == kindScript
	}
	return false
}
