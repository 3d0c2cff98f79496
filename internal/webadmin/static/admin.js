// The web admin's only script: it refreshes the who's online table
// every few seconds. Everything works without it (the page has a
// Refresh link). It builds rows with DOM calls and textContent, never
// HTML from data.
'use strict';
(() => {
  const table = document.getElementById('who');
  if (!table) return;
  const body = table.tBodies[0];
  const live = document.getElementById('live');
  const csrf = document.querySelector('header input[name="csrf"]');
  const canDisconnect = table.dataset.disconnect === 'true';
  const every = 5000;

  const cell = (row, text) => {
    const td = row.insertCell();
    td.textContent = text;
    return td;
  };

  const disconnectForm = (node, since) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/admin/disconnect';
    for (const [name, value] of [['csrf', csrf ? csrf.value : ''], ['node', String(node)], ['since', since]]) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.append(input);
    }
    const button = document.createElement('button');
    button.type = 'submit';
    button.textContent = 'Disconnect';
    form.append(button);
    return form;
  };

  const show = (callers) => {
    const rows = [];
    for (const c of callers) {
      const tr = document.createElement('tr');
      cell(tr, c.host ? `${c.node} @ ${c.host}` : String(c.node));
      const user = cell(tr, c.user);
      if (!c.user) {
        const em = document.createElement('em');
        em.textContent = 'not logged in';
        user.append(em);
      }
      cell(tr, c.kind);
      cell(tr, c.remote);
      cell(tr, `${c.term} ${c.size}`);
      cell(tr, c.activity);
      cell(tr, c.connected);
      cell(tr, c.idle);
      const last = tr.insertCell();
      if (canDisconnect) last.append(disconnectForm(c.node, c.since));
      rows.push(tr);
    }
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = cell(tr, 'Nobody is online.');
      td.colSpan = 9;
      rows.push(tr);
    }
    body.replaceChildren(...rows);
  };

  let timer;
  const refresh = async () => {
    try {
      // background=1: a refresh is not the sysop's use, and does not
      // keep an idle session alive.
      const resp = await fetch('/admin/who.json?background=1', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const type = resp.headers.get('Content-Type') || '';
      if (!resp.ok || resp.redirected || !type.startsWith('application/json')) {
        live.textContent = 'Live updates stopped: your session has ended. Reload the page.';
        clearInterval(timer);
        return;
      }
      const data = await resp.json();
      show(data.callers || []);
      live.textContent = `Live: updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      live.textContent = 'Live updates paused: the server did not answer.';
    }
  };
  timer = setInterval(refresh, every);
  live.textContent = 'Live: updates every 5 seconds.';
})();
