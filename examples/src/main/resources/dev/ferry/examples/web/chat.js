// The chat page: one WebSocket to /chat on the host that served the page. Every line sent comes back
// to every open tab, this one included. No framework, no build step.
'use strict';

const log = document.getElementById('log');
const status = document.getElementById('status');
const name = document.getElementById('name');
const line = document.getElementById('line');

name.value = 'guest-' + Math.floor(1000 + Math.random() * 9000);

const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
const socket = new WebSocket(scheme + location.host + '/chat');

function show(text, notice) {
  const item = document.createElement('li');
  item.textContent = text;
  if (notice) item.className = 'notice';
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

socket.addEventListener('open', () => { status.textContent = 'connected'; });
socket.addEventListener('message', (event) => show(event.data, event.data.startsWith('* ')));
socket.addEventListener('close', (event) => {
  status.textContent = 'closed (' + event.code + (event.reason ? ' ' + event.reason : '') + ')';
});
socket.addEventListener('error', () => { status.textContent = 'error'; });

document.getElementById('say').addEventListener('submit', (event) => {
  event.preventDefault();
  if (line.value && socket.readyState === WebSocket.OPEN) {
    socket.send(name.value + ': ' + line.value);
    line.value = '';
  }
});
