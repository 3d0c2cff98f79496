package config

// Example returns a configuration file that sets every key to its default,
// each with a one-line comment. TestExample checks that it parses to
// exactly Default() and names every key, so it cannot drift from the code.
func Example() string { return example }

const example = `# x84.toml: x84's configuration, read from the data directory.
# Every key is optional; the values shown are the defaults.
# Durations are strings such as "30m", "1.5s" or "0".

[board]
# The BBS's name, shown to callers.
name = "x84"

[server]
# Most sessions at once, over all protocols.
max_sessions = 2000
# Most sessions at once from one IP address.
max_per_address = 20
# Disconnect a session idle this long; "0" never does.
idle_timeout = "30m"
# Warn an idle session this long before disconnecting it.
idle_warning = "1m"
# How long sessions get to finish when the server stops (at most "1m").
shutdown_grace = "4s"

[telnet]
# Accept telnet connections.
enabled = true
# Host name or IP address to listen on ("::1" or "[::1]"); "" means all.
address = "127.0.0.1"
# TCP port, 0 to 65535; 0 picks any free port.
port = 6023
# Largest telnet subnegotiation accepted, in bytes (64 to 1048576).
max_subnegotiation = 65534
# How long to wait for a client that answers no telnet option.
negotiation_timeout = "1s"
# Longest negotiation with a client that answers only some options.
negotiation_limit = "2s"

[log]
# Least severe messages logged: debug, info, warn or error.
level = "info"
# Log format: text or json.
format = "text"
`
