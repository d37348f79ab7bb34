/*
 * casebridge web chat widget: no dependencies, no CDN.
 *   <script src="https://bridge.example.org/webchat/widget.js" data-site="main" data-key="..." async></script>
 * Optional: data-title (header text), data-open="true" (start open), data-base (the bridge's URL, default: where
 * this script came from). The visitor token and the conversation are kept in localStorage, per site.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) { return; }
  var site = script.getAttribute('data-site');
  var key = script.getAttribute('data-key');
  var base = (script.getAttribute('data-base') || new URL(script.src, document.baseURI).origin).replace(/\/$/, '');
  var title = script.getAttribute('data-title') || 'Chat with us';
  var prefix = 'casebridge.webchat.' + site + '.';
  var MAX_KEPT = 100;

  function load(name, fallback) {
    try { var v = window.localStorage.getItem(prefix + name); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { window.localStorage.setItem(prefix + name, JSON.stringify(value)); } catch (e) { /* private mode: kept for this page only */ }
  }
  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  var state = {
    token: load('token', null),
    lastEventId: load('lastEventId', null),
    transcript: load('transcript', []),
    pending: load('pending', []),
    profile: load('profile', { name: '', email: '' }),
    source: null,
    sending: false
  };

  // ---- the box --------------------------------------------------------------------------------------------
  var css = '' +
    '.cb-webchat{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;font:14px/1.4 system-ui,sans-serif;color:#222}' +
    '.cb-webchat *{box-sizing:border-box}' +
    '.cb-webchat-launcher{border:0;border-radius:2rem;padding:.75rem 1.25rem;background:#1d5fa8;color:#fff;cursor:pointer;font:inherit;box-shadow:0 2px 8px rgba(0,0,0,.25)}' +
    '.cb-webchat-panel{display:none;flex-direction:column;width:22rem;max-width:calc(100vw - 2rem);height:30rem;max-height:calc(100vh - 2rem);background:#fff;border-radius:.75rem;box-shadow:0 4px 24px rgba(0,0,0,.25);overflow:hidden}' +
    '.cb-webchat.cb-open .cb-webchat-panel{display:flex}.cb-webchat.cb-open .cb-webchat-launcher{display:none}' +
    '.cb-webchat-header{display:flex;justify-content:space-between;align-items:center;padding:.6rem .9rem;background:#1d5fa8;color:#fff;font-weight:600}' +
    '.cb-webchat-close{border:0;background:transparent;color:#fff;font-size:1.2rem;cursor:pointer}' +
    '.cb-webchat-log{flex:1;overflow-y:auto;padding:.75rem;margin:0;list-style:none;background:#f6f7f9}' +
    '.cb-webchat-msg{margin:.35rem 0;padding:.45rem .7rem;border-radius:.75rem;max-width:85%;white-space:pre-wrap;word-wrap:break-word}' +
    '.cb-from-visitor{margin-left:auto;background:#1d5fa8;color:#fff}.cb-from-agent{background:#fff;border:1px solid #dde}' +
    '.cb-webchat-msg.cb-pending{opacity:.6}.cb-webchat-status{font-size:12px;color:#666;padding:0 .9rem}' +
    '.cb-webchat-profile{display:flex;gap:.4rem;padding:.5rem .75rem 0}.cb-webchat-profile input{flex:1;min-width:0;padding:.35rem;border:1px solid #ccd;border-radius:.4rem;font:inherit}' +
    '.cb-webchat-form{display:flex;gap:.4rem;padding:.6rem .75rem .75rem}' +
    '.cb-webchat-input{flex:1;resize:none;height:2.6rem;padding:.45rem;border:1px solid #ccd;border-radius:.4rem;font:inherit}' +
    '.cb-webchat-send{border:0;border-radius:.4rem;padding:0 .9rem;background:#1d5fa8;color:#fff;cursor:pointer;font:inherit}';
  var style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);

  var root = el('div', 'cb-webchat');
  var launcher = el('button', 'cb-webchat-launcher', title);
  launcher.type = 'button';
  var panel = el('div', 'cb-webchat-panel');
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', title);
  var header = el('div', 'cb-webchat-header');
  header.appendChild(el('span', '', title));
  var close = el('button', 'cb-webchat-close', '\u00d7');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close chat');
  header.appendChild(close);
  var log = el('ul', 'cb-webchat-log');
  log.setAttribute('aria-live', 'polite');
  var status = el('div', 'cb-webchat-status', '');
  var profile = el('div', 'cb-webchat-profile');
  var nameInput = input('cb-webchat-name', 'Your name (optional)', state.profile.name);
  var emailInput = input('cb-webchat-email', 'Email (optional)', state.profile.email);
  emailInput.type = 'email';
  profile.appendChild(nameInput);
  profile.appendChild(emailInput);
  var form = el('form', 'cb-webchat-form');
  var textarea = el('textarea', 'cb-webchat-input');
  textarea.placeholder = 'Write your message';
  textarea.setAttribute('aria-label', 'Your message');
  var send = el('button', 'cb-webchat-send', 'Send');
  send.type = 'submit';
  form.appendChild(textarea);
  form.appendChild(send);
  [header, log, status, profile, form].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher);
  root.appendChild(panel);

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text) { n.textContent = text; }
    return n;
  }
  function input(cls, placeholder, value) {
    var n = el('input', cls);
    n.placeholder = placeholder;
    n.setAttribute('aria-label', placeholder);
    n.value = value || '';
    return n;
  }

  function render() {
    log.textContent = '';
    state.transcript.concat(state.pending.map(function (p) { return { from: 'visitor', text: p.text, id: p.clientMessageId, pending: true }; }))
      .forEach(function (entry) {
        var item = el('li', 'cb-webchat-msg ' + (entry.from === 'agent' ? 'cb-from-agent' : 'cb-from-visitor') + (entry.pending ? ' cb-pending' : ''), entry.text);
        item.setAttribute('data-id', entry.id);
        log.appendChild(item);
      });
    log.scrollTop = log.scrollHeight;
    profile.style.display = state.transcript.length || state.pending.length ? 'none' : '';
  }
  function keep(entry) {
    state.transcript.push(entry);
    if (state.transcript.length > MAX_KEPT) { state.transcript = state.transcript.slice(-MAX_KEPT); }
    save('transcript', state.transcript);
  }
  function isOpen() { return root.classList.contains('cb-open'); }
  function setOpen(open) {
    root.classList.toggle('cb-open', open);
    save('open', open);
    if (open) { textarea.focus(); reportRead(); }
  }

  // ---- talking to the bridge --------------------------------------------------------------------------------
  function headers(withToken) {
    var h = { 'Content-Type': 'application/json', 'X-Webchat-Site': site, 'X-Webchat-Key': key };
    if (withToken && state.token) { h['X-Webchat-Token'] = state.token; }
    return h;
  }
  function problemOf(response) {
    return response.json().catch(function () { return {}; }).then(function (p) {
      var error = new Error(p.detail || ('HTTP ' + response.status));
      error.status = response.status;
      error.type = p.type || '';
      return Promise.reject(error);
    });
  }
  function session() {
    if (state.token) { return Promise.resolve(state.token); }
    return fetch(base + '/webchat/v1/sessions', { method: 'POST', headers: headers(false), body: '{}' })
      .then(function (r) { return r.ok ? r.json() : problemOf(r); })
      .then(function (s) { state.token = s.visitorToken; save('token', state.token); connect(); return state.token; });
  }
  function post(message, retried) {
    return session().then(function () {
      return fetch(base + '/webchat/v1/messages', { method: 'POST', headers: headers(true), body: JSON.stringify(message) });
    }).then(function (r) {
      if (r.ok) { return r; }
      if (r.status === 401 && !retried) {
        // the bridge forgot this visitor (or the token is from elsewhere): start afresh once
        state.token = null;
        save('token', null);
        return post(message, true);
      }
      return problemOf(r);
    });
  }
  function flush() {
    if (state.sending || !state.pending.length) { return; }
    state.sending = true;
    var next = state.pending[0];
    var message = { text: next.text, clientMessageId: next.clientMessageId };
    if (next.name) { message.name = next.name; }
    if (next.email) { message.email = next.email; }
    post(message).then(function () {
      state.pending.shift();
      save('pending', state.pending);
      keep({ from: 'visitor', text: next.text, id: next.clientMessageId });
      status.textContent = '';
      state.sending = false;
      render();
      flush();
    }, function (error) {
      state.sending = false;
      if (error.status && error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 409) {
        // refused as written: show why, do not retry
        state.pending.shift();
        save('pending', state.pending);
        status.textContent = 'Not sent: ' + error.message;
        render();
        return;
      }
      status.textContent = 'Not sent yet, retrying\u2026';
      window.setTimeout(flush, error.status === 429 ? 10000 : 3000);
    });
  }
  function connect() {
    if (!state.token || state.source) { return; }
    var url = base + '/webchat/v1/events?site=' + encodeURIComponent(site) + '&key=' + encodeURIComponent(key) +
      '&token=' + encodeURIComponent(state.token) + (state.lastEventId ? '&lastEventId=' + encodeURIComponent(state.lastEventId) : '');
    var source = new EventSource(url);
    state.source = source;
    source.addEventListener('reply', function (event) {
      var reply = JSON.parse(event.data);
      state.lastEventId = event.lastEventId;
      save('lastEventId', state.lastEventId);
      var seen = state.transcript.some(function (t) { return t.id === reply.id; });
      if (!seen) {
        keep({ from: 'agent', text: reply.text, id: reply.id, kind: reply.kind, at: reply.at });
        render();
      }
      reportRead();
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        // refused (e.g. the token is no longer known) or the server is gone: try again in a while
        state.source = null;
        window.setTimeout(connect, 5000);
      }
    };
  }
  function reportRead() {
    if (!isOpen() || document.visibilityState !== 'visible' || !state.token) { return; }
    var unread = state.transcript.filter(function (t) { return t.from === 'agent' && !t.read; });
    if (!unread.length) { return; }
    fetch(base + '/webchat/v1/receipts', { method: 'POST', headers: headers(true),
      body: JSON.stringify({ status: 'read', messageIds: unread.map(function (t) { return t.id; }) }) })
      .then(function (r) {
        if (r.ok) { unread.forEach(function (t) { t.read = true; }); save('transcript', state.transcript); }
      }, function () { /* reported next time */ });
  }

  // ---- events -----------------------------------------------------------------------------------------------
  launcher.addEventListener('click', function () { setOpen(true); });
  close.addEventListener('click', function () { setOpen(false); });
  document.addEventListener('visibilitychange', reportRead);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = textarea.value.trim();
    if (!text) { return; }
    state.profile = { name: nameInput.value.trim(), email: emailInput.value.trim() };
    save('profile', state.profile);
    // the id travels with every retry of this message: the bridge stores it once
    state.pending.push({ text: text, clientMessageId: randomId(), name: state.profile.name, email: state.profile.email });
    save('pending', state.pending);
    textarea.value = '';
    render();
    flush();
  });
  textarea.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); form.requestSubmit ? form.requestSubmit() : send.click(); }
  });

  function start() {
    document.body.appendChild(root);
    render();
    setOpen(load('open', script.getAttribute('data-open') === 'true'));
    connect();
    flush();
  }
  if (document.body) { start(); } else { document.addEventListener('DOMContentLoaded', start); }
})();
