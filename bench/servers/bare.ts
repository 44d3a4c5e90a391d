// The floor: node:http writing one recorded answer (status line, headers, body) to every
// request, whatever its URL, and doing nothing else. bench/hit.ts starts one with the app's
// cached hit and one with its 304, pinned to the same CPU as the app.
//
// BARE_ANSWER names a JSON file: { status, headers: [name, value, name, value, …], body } with
// the body in base64. Node adds Date, Connection and Keep-Alive itself, as it does for the app.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

interface RecordedAnswer {
  status: number;
  headers: string[];
  body: string;
}

const answer = JSON.parse(
  readFileSync(String(process.env['BARE_ANSWER']), 'utf8'),
) as RecordedAnswer;
const body = Buffer.from(answer.body, 'base64');

createServer((_request, response) => {
  response.writeHead(answer.status, answer.headers);
  response.end(body);
}).listen(Number(process.env['PORT']), process.env['HOST']);
