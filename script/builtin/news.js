// news.js: the board's bulletins, newest first. Callers read them; a
// sysop adds, edits and deletes them. Bodies are sysop text, so their
// pipe colour codes are shown as colours.
//
// Saved data (this script's bbs.data):
//   news/<id, 6 digits>[-<node>]   {"title","date","author","body",
//                         "updated"}
//   seen/<handle, lower>  the highest id the caller had seen when they
//                         last left, to mark newer bulletins as new
//
// What callers read goes through bbs.text, by a key and in English: the
// catalogs' [scripts.news] tables translate it.

"use strict";

var MAX_NEWS = 500; // bulletins read from the store (each up to 64 KiB)
var MAX_TITLE = 60;
var MAX_BODY_LINES = 200;
var MAX_LINE = 200; // characters in one line of a body as typed
var MAX_SHOWN_LINES = 5000; // lines of one laid-out body
var MAX_VALUE = 65536; // bytes in a saved value

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

function fitRight(s, w) {
  s = String(s);
  if (s.length > w) return s.slice(0, w);
  while (s.length < w) s = " " + s;
  return s;
}

function trim(s) {
  return String(s == null ? "" : s).replace(/^\s+|\s+$/g, "");
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

// utf8Len returns the bytes s takes in UTF-8, as the store counts them.
function utf8Len(s) {
  var n = 0;
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
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

// listAll returns up to max saved values under prefix, a page at a time.
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
// as typed), empty, help and index.
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
      status(o.help);
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

// ---- laying out sysop text ----

var CODE = /^\|(?:[01]\d|2[0-3])$/;

// layout breaks text with pipe codes into lines of at most w visible
// characters, at spaces where it can: {pre, text, width}, pre being the
// colour codes in force where the line starts, so that a page can begin
// on any line.
function layout(text, w) {
  w = Math.max(1, w);
  var out = [];
  var fg = "", bg = "";
  var paras = String(text).replace(/\r/g, "").split("\n");
  for (var p = 0; p < paras.length && out.length < MAX_SHOWN_LINES; p++) {
    var line = { pre: fg + bg, text: "", width: 0 };
    var width = 0;
    var tokens = paras[p].match(/\|(?:[01]\d|2[0-3])| +|[^ |]+|\|/g) || [];
    for (var t = 0; t < tokens.length && out.length < MAX_SHOWN_LINES; t++) {
      var tok = tokens[t];
      if (CODE.test(tok)) {
        if (+tok.slice(1) < 16) fg = tok;
        else bg = tok;
        line.text += tok;
        continue;
      }
      if (tok[0] === " ") {
        if (width + tok.length <= w) {
          line.text += tok;
          width += tok.length;
        } else {
          line.width = width;
          out.push(line);
          line = { pre: fg + bg, text: "", width: 0 };
          width = 0;
        }
        continue;
      }
      if (width + tok.length > w && width > 0) {
        line.width = width;
        out.push(line);
        line = { pre: fg + bg, text: "", width: 0 };
        width = 0;
      }
      while (tok.length > w) {
        line.text += tok.slice(0, w);
        line.width = w;
        out.push(line);
        line = { pre: fg + bg, text: "", width: 0 };
        tok = tok.slice(w);
      }
      line.text += tok;
      width += tok.length;
    }
    line.width = width;
    out.push(line);
  }
  return out;
}

// ---- the bulletins ----

function idOf(key) {
  var n = parseInt(String(key).slice(5), 10);
  return isFinite(n) ? n : 0;
}

function keyOf(id) {
  return "news/" + ("00000" + id).slice(-6);
}

// load returns the bulletins newest first, the highest id in use
// (damaged records included, so a new bulletin never takes their key),
// and whether there are as many as there may be.
function load() {
  var items = [];
  var high = 0;
  var all = listAll("news/", MAX_NEWS);
  for (var i = 0; i < all.length; i++) {
    var id = idOf(all[i].key);
    high = Math.max(high, id);
    var b = parse(all[i].value);
    if (!b || typeof b.title !== "string" || typeof b.body !== "string") continue;
    b.id = id;
    b.key = all[i].key;
    items.push(b);
  }
  items.sort(function (a, b) { return b.id - a.id || (a.key < b.key ? 1 : -1); });
  return { items: items, high: high, full: all.length >= MAX_NEWS };
}

function seenKey() {
  return "seen/" + handle().toLowerCase();
}

// read shows bulletin list[i] in a pager; n and p go to the next (older)
// and previous (newer) ones. It returns the index last shown.
function read(list, i) {
  for (var guard = 0; guard < 10000; guard++) {
    var b = list[i];
    var s = bbs.size();
    var lines = layout(b.body, s.cols - 2);
    var page = Math.max(1, s.rows - 4);
    var top = 0;
    var redraw = true;
    var shown = []; // the width of the text on each row of the page
    var next = -1;
    for (var n = 0; n < 100000 && next < 0; n++) {
      if (redraw) {
        s = bbs.size();
        bbs.clear();
        shown = [];
        bbs.writePlain(fit(b.title, s.cols - 1), "|15");
        bbs.moveTo(2, 1);
        bbs.writePlain(fit(String(b.date || "") +
          (b.author ? "  " + bbs.text("read.by", "by {author}", { author: String(b.author).slice(0, 200) }) : "") +
          (b.updated && b.updated !== b.date ? "  " + bbs.text("read.updated", "(updated {date})", { date: String(b.updated).slice(0, 200) }) : ""),
        s.cols - 1), "|08");
        redraw = false;
      }
      // Each row is written over what it showed before, padded only as
      // far as that reached: light on a slow link.
      for (var r = 0; r < page; r++) {
        var l = lines[top + r];
        var w = l ? l.width : 0;
        var was = shown[r] || 0;
        if (w === 0 && was === 0) continue;
        bbs.moveTo(3 + r, 2);
        bbs.write((l ? l.pre + l.text : "") + fit("", Math.max(0, was - w)));
        shown[r] = w;
      }
      var end = Math.min(lines.length, top + page);
      status("|08" + (lines.length > page ? bbs.text("read.lines", "lines {first}-{last} of {total}",
        { first: top + 1, last: end, total: lines.length }) + "  " : "") +
        bbs.text("read.keys", "|15space|08 more  |15b|08ack  |15n|08ext  |15p|08rev  |15q|08uit"));
      var k = lower(bbs.key(600000));
      switch (k) {
        case null: case "q": case "esc":
          return i;
        case "space": case "pgdn": case "f": case "enter":
          if (top + page < lines.length) top = Math.min(lines.length - page, top + page);
          else if (k !== "pgdn" && k !== "f") return i;
          break;
        case "b": case "pgup":
          top = Math.max(0, top - page);
          break;
        case "down": case "j":
          if (top + page < lines.length) top++;
          break;
        case "up": case "k":
          top = Math.max(0, top - 1);
          break;
        case "home": case "g":
          top = 0;
          break;
        case "end":
          top = Math.max(0, lines.length - page);
          break;
        case "n":
          if (i + 1 < list.length) next = i + 1;
          break;
        case "p":
          if (i > 0) next = i - 1;
          break;
        case "redraw":
          s = bbs.size();
          lines = layout(b.body, s.cols - 2);
          page = Math.max(1, s.rows - 4);
          top = Math.min(top, Math.max(0, lines.length - page));
          redraw = true;
          break;
      }
    }
    i = next;
  }
  return i;
}

// editBody lets the sysop type a body a line at a time, going through
// the lines of an old body first; null means cancelled.
function editBody(old) {
  var s = bbs.size();
  var max = Math.max(20, Math.min(MAX_LINE, s.cols - 8));
  say("|08" + bbs.text("body.help", "Type the text a line at a time; pipe colour codes work."));
  if (old.length > 0) {
    say("|08" + bbs.text("body.help_edit",
      "Enter keeps a line; |15Ctrl-U|08 clears it, then |15/d|08 deletes it, |15/s|08 saves the rest as it is."));
  }
  say("|08" + bbs.text("body.help_save", "A line of just |15/s|08 saves; Esc cancels."));
  var out = [];
  for (var i = 0; i < old.length; i++) {
    var label = "|08" + fitRight(out.length + 1, 3) + ":|07 ";
    var v = bbs.prompt(label, { max: Math.max(max, old[i].length), value: old[i] });
    if (v === null) return null;
    if (v === "/s") return out.concat(old.slice(i)).slice(0, MAX_BODY_LINES);
    if (v === "/d") {
      say(label + "|08" + bbs.text("body.deleted", "(deleted)"));
      continue;
    }
    say(label + v);
    out.push(v);
  }
  while (out.length < MAX_BODY_LINES) {
    var prompt = "|08" + fitRight(out.length + 1, 3) + ":|07 ";
    var line = bbs.prompt(prompt, { max: max });
    if (line === null) return null;
    if (line === "/s") break;
    if (line === "/d") continue;
    say(prompt + line);
    out.push(line);
  }
  while (out.length > 0 && trim(out[out.length - 1]) === "") out.pop();
  return out;
}

// edit adds a bulletin (b null) or changes one; it returns true when
// something was saved.
function edit(b) {
  bbs.clear();
  bbs.moveTo(bbs.size().rows, 1);
  say("|11" + (b ? bbs.text("edit.title_edit", "Edit a bulletin") : bbs.text("edit.title_new", "A new bulletin")));
  var titleLabel = "|15" + bbs.text("edit.title", "Title:") + "|07 ";
  var title = bbs.prompt(titleLabel, { max: MAX_TITLE, value: b ? b.title : "" });
  if (title === null) return false;
  title = trim(title);
  if (title === "") {
    say("|12" + bbs.text("edit.no_title", "A bulletin needs a title; nothing was saved."));
    bbs.pause();
    return false;
  }
  say([titleLabel, [title, "|07"]]);
  var lines = b ? b.body.split("\n") : [];
  // A body that cannot be saved comes back to be shortened, not lost.
  for (var tries = 0; tries < 100; tries++) {
    var body = editBody(lines);
    if (body === null) return false;
    if (body.length === 0) {
      say("|12" + bbs.text("edit.no_body", "A bulletin needs some text; nothing was saved."));
      bbs.pause();
      return false;
    }
    lines = body;
    if (!bbs.confirm(b ? bbs.text("edit.save", "Save the changes?") : bbs.text("edit.publish", "Publish this bulletin?"))) return false;
    var rec = {
      title: title,
      date: b ? b.date : today(),
      author: b ? b.author : handle(),
      body: body.join("\n")
    };
    if (b) rec.updated = today();
    var value = JSON.stringify(rec);
    var size = utf8Len(value);
    if (size > MAX_VALUE) {
      say("|12" + bbs.text("edit.too_big", "This bulletin takes {size} bytes; at most {max} can be saved, so nothing was.",
        { size: size, max: MAX_VALUE }));
      say("|12" + bbs.text("edit.shorten", "Shorten it: your lines come back to edit."));
      continue;
    }
    try {
      bbs.data.set(b ? b.key : newKey(), value);
    } catch (e) {
      say(typed(bbs.text("edit.failed", "It could not be saved: {error}"), "|12", { error: e && e.message ? e.message : e }));
      say("|12" + bbs.text("edit.again", "Your lines come back to edit; Esc gives up."));
      continue;
    }
    bbs.log((b ? "news: edited " : "news: added ") + JSON.stringify(title));
    return true;
  }
  return false;
}

// newKey returns the key for a new bulletin, chosen as it is saved: the
// id after the highest in use now, and the node, so that two sysops
// saving at once (who read the same highest id) never take the same key.
function newKey() {
  return keyOf(load().high + 1) + "-" + node();
}

function remove(b) {
  var s = bbs.size();
  bbs.moveTo(s.rows - 1, 1);
  bbs.writePlain(fit(b.title, s.cols - 1), "|12");
  if (!bbs.confirm(bbs.text("delete", "Delete this bulletin?"))) return false;
  bbs.data.delete(b.key);
  bbs.log("news: deleted " + JSON.stringify(b.title));
  return true;
}

function main() {
  var seen = anonymous() ? 0 : parseInt(bbs.data.get(seenKey()) || "0", 10) || 0;
  var index = 0;
  var help = bbs.text("list.keys", "|15Enter|08 read  |15q|08uit") +
    (sysop() ? "  " + bbs.text("list.keys_sysop", "|15a|08dd  |15e|08dit  |15d|08elete") : "");
  for (var n = 0; n < 10000; n++) {
    var news = load();
    var list = news.items;
    var name = bbs.board && bbs.board.name ? String(bbs.board.name) : "";
    var c = choose({
      title: name ? bbs.text("list.title_board", "Bulletins of {board}", { board: name }) : bbs.text("list.title", "Bulletins"),
      header: "    " + fit(bbs.text("list.col_date", "Date"), 10) + "  " + bbs.text("list.col_title", "Title"),
      empty: bbs.text("list.empty", "No bulletins yet."),
      count: list.length,
      index: index,
      help: help,
      row: function (i) {
        var b = list[i];
        return (b.id > seen ? " * " : "   ") + " " + fit(b.date, 10) + "  " + b.title;
      }
    });
    index = c.index;
    var b = list[index];
    if (c.key === "timeout" || c.key === "q" || c.key === "esc") break;
    if ((c.key === "enter" || c.key === "right" || c.key === "l") && b) {
      index = read(list, index);
    } else if (c.key === "a" && sysop() && news.full) {
      status("|12" + bbs.text("list.full", "There are {n} bulletins: delete some first.", { n: MAX_NEWS }));
      bbs.key(5000);
    } else if (c.key === "a" && sysop()) {
      if (edit(null)) index = 0;
    } else if (c.key === "e" && sysop() && b) {
      edit(b);
    } else if (c.key === "d" && sysop() && b) {
      remove(b);
    }
  }
  if (!anonymous()) {
    var high = load().high;
    if (high > seen) bbs.data.set(seenKey(), String(high));
  }
}

main();
