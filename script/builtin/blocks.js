// blocks.js: a falling-blocks game with a shared high-score table.
//
// The well is drawn once; after that only the cells that changed are
// written (a cursor move and two characters each), so the game stays
// playable over a slow link. Gravity is the timeout of bbs.key: when no
// key comes before the piece is due to fall, it falls.
//
// Saved data (this script's bbs.data):
//   score/<handle in lower case>  {"handle","score","lines","date"}, the
//                                 caller's best game
// Events: "blocks.top" {"handle","score"} when a game beats the top of
// the table; the other players see it as it happens.
//
// What callers read goes through bbs.text, by a key and in English: the
// catalogs' [scripts.blocks] tables translate it.

"use strict";

var WELL_W = 10; // cells across the well
var MAX_H = 20; // cells down the well, when the window allows
var MIN_H = 12; // the shortest well worth playing
var PANEL_W = 16; // columns of the panel right of the well
var GAME_W = 1 + 2 * WELL_W + 1 + 1 + PANEL_W; // walls, cells, gap, panel
var TOP_N = 10; // rows of the high-score table
var MAX_PLAYERS = 10000; // saved scores read to make the table
var EVENT = "blocks.top";
var MAX_LEVEL = 30;
var LOBBY_POLL = 5000; // ms between looks for news in the lobby
var LOBBY_IDLE = 120000; // ms with no key before the lobby gives up

// The seven pieces: the cells of their first orientation inside a square
// box, clockwise turns being computed, and the pipe colour of each.
var SHAPES = [
  { box: 4, cells: [[0, 1], [1, 1], [2, 1], [3, 1]], colour: "|11" }, // I
  { box: 2, cells: [[0, 0], [1, 0], [0, 1], [1, 1]], colour: "|14" }, // O
  { box: 3, cells: [[1, 0], [0, 1], [1, 1], [2, 1]], colour: "|13" }, // T
  { box: 3, cells: [[1, 0], [2, 0], [0, 1], [1, 1]], colour: "|10" }, // S
  { box: 3, cells: [[0, 0], [1, 0], [1, 1], [2, 1]], colour: "|12" }, // Z
  { box: 3, cells: [[0, 0], [0, 1], [1, 1], [2, 1]], colour: "|09" }, // J
  { box: 3, cells: [[2, 0], [0, 1], [1, 1], [2, 1]], colour: "|06" }  // L
];

// Points for clearing 1–4 lines at once, times the level.
var LINE_POINTS = [0, 100, 300, 500, 800];

// Horizontal nudges tried, in order, when a turn hits a wall or a block.
var KICKS = [0, -1, 1, -2, 2];

var FILLED = "\u2588\u2588";
var EMPTY = "|08 .";

// turns[s][r] lists the cells of shape s turned r times clockwise.
var turns = SHAPES.map(function (shape) {
  var all = [shape.cells];
  for (var r = 1; r < 4; r++) {
    all.push(all[r - 1].map(function (c) { return [shape.box - 1 - c[1], c[0]]; }));
  }
  return all;
});

// ---- helpers shared by the bundled scripts (each script stands alone) ----

// fit cuts or pads s to exactly w characters.
function fit(s, w) {
  s = String(s == null ? "" : s);
  if (s.length > w) return s.slice(0, Math.max(0, w));
  while (s.length < w) s += " ";
  return s;
}

// wrap breaks plain text into lines of at most w characters, at spaces
// where it can.
function wrap(text, w) {
  w = Math.max(1, w);
  var out = [];
  var paras = String(text).split("\n");
  for (var p = 0; p < paras.length; p++) {
    var line = "";
    var words = paras[p].split(" ");
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
  }
  return out;
}

function fitRight(s, w) {
  s = String(s);
  if (s.length > w) return s.slice(0, w);
  while (s.length < w) s = " " + s;
  return s;
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

function lower(k) {
  return typeof k === "string" && k.length === 1 ? k.toLowerCase() : k;
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

function parse(v) {
  if (typeof v !== "string") return null;
  try {
    return JSON.parse(v);
  } catch (e) {
    return null;
  }
}

// ---- the high-score table ----

function validScore(r) {
  return r && typeof r.handle === "string" && r.handle !== "" &&
    typeof r.score === "number" && isFinite(r.score) && r.score > 0;
}

// table returns the best TOP_N saved scores, best first; damaged records
// are skipped.
function table() {
  var rows = [];
  var list = listAll("score/", MAX_PLAYERS);
  for (var i = 0; i < list.length; i++) {
    var r = parse(list[i].value);
    if (validScore(r)) rows.push(r);
  }
  rows.sort(function (a, b) {
    if (b.score !== a.score) return b.score - a.score;
    return String(a.date) < String(b.date) ? -1 : 1;
  });
  return rows.slice(0, TOP_N);
}

// save keeps a finished game if it is the caller's best, and tells the
// other callers when it beats the top of the table. It returns what
// happened, for the game-over screen.
function save(score, lines) {
  if (anonymous()) return bbs.text("save.anonymous", "Log in to have your scores saved.");
  if (score <= 0) return "";
  var key = "score/" + handle().toLowerCase();
  var old = parse(bbs.data.get(key));
  if (validScore(old) && old.score >= score) return bbs.text("save.best_still", "Your best is still {score}.", { score: old.score });
  var top = table()[0];
  bbs.data.set(key, JSON.stringify({ handle: handle(), score: score, lines: lines, date: today() }));
  if (!top || score > top.score) {
    bbs.events.publish(EVENT, { handle: handle(), score: score });
    return bbs.text("save.top", "A new top score!");
  }
  return bbs.text("save.best", "A new personal best!");
}

// drawTable shows the table from row top, marking the caller's own row.
function drawTable(rows, top, cols) {
  var wide = cols >= 60;
  bbs.moveTo(top, 1);
  bbs.write("|15  #  " + fit(bbs.text("table.handle", "Handle"), 20) + fitRight(bbs.text("table.score", "Score"), 8) +
    (wide ? fitRight(bbs.text("table.lines", "Lines"), 7) + "  " + bbs.text("table.date", "Date") : ""));
  if (rows.length === 0) {
    bbs.moveTo(top + 2, 1);
    bbs.write("|08  " + bbs.text("table.empty", "No scores yet: be the first."));
    return;
  }
  var me = handle().toLowerCase();
  for (var i = 0; i < rows.length; i++) {
    var r = rows[i];
    var mine = !anonymous() && r.handle.toLowerCase() === me;
    bbs.moveTo(top + 1 + i, 1);
    var colour = mine ? "|14" : i === 0 ? "|11" : "|03";
    bbs.write(colour + fitRight(i + 1, 3) + "  ");
    bbs.writePlain(fit(r.handle, 20), colour);
    bbs.write(colour + fitRight(r.score, 8) + (wide ? fitRight(r.lines | 0, 7) + "  " : ""));
    if (wide) bbs.writePlain(fit(r.date, 10), colour);
  }
}

// ---- notices from other callers ----

var notice = "";

// pollEvents keeps the latest top score set by someone else in notice.
function pollEvents() {
  var evs = bbs.events.poll() || [];
  var changed = false;
  for (var i = 0; i < evs.length && i < 100; i++) {
    var e = evs[i];
    if (!e || e.name !== EVENT) continue;
    var d = typeof e.data === "string" ? parse(e.data) : e.data;
    if (!d || typeof d.score !== "number" || typeof e.from !== "string") continue;
    notice = bbs.text("notice.top", "{handle} set a new top score: {score}", { handle: e.from.slice(0, 200), score: d.score });
    changed = true;
  }
  return changed;
}

// ---- screens around the game ----

// small reports whether the window cannot hold a well of h rows.
function small(h) {
  var s = bbs.size();
  return s.cols < GAME_W + 1 || s.rows < h + 2;
}

// waitForRoom shows why the window is too small until it grows; false
// means the caller chose to leave.
function waitForRoom(h) {
  for (var tries = 0; small(h); tries++) {
    var s = bbs.size();
    bbs.clear();
    var text = bbs.text("small.window", "Blocks needs a bigger window: {cols} columns by {rows} rows at least, and this one is {have_cols} by {have_rows}.",
      { cols: GAME_W + 1, rows: h + 2, have_cols: s.cols, have_rows: s.rows }) +
      "\n\n" + bbs.text("small.help", "Make it bigger, or press q to leave.");
    bbs.write("|14" + wrap(text, Math.max(10, s.cols - 1)).join("\n"));
    var k = lower(bbs.key());
    if (k === "q" || k === "esc") return false;
  }
  return true;
}

// lobby shows the table and asks whether to play; again is true after a
// game. It looks for news from other players every few seconds, and
// gives up after a while with no key.
function lobby(again, message) {
  var idle = 0;
  for (var pass = 0; pass < 1000; pass++) {
    pollEvents();
    var s = bbs.size();
    bbs.clear();
    bbs.write("|11B L O C K S|07   ");
    bbs.writePlain(fit(bbs.board && bbs.board.name ? bbs.board.name : "", s.cols - 15), "|08");
    var rows = table();
    var top = 3;
    drawTable(rows, top, s.cols);
    var row = top + Math.max(rows.length, 2) + 2;
    var lines = message ? wrap(message, s.cols - 1) : [];
    for (var i = 0; i < lines.length && row < s.rows - 1; i++, row++) {
      bbs.moveTo(row, 1);
      bbs.writePlain(lines[i], "|14");
    }
    lines = notice ? wrap(notice, s.cols - 1) : [];
    for (var j = 0; j < lines.length && row < s.rows - 1; j++, row++) {
      bbs.moveTo(row, 1);
      bbs.writePlain(lines[j], "|13");
    }
    bbs.moveTo(s.rows, 1);
    bbs.write(again ? bbs.text("lobby.again", "Play again? |15y|07/|15n|07") + " " : bbs.text("lobby.play", "|15Enter|07 to play, |15q|07 to leave") + " ");
    for (var n = 0; n < 1000; n++) {
      var k = lower(bbs.key(LOBBY_POLL));
      if (k === null) {
        idle += LOBBY_POLL;
        if (idle >= LOBBY_IDLE) return false;
        if (pollEvents()) break;
        continue;
      }
      idle = 0;
      if (k === "redraw") break;
      if (k === "enter" || k === "y" || k === "space") return true;
      if (k === "q" || k === "n" || k === "esc") return false;
    }
  }
  return false;
}

// ---- the game ----

function Game(height) {
  this.h = height;
  this.board = [];
  for (var y = 0; y < height; y++) this.board.push(emptyRow());
  this.shown = null; // what is on screen, cell by cell; null after a clear
  this.score = 0;
  this.lines = 0;
  this.level = 1;
  this.bag = [];
  this.next = this.take();
  this.piece = null;
  this.over = false;
  this.panel = {};
  this.best = 0;
}

function emptyRow() {
  var row = [];
  for (var x = 0; x < WELL_W; x++) row.push(0);
  return row;
}

// take takes the next shape from a shuffled bag of all seven, so no
// shape is kept away for long.
Game.prototype.take = function () {
  if (this.bag.length === 0) {
    this.bag = [0, 1, 2, 3, 4, 5, 6];
    for (var i = this.bag.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = this.bag[i];
      this.bag[i] = this.bag[j];
      this.bag[j] = t;
    }
  }
  return this.bag.pop();
};

// spawn brings the next piece in at the top; false when it has no room.
Game.prototype.spawn = function () {
  var s = this.next;
  this.next = this.take();
  this.piece = { s: s, r: 0, x: Math.floor((WELL_W - SHAPES[s].box) / 2), y: s === 0 ? -1 : 0 };
  return this.fits(this.piece.s, this.piece.r, this.piece.x, this.piece.y);
};

Game.prototype.fits = function (s, r, x, y) {
  var cells = turns[s][r];
  for (var i = 0; i < cells.length; i++) {
    var cx = x + cells[i][0], cy = y + cells[i][1];
    if (cx < 0 || cx >= WELL_W || cy >= this.h) return false;
    if (cy >= 0 && this.board[cy][cx] !== 0) return false;
  }
  return true;
};

Game.prototype.move = function (dx, dy) {
  var p = this.piece;
  if (!this.fits(p.s, p.r, p.x + dx, p.y + dy)) return false;
  p.x += dx;
  p.y += dy;
  return true;
};

Game.prototype.turn = function (dir) {
  var p = this.piece;
  var r = (p.r + dir + 4) % 4;
  for (var i = 0; i < KICKS.length; i++) {
    if (this.fits(p.s, r, p.x + KICKS[i], p.y)) {
      p.r = r;
      p.x += KICKS[i];
      return true;
    }
  }
  return false;
};

// interval is how long a piece waits before falling a row, in ms.
Game.prototype.interval = function () {
  return Math.max(70, Math.round(900 * Math.pow(0.8, this.level - 1)));
};

// lock sets the piece into the well, clears full lines and brings in the
// next piece; over is set when the well has filled up.
Game.prototype.lock = function () {
  var p = this.piece;
  var cells = turns[p.s][p.r];
  for (var i = 0; i < cells.length; i++) {
    var cy = p.y + cells[i][1];
    if (cy < 0) {
      this.over = true;
      continue;
    }
    this.board[cy][p.x + cells[i][0]] = p.s + 1;
  }
  this.piece = null;
  var cleared = 0;
  for (var y = this.h - 1; y >= 0; y--) {
    if (this.board[y].indexOf(0) < 0) {
      this.board.splice(y, 1);
      cleared++;
    }
  }
  for (var n = 0; n < cleared; n++) this.board.unshift(emptyRow());
  if (cleared > 0) {
    this.score += LINE_POINTS[cleared] * this.level;
    this.lines += cleared;
    this.level = Math.min(MAX_LEVEL, 1 + Math.floor(this.lines / 10));
  }
  if (!this.over && !this.spawn()) this.over = true;
};

// fall moves the piece down a row, or locks it where it is.
Game.prototype.fall = function () {
  if (!this.move(0, 1)) this.lock();
};

Game.prototype.hardDrop = function () {
  var rows = 0;
  while (rows <= this.h && this.move(0, 1)) rows++;
  this.score += 2 * rows;
  this.lock();
};

// ---- drawing the game ----

Game.prototype.layout = function () {
  var s = bbs.size();
  this.left = Math.floor((s.cols - GAME_W) / 2) + 1;
  this.top = Math.max(1, Math.floor((s.rows - (this.h + 1)) / 2) + 1);
  this.px = this.left + 2 * WELL_W + 3; // the panel's column
};

// full clears the screen and draws everything again.
Game.prototype.full = function () {
  this.layout();
  bbs.clear();
  for (var y = 0; y < this.h; y++) {
    bbs.moveTo(this.top + y, this.left);
    bbs.write("\u2502");
    bbs.moveTo(this.top + y, this.left + 2 * WELL_W + 1);
    bbs.write("\u2502");
  }
  bbs.moveTo(this.top + this.h, this.left);
  var floor = "\u2514";
  for (var x = 0; x < 2 * WELL_W; x++) floor += "\u2500";
  bbs.write(floor + "\u2518");
  this.shown = [];
  for (var r = 0; r < this.h; r++) {
    var row = [];
    for (var c = 0; c < WELL_W; c++) row.push(-1);
    this.shown.push(row);
  }
  this.panel = {};
  this.panelText(0, "|11B L O C K S");
  // The labels of rows with a value have 7 columns, the value 9.
  this.panelText(2, "|07" + fit(bbs.text("panel.score", "Score"), 7).replace(/ +$/, ""));
  this.panelText(3, "|07" + fit(bbs.text("panel.lines", "Lines"), 7).replace(/ +$/, ""));
  this.panelText(4, "|07" + fit(bbs.text("panel.level", "Level"), 7).replace(/ +$/, ""));
  this.panelText(6, "|07" + fit(bbs.text("panel.next", "Next"), PANEL_W).replace(/ +$/, ""));
  this.panelText(10, "|07" + fit(bbs.text("panel.top", "Top"), 7).replace(/ +$/, ""));
  var help = [
    "\u2190 \u2192 h l  " + bbs.text("panel.move", "move"),
    "\u2191 k x    " + bbs.text("panel.turn", "turn"),
    "\u2193 j      " + bbs.text("panel.down", "down"),
    "space    " + bbs.text("panel.drop", "drop"),
    bbs.text("panel.pause_quit", "p pause  q quit")
  ];
  for (var i = 0; i < help.length && 12 + i < this.h - 3; i++) this.panelText(12 + i, "|08" + fit(help[i], PANEL_W).replace(/ +$/, ""));
  this.update();
};

// panelText writes sysop text on panel row n, or with a colour, text as
// typed (a caller's handle in a notice).
Game.prototype.panelText = function (n, text, colour) {
  bbs.moveTo(this.top + n, this.px);
  if (colour === undefined) bbs.write(text);
  else bbs.writePlain(text, colour);
};

// cellAt returns what cell x, y should show: 0 for empty, or shape + 1.
Game.prototype.cellAt = function (x, y, mask) {
  return mask[y * WELL_W + x] || this.board[y][x];
};

// update writes the cells and panel values that changed since the last
// call: runs of changed cells in a row share one cursor move.
Game.prototype.update = function () {
  var mask = {};
  var p = this.piece;
  if (p) {
    var cells = turns[p.s][p.r];
    for (var i = 0; i < cells.length; i++) {
      var cy = p.y + cells[i][1];
      if (cy >= 0) mask[cy * WELL_W + p.x + cells[i][0]] = p.s + 1;
    }
  }
  for (var y = 0; y < this.h; y++) {
    var run = "";
    var start = -1;
    for (var x = 0; x <= WELL_W; x++) {
      var v = x < WELL_W ? this.cellAt(x, y, mask) : -2;
      if (x < WELL_W && v !== this.shown[y][x]) {
        if (start < 0) start = x;
        run += v ? SHAPES[v - 1].colour + FILLED : EMPTY;
        this.shown[y][x] = v;
        continue;
      }
      if (start >= 0) {
        bbs.moveTo(this.top + y, this.left + 1 + 2 * start);
        bbs.write(run);
        run = "";
        start = -1;
      }
    }
  }
  this.stat("score", 2, "|15" + fitRight(this.score, 9));
  this.stat("lines", 3, "|15" + fitRight(this.lines, 9));
  this.stat("level", 4, "|15" + fitRight(this.level, 9));
  this.stat("top", 10, "|15" + fitRight(Math.max(this.best, this.score), 9));
  if (this.panel.next !== this.next) {
    this.panel.next = this.next;
    this.preview();
  }
  if (this.panel.notice !== notice) {
    this.panel.notice = notice;
    this.message(notice, "|13");
  }
};

Game.prototype.stat = function (name, row, text) {
  if (this.panel[name] === text) return;
  this.panel[name] = text;
  bbs.moveTo(this.top + row, this.px + PANEL_W - 9);
  bbs.write(text);
};

// preview draws the next piece in a box of 4 cells by 2 rows.
Game.prototype.preview = function () {
  var cells = turns[this.next][0];
  var minY = 9;
  for (var i = 0; i < cells.length; i++) minY = Math.min(minY, cells[i][1]);
  for (var y = 0; y < 2; y++) {
    var line = "";
    for (var x = 0; x < 4; x++) {
      var on = false;
      for (var j = 0; j < cells.length; j++) {
        if (cells[j][0] === x && cells[j][1] - minY === y) on = true;
      }
      line += on ? SHAPES[this.next].colour + FILLED : "  ";
    }
    this.panelText(7 + y, line);
  }
};

// message writes up to two lines of text at the foot of the panel.
Game.prototype.message = function (text, colour) {
  var first = this.h - 2;
  var words = String(text).split(" ");
  var lines = ["", ""];
  var n = 0;
  for (var i = 0; i < words.length && n < 2; i++) {
    var w = words[i];
    if (lines[n] !== "" && lines[n].length + 1 + w.length > PANEL_W) n++;
    if (n < 2) lines[n] += (lines[n] === "" ? "" : " ") + w;
  }
  for (var l = 0; l < 2; l++) this.panelText(first + l, fit(lines[l], PANEL_W), colour);
};

// ask shows a question at the foot of the panel and waits for y or n;
// null means the caller left Blocks while the window was too small.
Game.prototype.ask = function (question) {
  for (var n = 0; n < 100; n++) {
    this.message(question, "|14");
    var k = lower(bbs.key());
    if (k === "redraw") {
      if (!this.resized()) return null;
      continue;
    }
    this.panel.notice = null;
    return k === "y";
  }
  return false;
};

// resized redraws everything after the window changed; false when the
// caller left because it became too small.
Game.prototype.resized = function () {
  if (small(this.h) && !waitForRoom(this.h)) return false;
  this.full();
  return true;
};

// play runs one game and returns when it is over or the caller quits;
// false means the caller wants to leave Blocks altogether.
Game.prototype.play = function () {
  var top = table()[0];
  this.best = top ? top.score : 0;
  this.spawn();
  this.full();
  var last = Date.now();
  for (var steps = 0; !this.over; steps++) {
    if (pollEvents()) this.update();
    var wait = this.interval() - (Date.now() - last);
    var k = wait > 0 ? lower(bbs.key(wait)) : null;
    switch (k) {
      case null:
        break;
      case "left": case "h":
        this.move(-1, 0);
        break;
      case "right": case "l":
        this.move(1, 0);
        break;
      case "up": case "k": case "x":
        this.turn(1);
        break;
      case "z":
        this.turn(-1);
        break;
      case "down": case "j":
        if (this.move(0, 1)) this.score++;
        else this.lock();
        last = Date.now();
        break;
      case "space":
        this.hardDrop();
        last = Date.now();
        break;
      case "p":
        this.message(bbs.text("paused", "Paused: press any key"), "|14");
        do {
          k = bbs.key();
          if (k === "redraw" && !this.resized()) return false;
        } while (k === "redraw");
        this.panel.notice = null;
        last = Date.now();
        break;
      case "q": case "esc":
        var quit = this.ask(bbs.text("quit", "Quit this game? y/n"));
        if (quit === null) return false;
        if (quit) return this.finish(true);
        last = Date.now();
        break;
      case "redraw":
        if (!this.resized()) return false;
        break;
    }
    if (!this.over && Date.now() - last >= this.interval()) {
      this.fall();
      last = Date.now();
    }
    this.update();
  }
  return this.finish(false);
};

// finish marks the end of a game on the well and waits for Enter before
// the table is shown; false means the caller left.
Game.prototype.finish = function (quit) {
  var drawn = false;
  for (var n = 0; n < 200; n++) {
    if (!drawn) {
      var y = this.top + Math.floor(this.h / 2) - 1;
      var blank = fit("", 2 * WELL_W);
      bbs.moveTo(y, this.left + 1);
      bbs.write("|20" + blank);
      bbs.moveTo(y + 1, this.left + 1);
      bbs.write("|20|15" + fit(fitRight(quit ? bbs.text("ended", "GAME ENDED") : bbs.text("over", "GAME OVER"), 15), 2 * WELL_W));
      bbs.moveTo(y + 2, this.left + 1);
      bbs.write("|20" + blank);
      this.message(bbs.text("press_enter", "Press Enter"), "|14");
      drawn = true;
    }
    // Enter, not any key: a caller dropping pieces with space should
    // not skip this.
    var k = lower(bbs.key(20000));
    if (k === "redraw") {
      if (!this.resized()) return false;
      drawn = false;
    } else if (k === null || k === "enter" || k === "esc" || k === "q") {
      break;
    }
  }
  return true;
};

// ---- main ----

// plainVisit is the game for a caller on accessible screens (a screen
// reader, a braille display): the well is a picture that changes many
// times a second, which plain lines cannot carry, so the caller hears
// the high scores and how to play on a full screen.
function plainVisit() {
  bbs.print(bbs.text("plain.intro", "Falling blocks is a picture game for full screens."));
  bbs.print(bbs.text("plain.off", "Plain text screens cannot show it; to play, turn them off in your profile."));
  var rows = table();
  if (rows.length === 0) {
    bbs.print(bbs.text("plain.empty", "No scores yet."));
  } else {
    bbs.print(bbs.text("plain.best", "Best scores:"));
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      bbs.writePlain(bbs.text("plain.row", "{rank}. {handle}: {score} points, {lines} lines, {date}.", {
        rank: i + 1, handle: r.handle.slice(0, 200), score: r.score, lines: String(r.lines).slice(0, 200), date: String(r.date).slice(0, 200)
      }) + "\n");
    }
  }
  bbs.pause();
}

function main() {
  if (bbs.accessible) {
    plainVisit();
    return;
  }
  bbs.events.listen(EVENT);
  if (!lobby(false, "")) return;
  for (var games = 0; games < 10000; games++) {
    var h = Math.max(MIN_H, Math.min(MAX_H, bbs.size().rows - 2));
    if (!waitForRoom(h)) return;
    var g = new Game(h);
    var stay = g.play();
    var message = bbs.text("scored", "You scored {score} with {lines} lines.", { score: g.score, lines: g.lines }) + " " + save(g.score, g.lines);
    if (!stay) return;
    if (!lobby(true, message)) return;
  }
}

main();
