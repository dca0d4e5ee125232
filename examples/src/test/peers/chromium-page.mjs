// Headless Chromium (the Debian package) loading Ferry's example chat page, driven over the DevTools
// protocol. usage: node chromium-page.mjs PAGE_URL [CHROMIUM]
// Two tabs open the page; tab A says a line through the page's form and both tabs must show it; then,
// inside tab A's page, a WebSocket to /echo sends a 70 KiB non-ASCII text and a 100 KiB binary message
// and checks the answers. Prints one JSON line {"ok":true,...}; exit 0 only on success.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const [pageUrl, chromium = '/usr/bin/chromium'] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'ferry-chromium-'));
let browser;
let finished = false;

function finish(result, code) {
  if (finished) return;
  finished = true;
  console.log(JSON.stringify(result));
  const cleanUp = () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch (e) {
      console.error('could not remove ' + profile + ': ' + e.message);
    }
    process.exit(code);
  };
  if (browser && browser.exitCode === null && browser.signalCode === null) {
    browser.once('exit', cleanUp);
    process.kill(-browser.pid, 'SIGKILL'); // the whole group: renderers and zygotes too
  } else {
    cleanUp();
  }
}
const deadline = setTimeout(() => finish({ ok: false, error: 'timed out after 60 s' }, 1), 60_000);

function launch() {
  browser = spawn(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-default-apps', '--disable-extensions', '--no-first-run', '--no-default-browser-check',
    '--user-data-dir=' + profile, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  browser.on('exit', (code) => finish({ ok: false, error: 'chromium exited with ' + code }, 1));
  return new Promise((resolve) => {
    let seen = '';
    browser.stderr.on('data', (chunk) => {
      seen += chunk;
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (found) resolve(found[1]);
    });
  });
}

/** A minimal DevTools protocol client over one browser-level WebSocket, with flat sessions. */
class DevTools {
  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    this.pending = new Map();
    this.waiters = [];
    socket.on('message', (raw) => {
      const message = JSON.parse(raw);
      if (message.method) {
        this.waiters = this.waiters.filter((w) => !w(message));
        return;
      }
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.error) call.reject(new Error(call.method + ': ' + message.error.message));
      else call.resolve(message.result);
    });
  }

  send(method, params = {}, sessionId) {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
  }

  /** Resolves on the next event named `method` in `sessionId`. */
  event(method, sessionId) {
    return new Promise((resolve) => this.waiters.push((message) => {
      if (message.method !== method || message.sessionId !== sessionId) return false;
      resolve(message.params);
      return true;
    }));
  }

  /** Opens a tab, loads `url` in it and resolves, once it has loaded, to a handle on the tab. */
  async open(url) {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    await this.send('Page.enable', {}, sessionId);
    const loaded = this.event('Page.loadEventFired', sessionId);
    const { errorText } = await this.send('Page.navigate', { url }, sessionId);
    if (errorText) throw new Error('loading ' + url + ' failed: ' + errorText);
    await loaded;
    return {
      evaluate: async (expression) => {
        const reply = await this.send('Runtime.evaluate',
          { expression, awaitPromise: true, returnByValue: true }, sessionId);
        if (reply.exceptionDetails) {
          const details = reply.exceptionDetails;
          throw new Error((details.exception && details.exception.description) || details.text);
        }
        return reply.result.value;
      },
    };
  }
}

// Runs in the page: resolves when `test()` holds, polling every 20 ms, or rejects after 10 s.
const until = (test, what) => `new Promise((resolve, reject) => {
  const started = Date.now();
  const poll = () => { const value = (${test})();
    if (value) resolve(value);
    else if (Date.now() - started > 10000) reject(new Error('timed out waiting for ${what}'));
    else setTimeout(poll, 20); };
  poll(); })`;

// Runs in the page: echoes a 70 KiB non-ASCII text and a 100 KiB binary message through /echo.
const echoInPage = `new Promise((resolve, reject) => {
  const pattern = 'Ferry ⛴ fährt über den Fluß; 渡し船 😀 ';
  const text = pattern.repeat(Math.ceil(70 * 1024 / pattern.length));
  const bytes = new Uint8Array(100 * 1024).map((_, i) => i % 251);
  const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/echo');
  socket.binaryType = 'arraybuffer';
  const answers = [];
  socket.onopen = () => { socket.send(text); socket.send(bytes); };
  socket.onerror = () => reject(new Error('echo socket failed'));
  socket.onmessage = (event) => {
    answers.push(event.data);
    if (answers.length < 2) return;
    const textOk = answers[0] === text;
    const got = new Uint8Array(answers[1]);
    const binaryOk = got.length === bytes.length && got.every((b, i) => b === bytes[i]);
    socket.onclose = (close) => resolve({ textOk, binaryOk, textLength: text.length,
      binaryLength: got.length, extensions: socket.extensions, closeCode: close.code });
    socket.close(1000, 'done');
  };
})`;

try {
  const endpoint = await launch();
  const socket = new WebSocket(endpoint, { perMessageDeflate: false });
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  const tools = new DevTools(socket);
  const a = await tools.open(pageUrl);
  const b = await tools.open(pageUrl);
  const connected = `() => document.getElementById('status') && document.getElementById('status').textContent === 'connected'`;
  await a.evaluate(until(connected, 'tab A to connect'));
  await b.evaluate(until(connected, 'tab B to connect'));
  // The browser opens on the 101; the server may register the session a moment later (on Tomcat it opens on
  // Ferry's executor). A room member hears lines sent after it joined, so wait for tab B's own join notice.
  const joined = `() => [...document.querySelectorAll('#log li')].some((li) => li.textContent.includes('someone joined'))`;
  await b.evaluate(until(joined, 'tab B to be in the room'));

  const line = 'Grüße aus Tab A ✓ 渡し船 😀';
  await a.evaluate(`(() => { document.getElementById('line').value = ${JSON.stringify(line)};
    document.getElementById('say').requestSubmit(); return true; })()`);
  const shows = `() => [...document.querySelectorAll('#log li')].some((li) => li.textContent.endsWith(${JSON.stringify(': ' + line)}))`;
  await b.evaluate(until(shows, 'tab B to show the line'));
  await a.evaluate(until(shows, 'tab A to show its own line'));

  const echo = await a.evaluate(echoInPage);
  clearTimeout(deadline);
  const ok = echo.textOk && echo.binaryOk && echo.closeCode === 1000;
  finish({ ok, chat: 'both tabs showed the line', echo }, ok ? 0 : 1);
} catch (e) {
  finish({ ok: false, error: String(e && e.stack || e) }, 1);
}
