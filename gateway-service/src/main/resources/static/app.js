// The chatsync demo client: plain JS against the HTTP/SSE contract of API.md, no build step.
// Each browser tab is one device, so everything per device lives in sessionStorage (per tab).
'use strict';

const API = '/api/v1';
const $ = (id) => document.getElementById(id);

const session = {
  get userId() { return sessionStorage.getItem('chat.userId'); },
  get token() { return sessionStorage.getItem('chat.token'); },
  get deviceId() {
    let id = sessionStorage.getItem('chat.deviceId');
    if (!id) {
      id = 'web-' + randomId().slice(0, 12);
      sessionStorage.setItem('chat.deviceId', id);
    }
    return id;
  },
  // Kept so that a reload of the tab goes on from where this device's stream was.
  get lastEventId() { return Number(sessionStorage.getItem('chat.lastEventId') || 0); },
  set lastEventId(seq) { sessionStorage.setItem('chat.lastEventId', String(seq)); },
  signIn(userId, token) {
    sessionStorage.setItem('chat.userId', userId);
    sessionStorage.setItem('chat.token', token);
  },
  signOut() {
    ['chat.userId', 'chat.token', 'chat.lastEventId'].forEach((key) => sessionStorage.removeItem(key));
  },
};

const state = {
  conversations: [],          // the last GET /conversations page
  names: new Map(),           // conversationId -> display name, for conversations without a title
  openId: null,
  messages: new Map(),        // seq -> message of the open conversation
  pending: new Map(),         // clientMsgId -> body, sends not yet confirmed
  readPosted: 0,              // highest seq this device has marked read in the open conversation
  readBy: null,               // {seq, count} for the caller's last own message, when the server knows
  ackedUpTo: 0,
  editing: null,              // the seq of the own message being edited, or null
  partners: new Map(),        // conversationId -> the other member, for direct conversations
  presence: new Map(),        // userId -> {online, lastSeenAt}
  typing: new Map(),          // `${conversationId}/${userId}` -> until (ms)
  typingSent: 0,              // when this device last said it is typing
};

// crypto.randomUUID needs a secure context; a gateway reached by plain http on a LAN address is not.
function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- HTTP -------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, detail, retryAfter) {
    super(detail);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

function headers(extra = {}) {
  const result = { 'X-Device-Id': session.deviceId, ...extra };
  if (session.token) result.Authorization = 'Bearer ' + session.token;
  return result;
}

async function api(method, path, body, extraHeaders = {}) {
  const init = { method, headers: headers(extraHeaders), cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  if (!response.ok) throw await problem(response);
  return response.status === 204 ? null : response.json();
}

// Errors are application/problem+json; anything else (a proxy's HTML page) still gets a line.
async function problem(response) {
  let detail = response.status + ' ' + response.statusText;
  try {
    const body = await response.json();
    detail = body.detail || body.title || detail;
  } catch (notJson) { /* keep the status line */ }
  const retryAfter = Number(response.headers.get('Retry-After')) || 0;
  if (response.status === 401 && session.token) expireSession();
  return new ApiError(response.status, detail, retryAfter);
}

// A send must not be lost to a dropped connection or a busy store, and must not be doubled:
// the server answers a repeated clientMsgId with the first message, so retrying is safe.
async function withRetry(call, attempts = 6) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const transient = error instanceof TypeError || (error instanceof ApiError && [429, 503].includes(error.status));
      if (!transient || attempt >= attempts) throw error;
      const wait = error.retryAfter ? error.retryAfter * 1000 : Math.min(500 * 2 ** attempt, 8000);
      await sleep(wait);
    }
  }
}

// ---- the error bar ----------------------------------------------------------------------------

function showError(error) {
  const text = error instanceof TypeError ? 'The server cannot be reached: ' + error.message : error.message;
  $('error-text').textContent = text;
  $('error').hidden = false;
}

function expireSession() {
  session.signOut();
  showError(new Error('The session expired; please sign in again.'));
  setTimeout(() => location.reload(), 1500);
}

// ---- sign in ----------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const userId = $('user-id').value.trim();
  try {
    const { token } = await api('POST', '/dev/tokens', { userId });
    session.signIn(userId, token);
    start();
  } catch (error) {
    showError(error);
  }
}

function start() {
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('whoami').hidden = false;
  $('whoami').textContent = session.userId + ' · ' + session.deviceId;
  refreshList();
  runStream();
}

// ---- the conversation list --------------------------------------------------------------------

let listTimer = null;

// Events often come in bursts (a replay after a reconnect): one list read covers them all.
function scheduleListRefresh() {
  clearTimeout(listTimer);
  listTimer = setTimeout(refreshList, 250);
}

async function refreshList() {
  try {
    const page = await api('GET', '/conversations?limit=50');
    state.conversations = page.items;
    await Promise.all(page.items.filter((c) => !c.title && !state.names.has(c.conversationId)).map(fetchName));
    await refreshPresence();
    renderList();
  } catch (error) {
    showError(error);
  }
}

// The list has no members; a conversation without a title is named after the others in it.
async function fetchName(conversation) {
  try {
    const details = await api('GET', '/conversations/' + encodeURIComponent(conversation.conversationId));
    rememberName(details);
  } catch (error) { /* the id will do as a name */ }
}

function rememberName(details) {
  const others = details.members.filter((m) => m !== session.userId);
  state.names.set(details.conversationId, details.title || others.join(', ') || details.conversationId);
  if (details.type === 'direct' && others.length === 1) state.partners.set(details.conversationId, others[0]);
}

// The online dots of direct conversations: one request for every partner of the list (at most 100).
async function refreshPresence() {
  const partners = [...new Set(state.conversations.map((c) => state.partners.get(c.conversationId)).filter(Boolean))];
  if (!partners.length) return;
  try {
    const page = await api('GET', '/presence?userIds=' + partners.slice(0, 100).map(encodeURIComponent).join(','));
    page.items.forEach((p) => state.presence.set(p.userId, p));
  } catch (error) { /* dots are a nicety: the list shows without them */ }
}

function nameOf(conversation) {
  return conversation.title || state.names.get(conversation.conversationId) || conversation.conversationId;
}

function renderList() {
  const list = $('conversations');
  list.replaceChildren(...state.conversations.map((c) => {
    const item = el('li', { 'data-testid': 'conversation', 'data-conversation-id': c.conversationId });
    if (c.conversationId === state.openId) item.setAttribute('aria-current', 'true');
    const partner = state.partners.get(c.conversationId);
    if (partner) {
      const online = Boolean(state.presence.get(partner)?.online);
      item.append(el('span', { class: 'dot' + (online ? ' online' : ''), 'data-testid': 'presence',
        'data-online': String(online), title: partner + (online ? ' is online' : ' is offline') }));
    }
    const text = el('div', { class: 'text' });
    text.append(el('div', { class: 'name', 'data-testid': 'conversation-name' }, nameOf(c)));
    if (c.lastMessage) {
      text.append(el('div', { class: 'preview' }, c.lastMessage.senderId + ': ' + shownBody(c.lastMessage)));
    }
    item.append(text);
    // The open, visible conversation is being marked read, whatever the last list read said.
    const unread = c.conversationId === state.openId && isVisible() ? 0 : c.unreadCount;
    if (unread > 0) item.append(el('span', { class: 'badge', 'data-testid': 'unread-badge' }, String(unread)));
    item.addEventListener('click', () => openConversation(c.conversationId));
    return item;
  }));
}

async function createConversation(event) {
  event.preventDefault();
  const title = $('new-title').value.trim();
  const members = $('new-members').value.split(',').map((m) => m.trim()).filter(Boolean);
  const request = !title && members.length === 1
    ? { type: 'direct', members }
    : { type: 'group', title, members };
  try {
    const created = await api('POST', '/conversations', request);
    rememberName(created);
    $('new-conversation').reset();
    await refreshList();
    openConversation(created.conversationId);
  } catch (error) {
    showError(error);
  }
}

// ---- the open conversation --------------------------------------------------------------------

async function openConversation(conversationId) {
  state.openId = conversationId;
  state.messages = new Map();
  state.pending = new Map();
  state.readBy = null;
  stopEditing();
  const listed = state.conversations.find((c) => c.conversationId === conversationId);
  state.readPosted = listed ? listed.readSeq : 0;
  $('placeholder').hidden = true;
  $('conversation-title').hidden = false;
  $('conversation-title').textContent = listed ? nameOf(listed) : state.names.get(conversationId) || '';
  $('send').hidden = false;
  renderList();
  renderMessages();
  try {
    const page = await api('GET', '/conversations/' + encodeURIComponent(conversationId) + '/messages?limit=50');
    if (state.openId !== conversationId) return;
    page.items.forEach((m) => state.messages.set(m.seq, m));
    renderMessages();
    markRead();
    refreshReceipts();
    $('send-body').focus();
  } catch (error) {
    showError(error);
  }
}

/** Reads the open conversation's history after the newest message shown, to the end. */
async function catchUp(conversationId) {
  try {
    let page;
    do {
      page = await api('GET', '/conversations/' + encodeURIComponent(conversationId) + '/messages?after=' + highestSeq()
        + '&limit=200');
      if (state.openId !== conversationId) return;
      page.items.forEach(addMessage);
    } while (page.hasMore && page.items.length);
  } catch (error) {
    showError(error);
  }
}

function closeConversation() {
  state.openId = null;
  state.messages = new Map();
  $('placeholder').hidden = false;
  $('conversation-title').hidden = true;
  $('send').hidden = true;
  renderMessages();
}

function addMessage(message) {
  if (!message || message.conversationId !== state.openId) return;
  const known = state.messages.get(message.seq);
  // An edit or recall comes as the message's new state: keep the newest version only.
  if (known && (known.version || 1) >= (message.version || 1)) return;
  state.messages.set(message.seq, message);
  if (message.senderId === session.userId) state.pending.delete(message.clientMsgId);
  renderMessages();
  markRead();
}

function highestSeq() {
  let highest = 0;
  for (const seq of state.messages.keys()) highest = Math.max(highest, seq);
  return highest;
}

function lastOwnSeq() {
  let last = 0;
  for (const m of state.messages.values()) if (m.senderId === session.userId) last = Math.max(last, m.seq);
  return last;
}

function renderMessages() {
  const list = $('messages');
  const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
  const ordered = [...state.messages.values()].sort((a, b) => a.seq - b.seq);
  const items = ordered.map((m) => {
    const own = m.senderId === session.userId;
    const item = el('li', { 'data-testid': 'message', 'data-seq': String(m.seq), class: own ? 'own' : '' });
    const recalled = m.type === 'recalled';
    const meta = el('div', { class: 'meta' }, (own ? 'you' : m.senderId) + ' · ' + time(m.sentAt));
    if (m.editedAt && !recalled) meta.append(el('span', { class: 'edited', 'data-testid': 'edited' }, ' · edited'));
    item.append(meta);
    item.append(el('div', { class: 'body' + (recalled ? ' recalled' : ''), 'data-testid': 'message-body' }, shownBody(m)));
    if (own && !recalled) {
      const actions = el('div', { class: 'actions' });
      const edit = el('button', { type: 'button', 'data-testid': 'edit-button' }, 'Edit');
      edit.addEventListener('click', () => startEditing(m));
      const recall = el('button', { type: 'button', 'data-testid': 'recall-button' }, 'Delete');
      recall.addEventListener('click', () => recallMessage(m));
      actions.append(edit, recall);
      item.append(actions);
    }
    if (state.readBy && state.readBy.seq === m.seq) {
      const text = state.readBy.count > 0 ? 'read by ' + state.readBy.count : 'not read yet';
      item.append(el('div', { class: 'read-by', 'data-testid': 'read-by' }, text));
    }
    return item;
  });
  for (const [clientMsgId, body] of state.pending) {
    const item = el('li', { 'data-testid': 'message-pending', 'data-client-msg-id': clientMsgId, class: 'own pending' });
    item.append(el('div', { class: 'meta' }, 'sending…'));
    item.append(el('div', { class: 'body', 'data-testid': 'message-body' }, body));
    items.push(item);
  }
  list.replaceChildren(...items);
  if (stick) list.scrollTop = list.scrollHeight;
}

async function send(event) {
  event.preventDefault();
  const conversationId = state.openId;
  const body = $('send-body').value;
  if (!conversationId || !body.trim()) return;
  if (state.editing !== null) return saveEdit(conversationId, state.editing, body);
  const clientMsgId = randomId();
  $('send-body').value = '';
  state.pending.set(clientMsgId, body);
  renderMessages();
  const path = '/conversations/' + encodeURIComponent(conversationId) + '/messages';
  try {
    const sent = await withRetry(() => api('POST', path, { clientMsgId, type: 'text', body }));
    if (state.openId !== conversationId) return;
    state.pending.delete(clientMsgId);
    addMessage({ ...sent, clientMsgId, type: 'text', body });
    renderMessages();
    refreshReceipts();
  } catch (error) {
    state.pending.delete(clientMsgId);
    renderMessages();
    if (state.openId === conversationId && !$('send-body').value) $('send-body').value = body;
    showError(error);
  }
}

function shownBody(message) {
  return message.type === 'recalled' ? 'message deleted' : message.body;
}

function startEditing(message) {
  state.editing = message.seq;
  $('send-body').value = message.body;
  $('send-button').textContent = 'Save';
  $('editing').hidden = false;
  $('send-body').focus();
}

function stopEditing() {
  state.editing = null;
  $('send-button').textContent = 'Send';
  $('editing').hidden = true;
}

// If-Match: the version this device shows; another device's change first makes it a 409, shown.
async function saveEdit(conversationId, seq, body) {
  const shown = state.messages.get(seq);
  try {
    const edited = await api('PATCH', '/conversations/' + encodeURIComponent(conversationId) + '/messages/' + seq, { body },
      { 'If-Match': '"' + (shown?.version || 1) + '"' });
    $('send-body').value = '';
    stopEditing();
    addMessage(edited);
  } catch (error) {
    showError(error);
  }
}

async function recallMessage(message) {
  try {
    await api('DELETE', '/conversations/' + encodeURIComponent(message.conversationId) + '/messages/' + message.seq);
    if (state.editing === message.seq) stopEditing();
  } catch (error) {
    showError(error);
  }
}

// At most once every 3 s, as the server forwards no more anyway; an edit is not a new message.
function sayTyping() {
  const conversationId = state.openId;
  if (!conversationId || state.editing !== null || !$('send-body').value || Date.now() - state.typingSent < 3000) return;
  state.typingSent = Date.now();
  api('POST', '/conversations/' + encodeURIComponent(conversationId) + '/typing').catch(() => {});
}

function renderTyping() {
  const now = Date.now();
  const typing = [];
  for (const [key, until] of state.typing) {
    const [conversationId, userId] = key.split('/');
    if (until <= now) state.typing.delete(key);
    else if (conversationId === state.openId) typing.push(userId);
  }
  $('typing').textContent = typing.length ? typing.join(', ') + (typing.length > 1 ? ' are' : ' is') + ' typing…' : '';
  $('typing').hidden = typing.length === 0;
}

function isVisible() {
  return document.visibilityState === 'visible';
}

// Only what the person can see counts as read, so a tab in the background does not mark anything.
function markRead() {
  const upTo = highestSeq();
  if (!state.openId || !isVisible() || upTo <= state.readPosted) return;
  state.readPosted = upTo;
  const conversationId = state.openId;
  api('POST', '/conversations/' + encodeURIComponent(conversationId) + '/read', { upTo }).catch(showError);
  const listed = state.conversations.find((c) => c.conversationId === conversationId);
  if (listed) {
    listed.unreadCount = 0;
    renderList();
  }
}

// One request per change, for the caller's last own message only: enough for "read by N" and cheap.
async function refreshReceipts() {
  const conversationId = state.openId;
  const seq = lastOwnSeq();
  if (!seq) return;
  try {
    const receipts = await api('GET', '/conversations/' + encodeURIComponent(conversationId) + '/messages/' + seq + '/receipts');
    if (state.openId !== conversationId || lastOwnSeq() !== seq) return;
    state.readBy = { seq, count: receipts.readCount };
  } catch (error) {
    // A server without receipts (404) shows none; anything else is worth a line.
    if (!(error instanceof ApiError && error.status === 404)) showError(error);
    if (state.openId !== conversationId) return;
    state.readBy = null;
  }
  renderMessages();
}

// ---- the stream (SSE over fetch, since EventSource cannot send the bearer token) ---------------

const STALL_MS = 45_000;  // three missed heartbeats: the connection is dead even if TCP has not noticed

async function runStream() {
  let backoff = 1000;
  while (session.token) {
    const abort = new AbortController();
    let stall = setTimeout(() => abort.abort(), STALL_MS);
    const alive = () => { clearTimeout(stall); stall = setTimeout(() => abort.abort(), STALL_MS); };
    try {
      const streamHeaders = headers({ Accept: 'text/event-stream' });
      if (session.lastEventId) streamHeaders['Last-Event-ID'] = String(session.lastEventId);
      const response = await fetch(API + '/stream', { headers: streamHeaders, signal: abort.signal, cache: 'no-store' });
      if (!response.ok) throw await problem(response);
      setConnection('live');
      backoff = 1000;
      await readEvents(response.body, alive, onEvent);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 503) showError(error);
    } finally {
      clearTimeout(stall);
    }
    setConnection('reconnecting');
    await sleep(backoff + Math.random() * 500);
    backoff = Math.min(backoff * 2, 30_000);
  }
}

// The text/event-stream format: fields per line, an event ends at a blank line, ':' is a comment.
async function readEvents(body, alive, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { id: null, type: 'message', data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    alive();
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop();
    for (const line of lines) {
      if (line === '') {
        if (event.data.length) dispatch(event.id, event.type, event.data.join('\n'));
        event = { id: null, type: 'message', data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.type = value;
        else if (field === 'data') event.data.push(value);
      }
    }
  }
}

function onEvent(id, kind, data) {
  const entry = JSON.parse(data);
  switch (kind) {
    case 'message':
      // A live message of a large group (no id) after a gap: the history has the ones between.
      if (!id && entry.conversationId === state.openId && highestSeq() > 0 && entry.message.seq > highestSeq() + 1) {
        catchUp(entry.conversationId);
      }
      if (entry.conversationId === state.openId) addMessage(entry.message);
      state.typing.delete(entry.conversationId + '/' + entry.message?.senderId);
      renderTyping();
      scheduleListRefresh();
      break;
    case 'channel-activity':
      // A large group tells of new messages instead of sending each: they are in its history.
      if (entry.conversationId === state.openId) catchUp(entry.conversationId);
      scheduleListRefresh();
      break;
    case 'message-updated':
      if (entry.conversationId === state.openId) addMessage(entry.message);
      scheduleListRefresh();
      break;
    case 'typing':
      state.typing.set(entry.conversationId + '/' + entry.userId, Date.parse(entry.until) || Date.now() + 6000);
      renderTyping();
      setTimeout(renderTyping, 6500);
      return;
    case 'presence':
      state.presence.set(entry.userId, entry);
      renderList();
      return;
    case 'read':
      scheduleListRefresh();
      break;
    case 'receipt':
      if (entry.conversationId === state.openId) refreshReceipts();
      break;
    case 'membership':
      if (entry.change === 'removed' && entry.conversationId === state.openId) closeConversation();
      scheduleListRefresh();
      break;
    case 'cursor-expired':
      // The inbox no longer has what this device missed: rebuild from the list and history.
      session.lastEventId = entry.headSeq || 0;
      refreshList();
      if (state.openId) openConversation(state.openId);
      return;
    default:
      break;  // a newer server's kind: nothing this client has to show
  }
  if (id) {
    session.lastEventId = Number(id);
    scheduleAck();
  }
}

let ackTimer = null;

// Delivery ACKs are batched: at most one request a second, covering everything seen so far.
function scheduleAck() {
  if (ackTimer) return;
  ackTimer = setTimeout(() => {
    ackTimer = null;
    const upTo = session.lastEventId;
    if (upTo <= state.ackedUpTo) return;
    api('POST', '/ack', { upTo }).then(() => { state.ackedUpTo = Math.max(state.ackedUpTo, upTo); }, () => {});
  }, 1000);
}

function setConnection(status) {
  const badge = $('connection');
  badge.dataset.state = status;
  badge.textContent = status;
}

// ---- helpers ----------------------------------------------------------------------------------

function el(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function time(iso) {
  const date = new Date(iso);
  return isNaN(date) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

// ---- wiring -----------------------------------------------------------------------------------

$('sign-in').addEventListener('submit', signIn);
$('new-conversation').addEventListener('submit', createConversation);
$('send').addEventListener('submit', send);
$('send-body').addEventListener('input', sayTyping);
$('editing-cancel').addEventListener('click', () => { stopEditing(); $('send-body').value = ''; });
$('error-close').addEventListener('click', () => { $('error').hidden = true; });
document.addEventListener('visibilitychange', () => { markRead(); renderList(); });
if (session.token) start();
