// bbslist.js: a list of other boards that callers keep up together.
// Anyone with an account may add a board, one a day; whoever added an
// entry, and any sysop, may change or delete it. Each address is listed
// once.
//
// Saved data (this script's bbs.data):
//   bbs/<id, 6 digits>[-<node>]   {"name","address","sysop","software",
//                           "description","addedBy","added","updated"}
//   last/<handle, lower>   the date the caller last added a board; those
//                          of earlier days are deleted at each add
//
// What callers read goes through bbs.text, by a key and in English: the
// catalogs' [scripts.bbslist] tables translate it.

"use strict";

var MAX_ENTRIES = 5000;
var MAX_KEYS = 10000; // keys a script may save

// The fields of an entry, in the order they are asked for.
var FIELDS = [
  { name: "name", label: bbs.text("field.name", "Name"), max: 40, required: true },
  { name: "address", label: bbs.text("field.address", "Address"), max: 100, required: true,
    hint: bbs.text("field.address_hint", "telnet://host:port or ssh://host:port") },
  { name: "sysop", label: bbs.text("field.sysop", "Sysop"), max: 30 },
  { name: "software", label: bbs.text("field.software", "Software"), max: 30 },
  { name: "description", label: bbs.text("field.description", "Description"), max: 160 }
];

// LABEL_W is the width of the fields' labels, with room for a colon and
// a space: 13 in English.
var LABEL_W = FIELDS.reduce(function (w, f) { return Math.max(w, f.label.length + 2); }, 13);

// fieldLabel returns the label of the field called name.
function fieldLabel(name) {
  for (var i = 0; i < FIELDS.length; i++) {
    if (FIELDS[i].name === name) return FIELDS[i].label;
  }
  return name;
}

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

// clean trims a field and turns runs of white space into one space.
function clean(s) {
  return String(s == null ? "" : s).replace(/\s+/g, " ").replace(/^ | $/g, "");
}

function today() {
  var d = new Date();
  return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
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

function node() {
  return bbs.user && bbs.user.node ? bbs.user.node | 0 : 0;
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

function listAll(prefix, max) {
  var out = [];
  var after = "";
  while (out.length < max) {
    var page = bbs.data.list(prefix, Math.min(1000, max - out.length), after) || [];
    for (var i = 0; i < page.length; i++) out.push(page[i]);
    if (page.length < 1000) break;
    after = page[page.length - 1].key;
  }
  return out;
}

// status writes a one-line message on the last row, cut to the window:
// text with colour codes, or a list of such text and [text, colour]
// pairs, text a caller typed, which is written as typed.
function status(text) {
  var s = bbs.size();
  bbs.moveTo(s.rows, 1);
  bbs.write(fit("", s.cols - 1));
  bbs.moveTo(s.rows, 1);
  var pieces = Array.isArray(text) ? text : [text];
  var left = s.cols - 1;
  for (var i = 0; i < pieces.length && left > 0; i++) {
    var p = pieces[i];
    if (Array.isArray(p)) {
      var typed = String(p[0] == null ? "" : p[0]).slice(0, left);
      left -= typed.length;
      if (typed !== "") bbs.writePlain(typed, p[1]);
    } else {
      var cut = clip(p, left);
      left -= cut.replace(/\|(?:[01]\d|2[0-3])/g, "").length;
      bbs.write(cut);
    }
  }
}

// typed lays message out for status: its {name} placeholders become
// values[name], text a caller typed, written as typed in colour, as is
// the rest of the message.
function typed(message, colour, values) {
  var out = [];
  var parts = String(message).split(/\{([A-Za-z0-9_]+)\}/);
  for (var i = 0; i < parts.length; i++) {
    if (i % 2 === 1) out.push([values[parts[i]], colour]);
    else if (parts[i] !== "") out.push(colour + parts[i]);
  }
  return out;
}

// say writes a line on the last row and scrolls the screen up, as a
// line editor does; prompts and questions come on the last row.
function say(text) {
  status(text);
  bbs.write("\n");
}

// choose shows a list with a highlighted row the caller moves with the
// arrows (or j/k), and returns {key, index} for any other key, "timeout"
// if none comes. o holds title, header, count, row(i) (plain text, drawn
// as typed), empty, help, index, and note, a message shown instead of
// help until the next key.
function choose(o) {
  var sel = Math.max(0, Math.min(o.index || 0, o.count - 1));
  var top = 0;
  var drawn = -1;
  var full = true;
  for (var n = 0; n < 100000; n++) {
    var s = bbs.size();
    var page = Math.max(1, s.rows - 3);
    if (sel < top) {
      top = sel;
      full = true;
    }
    if (sel >= top + page) {
      top = sel - page + 1;
      full = true;
    }
    if (full) {
      bbs.clear();
      bbs.writePlain(fit(o.title, s.cols - 1), "|11");
      bbs.moveTo(2, 1);
      bbs.write("|08" + fit(o.header, s.cols - 1));
      for (var i = top; i < o.count && i < top + page; i++) listRow(o, i, i === sel, 3 + i - top, s.cols);
      if (o.count === 0) {
        bbs.moveTo(4, 3);
        bbs.write("|08" + o.empty);
      }
      status(o.note || o.help);
      o.note = "";
      full = false;
    } else if (drawn !== sel) {
      listRow(o, drawn, false, 3 + drawn - top, s.cols);
      listRow(o, sel, true, 3 + sel - top, s.cols);
    }
    drawn = sel;
    var k = lower(bbs.key(600000));
    if (k === null) return { key: "timeout", index: sel };
    var last = Math.max(0, o.count - 1);
    switch (k) {
      case "up": case "k":
        sel = Math.max(0, sel - 1);
        break;
      case "down": case "j":
        sel = Math.min(last, sel + 1);
        break;
      case "pgup":
        sel = Math.max(0, sel - page);
        break;
      case "pgdn":
        sel = Math.min(last, sel + page);
        break;
      case "home":
        sel = 0;
        break;
      case "end":
        sel = last;
        break;
      case "redraw":
        full = true;
        break;
      default:
        return { key: k, index: sel };
    }
  }
  return { key: "q", index: sel };
}

function listRow(o, i, on, row, cols) {
  if (i < 0 || i >= o.count) return;
  bbs.moveTo(row, 1);
  bbs.writePlain(fit(o.row(i), cols - 1), on ? "|17|15" : "|07");
}

// ---- entries ----

// address checks a typed address and returns it in one form,
// "telnet://host:port" or "ssh://host:port", so that two ways of writing
// the same board compare equal; or {error} saying what is wrong.
function address(s) {
  s = clean(s).toLowerCase();
  var proto = "telnet";
  var m = /^([a-z]+):\/\/(.*)$/.exec(s);
  if (m) {
    if (m[1] !== "telnet" && m[1] !== "ssh") {
      return { error: bbs.text("address.protocol", "Only telnet:// and ssh:// addresses can be listed.") };
    }
    proto = m[1];
    s = m[2];
  }
  s = s.replace(/\/+$/, "");
  var host, port;
  if ((m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(s))) {
    host = "[" + m[1] + "]";
    port = m[2];
  } else if ((m = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(s))) {
    host = m[1].replace(/\.$/, "");
    port = m[2];
    var labels = host.split(".");
    if (host.length > 253 || labels.length < 2) {
      return { error: bbs.text("address.full_host", "Give the board's full host name, like bbs.example.org.") };
    }
    for (var i = 0; i < labels.length; i++) {
      if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(labels[i])) {
        return { error: bbs.text("address.bad_host", "\"{host}\" is not a host name.", { host: host }) };
      }
    }
  } else {
    return { error: bbs.text("address.form", "Write the address as host:port, for example bbs.example.org:23.") };
  }
  var p = port === undefined ? (proto === "ssh" ? 22 : 23) : parseInt(port, 10);
  if (!(p >= 1 && p <= 65535)) return { error: bbs.text("address.port", "The port must be between 1 and 65535.") };
  return { address: proto + "://" + host + ":" + p };
}

// load returns the entries sorted by name, the highest id in use, and
// whether the list is as long as it may be.
function load() {
  var items = [];
  var high = 0;
  var all = listAll("bbs/", MAX_ENTRIES);
  for (var i = 0; i < all.length; i++) {
    var id = parseInt(all[i].key.slice(4), 10) || 0;
    high = Math.max(high, id);
    var e = parse(all[i].value);
    if (!e || typeof e.name !== "string" || typeof e.address !== "string") continue;
    e.key = all[i].key;
    items.push(e);
  }
  items.sort(function (a, b) {
    var x = a.name.toLowerCase(), y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { items: items, high: high, full: all.length >= MAX_ENTRIES };
}

// taken returns the entry of list (default: the saved ones), other than
// the one with key skip, that lists addr, or null.
function taken(addr, skip, list) {
  list = list || load().items;
  for (var i = 0; i < list.length; i++) {
    if (list[i].key === skip) continue;
    var a = address(list[i].address);
    if ((a.address || list[i].address) === addr) return list[i];
  }
  return null;
}

function mayChange(e) {
  return sysop() || (!anonymous() && typeof e.addedBy === "string" && e.addedBy.toLowerCase() === handle().toLowerCase());
}

function lastKey() {
  return "last/" + handle().toLowerCase();
}

// ask asks for each field of an entry (starting from old's values when
// editing), checking each as it is typed; null means cancelled.
function ask(old) {
  var e = {};
  for (var i = 0; i < FIELDS.length; i++) {
    var f = FIELDS[i];
    var label = "|07" + fit(f.label + ":", LABEL_W);
    var value = old ? String(old[f.name] || "") : "";
    if (f.hint) say("|08" + f.hint);
    for (var tries = 0; ; tries++) {
      if (tries >= 10) return null;
      var v = bbs.prompt(label, { max: f.max, value: value });
      if (v === null) return null;
      v = clean(v).slice(0, f.max);
      value = v;
      if (f.required && v === "") {
        say("|12" + bbs.text("ask.empty", "{field} cannot be empty.", { field: f.label }));
        continue;
      }
      if (f.name === "address") {
        var a = address(v);
        if (a.error) {
          say([[a.error, "|12"]]);
          continue;
        }
        var dup = taken(a.address, old ? old.key : "");
        if (dup) {
          say(typed(bbs.text("ask.taken", "{address} is already listed, as {name}."), "|12",
            { address: a.address, name: dup.name }));
          continue;
        }
        v = a.address;
      }
      break;
    }
    say([label, [v, "|15"]]);
    e[f.name] = v;
  }
  return e;
}

// view shows one entry; it returns the key pressed.
function view(e) {
  for (var n = 0; n < 1000; n++) {
    var s = bbs.size();
    var w = Math.max(10, s.cols - LABEL_W - 2);
    bbs.clear();
    bbs.writePlain(fit(e.name, s.cols - 1), "|11");
    var rows = [[fieldLabel("address"), e.address], [fieldLabel("sysop"), e.sysop], [fieldLabel("software"), e.software]];
    var row = 3;
    for (var i = 0; i < rows.length; i++) {
      bbs.moveTo(row++, 1);
      bbs.write("|08" + fit(rows[i][0], LABEL_W));
      bbs.writePlain(fit(rows[i][1] || "", w), "|15");
    }
    var desc = wrap(e.description || "", w);
    for (var j = 0; j < desc.length && row < s.rows - 2; j++) {
      bbs.moveTo(row++, 1);
      bbs.write("|08" + fit(j === 0 ? fieldLabel("description") : "", LABEL_W));
      bbs.writePlain(desc[j], "|07");
    }
    bbs.moveTo(Math.min(row + 1, s.rows - 1), 1);
    bbs.writePlain(fit(bbs.text("view.added", "Added by {handle} on {date}", {
      handle: String(e.addedBy || "?").slice(0, 200), date: String(e.added || "?").slice(0, 200) }) +
      (e.updated ? bbs.text("view.changed", ", changed {date}", { date: String(e.updated).slice(0, 200) }) : ""), s.cols - 1), "|08");
    status(mayChange(e) ? bbs.text("view.keys_owner", "|15e|08dit  |15d|08elete  |15q|08 back") : bbs.text("view.keys", "|15q|08 back"));
    var k = lower(bbs.key(600000));
    if (k !== "redraw") return k;
  }
  return "q";
}

function add(loaded) {
  bbs.clear();
  bbs.moveTo(bbs.size().rows, 1);
  say("|11" + bbs.text("add.title", "Add a board"));
  if (anonymous()) {
    say(bbs.text("add.anonymous", "Log in to add a board to the list."));
    bbs.pause();
    return false;
  }
  if (loaded.full) {
    say(bbs.text("add.full", "The list is full: no more boards can be added."));
    bbs.pause();
    return false;
  }
  if (addedToday()) return false;
  say("|08" + bbs.text("add.help", "Esc cancels."));
  var e = ask(null);
  if (!e) return false;
  if (!bbs.confirm(bbs.text("add.confirm", "Add this board to the list?"))) return false;
  // Others may have added boards while this caller typed: look again.
  var now = load();
  if (now.full) {
    say("|12" + bbs.text("add.filled", "The list filled up meanwhile: the board was not added."));
    bbs.pause();
    return false;
  }
  if (addedToday()) return false;
  var dup = taken(e.address, "", now.items);
  if (dup) {
    say(typed(bbs.text("add.taken", "{address} was added meanwhile, as {name}."), "|12", { address: e.address, name: dup.name }));
    bbs.pause();
    return false;
  }
  e.addedBy = handle();
  e.added = today();
  // The node in the key keeps two callers saving at once from taking the
  // same one: each would have read the same highest id.
  bbs.data.set("bbs/" + ("00000" + (now.high + 1)).slice(-6) + "-" + node(), JSON.stringify(e));
  bbs.data.set(lastKey(), today());
  pruneLast();
  bbs.log("bbslist: added " + e.address);
  return true;
}

// addedToday tells a caller who is not a sysop and has added a board
// today already so, and reports whether they have.
function addedToday() {
  if (sysop() || bbs.data.get(lastKey()) !== today()) return false;
  say(bbs.text("add.today", "You have added a board today already; you can add another tomorrow."));
  bbs.pause();
  return true;
}

// pruneLast deletes the dates of callers' adds before today: only
// today's are needed, and every key counts toward the script's cap.
function pruneLast() {
  var day = today();
  var all = listAll("last/", MAX_KEYS);
  for (var i = 0; i < all.length; i++) {
    if (all[i].value !== day) bbs.data.delete(all[i].key);
  }
}

function edit(old) {
  bbs.clear();
  bbs.moveTo(bbs.size().rows, 1);
  say(typed(bbs.text("edit.title", "Change {name}"), "|11", { name: old.name }));
  say("|08" + bbs.text("edit.help", "Enter keeps a value; Esc cancels."));
  var e = ask(old);
  if (!e) return false;
  if (!bbs.confirm(bbs.text("edit.confirm", "Save the changes?"))) return false;
  e.addedBy = old.addedBy;
  e.added = old.added;
  e.updated = today();
  bbs.data.set(old.key, JSON.stringify(e));
  bbs.log("bbslist: changed " + e.address);
  return true;
}

function remove(e) {
  var s = bbs.size();
  bbs.moveTo(s.rows - 1, 1);
  bbs.writePlain(fit(e.name + "  " + e.address, s.cols - 1), "|12");
  if (!bbs.confirm(bbs.text("delete", "Delete this board from the list?"))) return false;
  bbs.data.delete(e.key);
  bbs.log("bbslist: deleted " + e.address);
  return true;
}

function main() {
  var index = 0;
  var note = "";
  for (var n = 0; n < 10000; n++) {
    var loaded = load();
    var list = loaded.items;
    var s = bbs.size();
    var nameW = Math.min(30, Math.max(12, Math.floor((s.cols - 4) / 2)));
    var c = choose({
      title: bbs.text("list.title", "Other boards ({n})", { n: list.length }),
      header: " " + fit(fieldLabel("name"), nameW) + "  " + fieldLabel("address"),
      empty: bbs.text("list.empty", "No boards are listed yet."),
      count: list.length,
      index: index,
      note: note,
      help: bbs.text("list.keys", "|15Enter|08 view  |15a|08dd  |15e|08dit  |15d|08elete  |15q|08uit"),
      row: function (i) {
        return " " + fit(list[i].name, nameW) + "  " + list[i].address.replace(/^telnet:\/\//, "");
      }
    });
    index = c.index;
    note = "";
    var e = list[index];
    var k = c.key;
    if (k === "timeout" || k === "q" || k === "esc") return;
    if ((k === "enter" || k === "right" || k === "l" || k === "v") && e) k = view(e);
    if (k === "a") add(loaded);
    else if (k === "e" && e && mayChange(e)) edit(e);
    else if (k === "d" && e && mayChange(e)) remove(e);
    else if ((k === "e" || k === "d") && e) {
      note = typed(bbs.text("list.not_yours", "Only whoever added {name}, or a sysop, can change it."), "|12",
        { name: fit(e.name, 30).replace(/\s+$/, "") });
    }
  }
}

main();
