// A Node `ws` client against an echo endpoint. usage: node ws-client.mjs WS_URL [--deflate]
// Sends the shared echo cases (plus a fragmented text and a ping), checks every answer, closes with
// 1000, and prints one JSON line: {"ok":true,"extensions":"...","cases":N}. Exit 0 only on success.
import WebSocket from 'ws';
import { echoCases, mixedText } from './messages.mjs';

const [url, ...flags] = process.argv.slice(2);
const deflate = flags.includes('--deflate');
const deadline = setTimeout(() => fail('timed out after 30 s'), 30_000);

function fail(why) {
  console.log(JSON.stringify({ ok: false, error: why }));
  process.exit(1);
}

const socket = new WebSocket(url, {
  perMessageDeflate: deflate ? { threshold: 0 } : false,
  maxPayload: 64 * 1024 * 1024,
});
const answers = [];
let waiting = null;
socket.on('message', (data, isBinary) => {
  answers.push({ data, isBinary });
  if (waiting) waiting();
});
socket.on('error', (e) => fail('socket error: ' + e.message));
socket.on('unexpected-response', (req, res) => fail('expected 101, got ' + res.statusCode));

function nextAnswer() {
  return new Promise((resolve) => {
    const take = () => { waiting = null; resolve(answers.shift()); };
    if (answers.length) take(); else waiting = take;
  });
}

function same(expected, answer) {
  if (typeof expected === 'string') {
    return !answer.isBinary && answer.data.toString('utf8') === expected;
  }
  return answer.isBinary && Buffer.compare(expected, answer.data) === 0;
}

socket.on('open', async () => {
  for (const c of echoCases) {
    console.error('echo: ' + c.name);
    socket.send(c.data, { binary: typeof c.data !== 'string' });
    if (!same(c.data, await nextAnswer())) fail('echo of ' + c.name + ' differs');
  }
  console.error('echo: fragmented text');
  const parts = [mixedText(1000), mixedText(70_000), 'end'];
  parts.forEach((part, i) => socket.send(part, { binary: false, fin: i === parts.length - 1 }));
  if (!same(parts.join(''), await nextAnswer())) fail('echo of the fragmented text differs');

  const pong = new Promise((resolve) => socket.once('pong', resolve));
  socket.ping(Buffer.from('are you there?'));
  if ((await pong).toString() !== 'are you there?') fail('pong payload differs from the ping');

  socket.once('close', (code) => {
    clearTimeout(deadline);
    if (code !== 1000) fail('expected close code 1000 back, got ' + code);
    console.log(JSON.stringify({ ok: true, extensions: socket.extensions, cases: echoCases.length + 2 }));
    process.exit(0);
  });
  socket.close(1000, 'bye');
});
