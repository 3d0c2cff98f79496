// Package community holds the rules of the board's shared places, with no
// user interface: one-liners, chat rooms, paging, broadcasts, messages
// and polls. The board's screens, the web API, the control socket
// (`x84 broadcast`) and a custom board all call these services, so each
// rule lives in one place and is tested there.
//
// New builds them all, as a Services, from a Config. The changes live
// screens follow are announced on the event bus (a one-liner, a chat
// line, a page, a broadcast, a message or letter, a vote), so that they
// follow on this node and, with a bus between processes, on others.
//
// State that lives in one process sits behind small interfaces, so that
// several nodes sharing a board can replace it: Presence (who is online;
// LocalPresence over a session.Registry) and Rooms (chat rooms' members
// and recent lines; LocalRooms).
//
// Chat scales to rooms of thousands: a line costs one queue append per
// member (Rooms.Say, under the room's lock, never waiting on anyone);
// a member too slow to take lines loses the oldest, and the board tells
// it how many from the room's line numbers (ChatLine.Seq, 1, 2, 3… per
// room); and a crowded room (Config.ChatCrowd) sums up its arrivals and
// departures, so that ten thousand callers entering at once are not
// fifty million join lines.
//
// A public message area may require a security level or a group
// (Config.AreaNeeds, checked by package access): Reading.Areas lists only
// the areas the caller meets, and the Reading's other methods answer
// ErrNoArea for the rest, as for an area that does not exist. Letters
// (MailArea) are open to every account. An account awaiting a sysop's
// validation reads what its level 0 opens but posts neither messages nor
// letters (access.ErrUnvalidated), whatever a menu offers it.
//
// Errors are sentinels for errors.Is: ErrAnonymous, ErrEmpty,
// ErrTooLong, ErrNotAllowed for every service; ErrTooFast for chat;
// ErrNobodyThere, ErrPageSelf, ErrNotLoggedIn for pages; ErrNoSubject,
// ErrNoRecipient, ErrNoArea for messages; ErrTooFewAnswers for polls. A
// *WaitError says how long a caller must wait before posting again.
//
// Concurrency: every service is safe for concurrent use. A Member (one
// caller in a chat room) and a Reading (one caller's reading of the
// messages during a call) belong to that caller's goroutine.
package community
