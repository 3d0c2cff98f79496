// automessage.js: a message for the next caller. Shows the message the
// last caller left and lets this one leave a new one; a sysop can look
// through the last ones and delete any.
//
// Saved data (this script's bbs.data):
//   current                 {"handle","date","lines":[…],"key"}, the
//                           message shown; key names its history entry
//   history/<ms, 15 digits>-<node>   the same, the last HISTORY messages
//
// What callers read goes through bbs.text, by a key and in English: the
// catalogs' [scripts.automessage] tables translate it.

"use strict";

var LINES = 3; // lines in a message
var WIDTH = 70; // characters in a line
var HISTORY = 20; // messages kept

// ---- helpers shared by the bundled scripts (each script stands alone) ----

// clip cuts text holding colour codes to w characters as shown.
function clip(text, w) {
  var out = "";
  var n = 0;
  var tokens = String(text).match(/\|(?:[01]\d|2[0-3])|[\s\S]/g) || [];
  for (var i = 0; i < tokens.length; i++) {
    var t = tokens[i];
    if (t.length === 1) {
      if (n >= w) break;
      n++;
    }
    out += t;
  }
  return out;
}

function fit(s, w) {
  s = String(s == null ? "" : s);
  if (s.length > w) return s.slice(0, Math.max(0, w));
  while (s.length < w) s += " ";
  return s;
}

function trim(s) {
  return String(s == null ? "" : s).replace(/^\s+|\s+$/g, "");
}

function pad2(n) {
  return ("0" + n).slice(-2);
}

// now returns the date and time as "2006-01-02 15:04".
function now() {
  var d = new Date();
  return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()) + " " +
    pad2(d.getHours()) + ":" + pad2(d.getMinutes());
}

function handle() {
  return bbs.user && bbs.user.handle ? String(bbs.user.handle) : "";
}

// anonymous reports whether the caller has no account to save to.
function anonymous() {
  if (bbs.user && typeof bbs.user.anonymous === "boolean") return bbs.user.anonymous;
  var h = handle();
  return h === "" || h.toLowerCase() === "anonymous";
}

function sysop() {
  return !!(bbs.user && bbs.user.sysop);
}

function lower(k) {
  return typeof k === "string" && k.length === 1 ? k.toLowerCase() : k;
}

function parse(v) {
  if (typeof v !== "string") return null;
  try {
    return JSON.parse(v);
  } catch (e) {
    return null;
  }
}

// wrap breaks plain text into lines of at most w characters, at spaces
// where it can.
function wrap(text, w) {
  w = Math.max(1, w);
  var out = [];
  var line = "";
  var words = String(text).split(" ");
  for (var i = 0; i < words.length; i++) {
    var word = words[i];
    while (word.length > w) {
      if (line !== "") out.push(line);
      out.push(word.slice(0, w));
      word = word.slice(w);
      line = "";
    }
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= w) line += " " + word;
    else {
      out.push(line);
      line = word;
    }
  }
  out.push(line);
  return out;
}

// ---- messages ----

// valid reports whether a saved message can be shown.
function valid(m) {
  if (!m || typeof m.handle !== "string" || !Array.isArray(m.lines)) return false;
  for (var i = 0; i < m.lines.length; i++) {
    if (typeof m.lines[i] !== "string") return false;
  }
  return true;
}

function current() {
  var m = parse(bbs.data.get("current"));
  return valid(m) ? m : null;
}

// history returns the kept messages, newest first, each with its key.
function history() {
  var list = bbs.data.list("history/", 1000) || [];
  var out = [];
  for (var i = list.length - 1; i >= 0; i--) {
    var m = parse(list[i].value);
    if (!valid(m)) continue;
    m.key = list[i].key;
    out.push(m);
  }
  return out;
}

// show writes message m from row on, as wide as the window allows, and
// returns the row after it.
function show(m, row) {
  var s = bbs.size();
  var w = Math.max(10, Math.min(WIDTH, s.cols - 4));
  if (!m) {
    bbs.moveTo(row, 3);
    bbs.write("|08" + bbs.text("none", "No one has left a message yet."));
    return row + 1;
  }
  for (var i = 0; i < m.lines.length && i < LINES; i++) {
    var parts = wrap(m.lines[i], w);
    for (var j = 0; j < parts.length && row < s.rows - 3; j++) {
      bbs.moveTo(row++, 3);
      bbs.writePlain(parts[j], "|15");
    }
  }
  var by = "-- " + m.handle + (m.date ? ", " + m.date : "");
  by = fit(by, s.cols - 4).replace(/\s+$/, "");
  bbs.moveTo(row + 1, Math.max(3, w + 3 - by.length));
  bbs.writePlain(by, "|03");
  return row + 2;
}

// status writes a one-line message on the last row.
function status(text) {
  var s = bbs.size();
  bbs.moveTo(s.rows, 1);
  bbs.write(fit("", s.cols - 1));
  bbs.moveTo(s.rows, 1);
  bbs.write(clip(text, s.cols - 1));
}

function screen() {
  bbs.clear();
  bbs.write("|11" + bbs.text("title", "A message for the next caller"));
  show(current(), 3);
  var keys = [];
  if (!anonymous()) keys.push(bbs.text("key.leave", "|15l|07eave a new one"));
  if (sysop()) keys.push(bbs.text("key.history", "|15h|07istory"));
  keys.push(bbs.text("key.go_on", "|15Enter|07 to go on"));
  status(keys.join("  "));
}

// leave asks for a new message, shows it and saves it if the caller
// agrees.
function leave() {
  bbs.clear();
  bbs.write("|11" + bbs.text("leave.title", "Leave a message for the next caller") + "\n");
  bbs.write("|08" + bbs.text("leave.help", "Up to {lines} lines of {width} characters; Esc cancels.", { lines: LINES, width: WIDTH }));
  var fields = [];
  for (var i = 1; i <= LINES; i++) fields.push({ name: "line" + i, label: "|07" + bbs.text("leave.line", "Line {n}:", { n: i }), max: WIDTH });
  bbs.moveTo(4, 2);
  var f = bbs.form(fields);
  if (!f) return;
  var lines = [];
  for (var j = 1; j <= LINES; j++) lines.push(trim(f["line" + j]).slice(0, WIDTH));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) {
    status("|12" + bbs.text("leave.empty", "An empty message was not saved."));
    bbs.key(3000);
    return;
  }
  var m = { handle: handle(), date: now(), lines: lines };
  bbs.clear();
  bbs.write("|11" + bbs.text("leave.preview", "Your message will read:"));
  show(m, 3);
  if (!bbs.confirm(bbs.text("leave.confirm", "Leave it for the next caller?"))) return;
  m.key = "history/" + ("000000000000000" + Date.now()).slice(-15) + "-" + (bbs.user.node | 0);
  bbs.data.set(m.key, JSON.stringify(m));
  bbs.data.set("current", JSON.stringify(m));
  trimHistory();
  bbs.log("automessage: new message from " + m.handle);
}

// trimHistory deletes all but the newest HISTORY messages.
function trimHistory() {
  var list = bbs.data.list("history/", 1000) || [];
  for (var i = 0; i + HISTORY < list.length; i++) bbs.data.delete(list[i].key);
}

// browse lets a sysop look through the kept messages and delete them.
function browse() {
  var sel = 0;
  for (var n = 0; n < 10000; n++) {
    var list = history();
    sel = Math.max(0, Math.min(sel, list.length - 1));
    bbs.clear();
    bbs.write("|11" + bbs.text("history.title", "Messages left, newest first"));
    if (list.length === 0) {
      bbs.moveTo(3, 3);
      bbs.write("|08" + bbs.text("history.none", "None are kept."));
      bbs.pause();
      return;
    }
    var m = list[sel];
    bbs.moveTo(2, 1);
    bbs.write("|08" + bbs.text("history.position", "{n} of {total}", { n: sel + 1, total: list.length }));
    show(m, 4);
    status(bbs.text("history.keys", "|15n|07ext  |15p|07revious  |15d|07elete  |15q|07uit"));
    var k = lower(bbs.key(600000));
    switch (k) {
      case null: case "q": case "esc": case "enter":
        return;
      case "n": case "down": case "right": case "j":
        if (sel + 1 < list.length) sel++;
        break;
      case "p": case "up": case "left": case "k":
        if (sel > 0) sel--;
        break;
      case "d":
        if (bbs.confirm(bbs.text("history.delete", "Delete this message?"))) remove(m, list);
        break;
    }
  }
}

// remove deletes a kept message; if it is the one shown to callers, the
// newest one left takes its place.
function remove(m, list) {
  bbs.data.delete(m.key);
  bbs.log("automessage: deleted the message from " + m.handle + " of " + m.date);
  var cur = current();
  if (cur && cur.key !== m.key) return;
  for (var i = 0; i < list.length; i++) {
    if (list[i].key !== m.key) {
      bbs.data.set("current", JSON.stringify(list[i]));
      return;
    }
  }
  bbs.data.delete("current");
}

function main() {
  for (var n = 0; n < 1000; n++) {
    screen();
    var k = lower(bbs.key(600000));
    if (k === "l" && !anonymous()) leave();
    else if (k === "h" && sysop()) browse();
    else if (k !== "redraw") return;
  }
}

main();
