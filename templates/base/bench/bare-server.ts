import { createServer } from 'node:http';

// the floor for a cached hit: node:http writing the same bytes and headers, and nothing else
const body = Buffer.from(process.env['BARE_BODY'] ?? '', 'base64');
const headers = JSON.parse(process.env['BARE_HEADERS'] ?? '{}') as Record<string, string>;

createServer((req, res) => {
  if (req.url === '/health') res.writeHead(200).end('{"status":"ok"}');
  else res.writeHead(200, headers).end(body);
}).listen(Number(process.env['PORT']), process.env['HOST']);
