// A Node `ws` echo server on 127.0.0.1, any free port. usage: node ws-server.mjs [--deflate]
// Prints "listening PORT" on stdout once bound, then echoes text as text and binary as binary, and
// prints one line per connection closed: "closed CODE EXTENSIONS". Stops when stdin closes.
import { WebSocketServer } from 'ws';

const deflate = process.argv.includes('--deflate');
const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: deflate ? { threshold: 0 } : false,
  maxPayload: 64 * 1024 * 1024,
});

server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on('close', (code) => console.log('closed ' + code + ' ' + JSON.stringify(socket.extensions)));
});
server.on('listening', () => console.log('listening ' + server.address().port));
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
