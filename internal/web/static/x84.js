// x84's browser terminal: xterm.js on a WebSocket to /ws. Terminal bytes
// travel as binary messages both ways; the window size travels as a
// text message, {"cols":N,"rows":N}, first and after every resize.
'use strict';
(function () {
  // xterm.js adds <style> elements; the page's Content-Security-Policy
  // admits them by this script's nonce.
  const nonce = document.currentScript.nonce;
  const createElement = document.createElement;
  document.createElement = function (name, options) {
    const el = createElement.call(this, name, options);
    if (String(name).toLowerCase() === 'style') el.nonce = nonce;
    return el;
  };

  const term = new Terminal({
    cursorBlink: true,
    fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
    fontSize: 16,
    scrollback: 1000,
  });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal'));
  fit.fit();
  window.addEventListener('resize', () => fit.fit());

  const chunk = 16384; // the server refuses messages over 64 KiB
  const encoder = new TextEncoder();
  let ws = null;

  function sendSize() {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ cols: term.cols, rows: term.rows }));
    }
  }

  function send(bytes) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    for (let i = 0; i < bytes.length; i += chunk) ws.send(bytes.subarray(i, i + chunk));
  }

  function connect() {
    term.reset();
    const sock = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    sock.binaryType = 'arraybuffer';
    let opened = false;
    sock.onopen = () => {
      opened = true;
      sendSize();
    };
    sock.onmessage = (ev) => {
      if (typeof ev.data !== 'string') term.write(new Uint8Array(ev.data));
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      ws = null;
      let why = 'The connection was lost';
      if (!opened) why = 'The board did not answer (busy, or refusing your address)';
      else if (ev.code === 1000) why = 'Disconnected';
      else if (ev.reason) why = 'Disconnected: ' + ev.reason;
      term.write('\r\n\x1b[0m\r\n\x1b[1;37;44m ' + why + '. Press Enter to call again. \x1b[0m\r\n');
    };
    ws = sock;
  }

  term.onData((data) => {
    if (!ws) {
      if (data === '\r') connect();
      return;
    }
    send(encoder.encode(data));
  });
  // Some mouse reports are bytes, not text.
  term.onBinary((data) => send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
  term.onResize(sendSize);

  connect();
  term.focus();
})();
