package events

// ScriptTopic is the topic of the events a sysop's script publishes to
// the callers running it (Script), by the script's name.
func ScriptTopic(script string) string { return "script:" + script }

// MaxScriptData bounds Script.Data, in bytes.
const MaxScriptData = 4 << 10

// Script is an event a sysop's script published (bbs.events.publish) to
// every caller running the same script, on any node.
type Script struct {
	// Name is the event's name, chosen by the script.
	Name string `json:"name"`
	// Data is the script's value as JSON text, at most MaxScriptData
	// bytes.
	Data string `json:"data"`
	// From is the publisher's handle ("" for an anonymous caller) and
	// FromNode its node.
	From     string `json:"from"`
	FromNode int    `json:"from_node"`
	// Run tells one run of a script from another, so that a run does not
	// hear its own events.
	Run uint64 `json:"run"`
}

const kindScript kind = "script"

func (Script) payload() kind { return kindScript }
