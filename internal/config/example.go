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
# How many one-liners the wall shows (1 to 1000).
oneliner_count = 20
# The longest one-liner, in characters (10 to 200).
oneliner_length = 60
# How long a caller waits between one-liners ("0" not at all).
oneliner_interval = "1m"
# How many calls the last callers screen lists (1 to 1000).
last_callers = 20
# A chat room with more callers than this (2 to 100000) sums up arrivals
# and departures in one line per chat_crowd_every instead of a line each.
chat_crowd = 20
# How often a crowded room says who came and went (100ms to 1m).
chat_crowd_every = "1s"
# The public message areas: lower-case tags of 1 to 16 letters, digits or '-'.
areas = ["general", "x84"]
# The screens' colours, box characters and prompts: "default", "plain"
# (high contrast, ASCII boxes) or a theme of DATA/themes/NAME.toml.
theme = "default"
# The board's default language: "en" (English), "de" (German) or a
# language of DATA/lang/TAG.toml. Callers see the language their account
# chose (profile), else their terminal's LANG, else this one; a theme's
# strings and the menu files are taken to be in this language.
language = "en"
# Let callers colour their one-liners with pipe codes |00 to |23 (text that
# would be invisible is left uncoloured); off, the codes show as typed.
caller_colors = false

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

[ssh]
# Accept ssh connections (and sftp to the file area).
enabled = true
# Host name or IP address to listen on; "" means all.
address = "127.0.0.1"
# TCP port, 0 to 65535; 0 picks any free port.
port = 6022
# Paths of existing host keys; empty: DATA/ssh_host_*_key, made on first start.
host_keys = []
# Time for the handshake and login, then again for asking for a shell.
auth_timeout = "30s"
# Login attempts one connection gets (1 to 20).
max_auth_tries = 6

[rlogin]
# Accept rlogin connections (RFC 1282; it sends everything in the clear).
enabled = false
# Host name or IP address to listen on; "" means all.
address = "127.0.0.1"
# TCP port, 0 to 65535; 0 picks any free port.
port = 6513
# Time a client gets to send its user and terminal names.
handshake_timeout = "5s"

[web]
# Serve HTTPS: the board in a browser, telnet over WebSocket, a JSON API.
enabled = true
# Host name or IP address to listen on; "" means all.
address = "127.0.0.1"
# TCP port, 0 to 65535; 0 picks any free port.
port = 8443
# Certificate (PEM); "" with key "" means a self-signed one made in DATA/tls.
cert = ""
# The certificate's private key (PEM).
key = ""
# Intermediate certificates (PEM), if cert does not include them.
chain = ""
# A plain-HTTP port that only redirects to HTTPS; 0 means none.
redirect_port = 0
# Bearer token that lets non-loopback clients read /metrics; "" allows loopback only.
metrics_token = ""
# Origins besides this server's whose pages may open the WebSockets, e.g. ["https://example.com"].
allowed_origins = []
# Largest request body, in bytes.
max_body = 65536
# Largest WebSocket message a client may send, in bytes.
max_message = 65536
# Time for the TLS handshake and a request's headers.
read_header_timeout = "10s"
# Time to read a whole request.
read_timeout = "30s"
# Time to write a response (WebSockets have their own limits).
write_timeout = "30s"
# How long an idle keep-alive connection stays open.
idle_timeout = "15s"
# Time a browser terminal has to send its window size once connected.
hello_timeout = "5s"
# Let anyone read who is online at GET /api/who.
public_who = true

[admin]
# Serve the web admin, for sysops, at /admin/ on the HTTPS server.
enabled = true
# End an admin session not used for this long, 1m to 24h.
idle_timeout = "30m"
# End any admin session this old, idle_timeout to 30 days.
session_lifetime = "12h"
# Time a sysop with two-factor login has to give the code, 30s to 30m.
login_timeout = "5m"
# Admin sessions held at once, logins waiting for a code included, 1 to 1000.
max_sessions = 16
# One sysop's sessions at once, 1 to 100: a new login ends the one unused longest.
max_sessions_per_user = 4
# Logins waiting for a code of one account, 1 to 100.
max_pending_logins_per_user = 2
# Logins waiting for a code from one address, 1 to 100: a new one ends the oldest.
max_pending_logins_per_address = 2
# The shortest IPv4 range the admin may ban, 1 to 32.
min_ban_bits_ipv4 = 8
# The shortest IPv6 range the admin may ban, 1 to 128.
min_ban_bits_ipv6 = 16
# Users, messages or one-liners on one admin page, 10 to 500.
page_size = 50
# Time between the points of the admin's charts of the last day, 1m to 1h.
chart_interval = "5m"

[files]
# The file area's folder; "" means DATA/files.
dir = ""
# The folder in the area where callers may upload.
upload_dir = "uploads"
# Largest file a caller may upload, in MiB.
max_upload_mib = 256
# Space one caller may use in the upload folder, in MiB (sysops are exempt).
quota_mib = 1024
# Files one caller may keep in the upload folder (sysops are exempt).
max_files_per_user = 500
# Open files and listings of one sftp session, 1 to 4096...
max_open_files = 64
# ...and of all of one user's sftp sessions together.
max_open_files_per_user = 128
# sftp sessions of one user at once, 1 to 1000.
max_sessions_per_user = 4
# Requests per second of one sftp session, besides reads and writes of open
# files; more wait their turn.
max_requests_per_second = 200
# Files one caller may tag for a batch download, 1 to 10000.
max_tags = 100
# Largest batch download, in MiB.
max_batch_mib = 1024
# Download ratio: above 0, a caller may download this many bytes for each
# byte uploaded, after ratio_free_mib MiB (sysops are exempt). 0: no ratio.
ratio = 0
# Free downloads before the ratio applies, in MiB.
ratio_free_mib = 0
# How long a browser terminal's download link works.
link_lifetime = "10m"
# How long a caller's terminal has to start a file transfer (ZMODEM, YMODEM,
# XMODEM); once it runs, each protocol's own timeouts apply (10 s a block).
transfer_timeout = "1m"

# The Files screen's areas, in order: folders of the file area. With none,
# there is one area, "Files", the whole area. Uncomment and edit:
#
# [[files.area]]
# name = "DOS games"
# # The folder inside the file area ("" is its root).
# dir = "games/dos"
# description = "Shareware from the nineties"
# # Who may upload from this area: everyone, sysops or nobody. Uploads wait
# # in the upload folder until a sysop releases them.
# upload = "everyone"
# # Only sysops see the area, in the Files screen and over sftp.
# sysop_only = false
# # Only callers of this level (0 to 255) and in this group see it, in the
# # Files screen and over sftp (areas sharing a folder must need the same).
# level = 0
# group = ""

[accounts]
# Shortest handle, 1 to 64 characters.
handle_min = 3
# Longest handle, handle_min to 64 characters.
handle_max = 16
# Regular expression (Go RE2 syntax) a handle must match whole.
handle_pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
# Handles refused in any case: the login prompt's commands and staff-like
# names. The login prompt's words are refused even when not listed.
reserved = ["new", "apply", "forgot", "bye", "logoff", "logout", "quit", "exit", "sysop", "anonymous", "guest", "root", "admin", "all", "nobody", "x84"]
# Shortest password, 1 to 128 characters.
password_min = 8
# Wrong passwords before the call ends, 1 to 100.
max_login_attempts = 3
# Time to log in or finish the new-user application, 10s to 1h.
login_timeout = "5m"
# Let "anonymous" or "guest" log in with no password.
allow_anonymous = false
# Memory for each password hash (argon2id), in KiB: 1024 to 1048576.
argon2_memory_kib = 19456
# Passes over that memory, 1 to 100.
argon2_time = 2
# Threads for each password hash, 1 to 64.
argon2_threads = 1
# Wrong two-factor codes of one account, 1 to 1000, within totp_window of
# the first, after which its codes are refused unchecked until the window
# ends. Each node of a cluster counts its own.
totp_max_failures = 5
# That window, 1m to 24h.
totp_window = "15m"

[access]
# Security level of new accounts, 0 to 255 (sysops have 255). Menu entries,
# message and file areas and doors may need a level or a group. The built-in
# main menu's Messages, Voting booth, Files, Doors and Extras need level 10:
# below it, new accounts do not see them (x84 menus check warns).
new_level = 10
# New accounts await a sysop's validation (x84 user validate NAME, or the user
# editor): until then they count as level 0 in no group.
validation = false

# What a message area of [board] areas needs: a level, a group, or both.
# Uncomment and edit:
#
# [access.areas.x84]
# level = 20
# group = "staff"

[ban]
# Failed logins from one address (for IPv6, one /64) that ban it, 1 to 1000...
max_failures = 3
# ...when they come within this time of the first ("1s" to "24h").
window = "30s"
# Length of a first ban.
ban_time = "6m"
# Added to each repeat ban of the same address; "0" keeps them all at ban_time.
increment = "6m"
# Longest ban (at least ban_time).
max_ban_time = "24h"
# Addresses or CIDR ranges never banned, e.g. ["127.0.0.1", "192.0.2.0/24"].
allow = []
# Addresses or CIDR ranges always refused.
deny = []

[store]
# A PostgreSQL database for the board's records, shared by every node of a
# cluster: "postgres://user:password@host:5432/db?sslmode=require". Empty
# keeps the embedded SQLite file DATA/x84.db. X84_STORE_URL overrides it.
url = ""
# Most connections this node opens to PostgreSQL (1 to 1000).
max_conns = 16

[cluster]
# This node's name in logs, who's online and x84 who; empty means the host
# name and the telnet port ("bbs1:6023"). Used only with a [store] url.
name = ""
# How often the node tells the others it is alive (100ms to 1m).
heartbeat = "5s"
# A node silent this long is taken for dead: its callers leave who's
# online everywhere (at least three heartbeats, at most 10m).
node_timeout = "15s"

[scripts]
# How long a script's JavaScript may run between two waits for the caller
# before it is stopped, with a message to the caller (10ms to 1m).
time_limit = "2s"
# How much a script may grow the heap between two waits before it is
# stopped (1 to 4096 MiB; measured for the whole process, see the README).
memory_mib = 64

[mail]
# The SMTP server that sends password reset codes: a host name or IP
# address. Empty turns mail off, and with it "forgot" at the login screen.
host = ""
# Its port; 0 means 587 for starttls, 465 for tls and 25 for none.
port = 0
# starttls (TLS before anything is sent), tls (TLS from the start) or none
# (clear text: only for a loopback host such as 127.0.0.1).
tls = "starttls"
# The user to log in to the server as (SMTP AUTH); empty sends without.
user = ""
# Its password; X84_MAIL_PASSWORD, when set, takes its place.
password = ""
# The sender, e.g. "x84 <bbs@example.org>"; required with a host.
from = ""
# Longest delivery of one mail to the server (1s to 10m).
timeout = "30s"
# Mails waiting to be sent (1 to 100000); more are dropped and logged.
queue = 100
# How long a mailed reset code works (1m to 24h).
reset_lifetime = "15m"
# Least time between two reset mails to one account ("0" to 24h). With
# "0" every request mails a new code that replaces the pending one, so a
# caller within the other limits can keep another's code changing.
reset_interval = "10m"
# Reset requests taken from one address (IPv6: one /64) within
# reset_window (1 to 10000); more get the same answer and send nothing.
reset_per_address = 5
# The window of reset_per_address and reset_per_network (1m to 24h).
reset_window = "1h"
# Reset requests taken from the addresses of one network (an IPv4 /24, an
# IPv6 /48) together within reset_window (reset_per_address to 100000).
reset_per_network = 20
# Reset mails the whole board sends in an hour (1 to 100000); past it,
# requests send nothing and the log says so.
reset_mails_per_hour = 100

[log]
# Least severe messages logged: debug, info, warn or error.
level = "info"
# Log format: text or json.
format = "text"
# Longest string from a caller (a path, a handle) written to the log, in bytes.
max_value = 256
# Lines one sftp session may log each second (refusals, uploads); the rest are counted.
sftp_lines_per_second = 5

# Doors: external programs callers run from the Doors menu (main menu D).
# There are none by default; each [[door]] table adds one. Uncomment and edit:
#
# [[door]]
# # Name in logs and who's online, and the working directory DATA/doors/NAME/NODE.
# name = "robots"
# # Key in the Doors menu (one letter or digit, not Q) and its text.
# key = "r"
# label = "Robots (bsdgames)"
# # The program (a path, or a name in path) and its arguments; no shell. In args,
# # {node} {handle} {dropfile} {cols} {rows} {data} are replaced.
# command = "robots"
# args = []
# # Working directory ({node} and {data} replaced); "" means DATA/doors/NAME/NODE.
# dir = ""
# # Dropfile: none, door.sys, door32.sys, dorinfo, callinfo.bbs or chain.txt, written
# # to dropfile_dir ({node} and {data} replaced; "" means DATA/doors/NAME/NODE).
# dropfile = "none"
# dropfile_dir = ""
# # What the door speaks, utf-8 or cp437; callers' sessions are transcoded.
# encoding = "utf-8"
# # Callers in the door at once (0: no limit).
# max_nodes = 0
# # Minutes a caller may stay (0: no limit); warned a minute before.
# time_limit = 0
# # Listed and run for sysops only.
# sysop_only = false
# # Listed and run only for callers of this level (0 to 255) and in this group.
# level = 0
# group = ""
# # Extra environment variables (TERM, LINES, COLUMNS, HOME, LANG, PATH are set).
# env = { }
# # The door's PATH ("" means /usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games).
# path = ""
# # A smaller window is asked to grow before the door starts (0: any size).
# min_cols = 0
# min_rows = 0
`
