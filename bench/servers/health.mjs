// A bare node:http server that answers /health as a generated app does: the start-up floor
// of bench/startup.ts. Plain JavaScript, so no loader runs before it.
import { createServer } from 'node:http';

const body = '{"status":"ok"}';
createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(body);
}).listen(Number(process.env.PORT), process.env.HOST);
process.on('SIGTERM', () => process.exit(0));
