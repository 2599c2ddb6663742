import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';

/**
 * Errors the HTTP framework raises before a route runs, sent as raw bytes over a socket (as a
 * broken client would), so nothing in between tidies the request up.
 */
type App = Awaited<ReturnType<typeof startTestApp>>;
let app: App;
let port: number;
let operator: string;

beforeAll(async () => {
  app = await startTestApp();
  operator = await app.tokenFor({ kind: 'operator' });
  await app.api.listen({ port: 0, host: '127.0.0.1' });
  port = (app.api.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `raw`, half-closes, and splits what comes back into HTTP responses. */
function rawExchange(raw: string | Buffer): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => ((error as { code?: string }).code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => resolve(splitResponses(Buffer.concat(chunks))));
    socket.setTimeout(5_000, () => socket.destroy());
    socket.write(raw);
  });
}

function splitResponses(bytes: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = bytes;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const body = rest.subarray(end + 4, end + 4 + length).toString('utf8');
    responses.push({ status: Number(statusLine!.split(' ')[1]), headers, body });
    rest = rest.subarray(end + 4 + length);
  }
  return responses;
}

const request = (method: string, path: string, headers: Record<string, string | number>, body = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n${body}`;

function expectProblem(response: RawResponse | undefined, status: number, code: string) {
  expect(response, 'a response').toBeDefined();
  expect(response!.status, response!.body).toBe(status);
  expect(response!.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(response!.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code, type: `https://docs.cloudpro.example/problems/${code}` });
  expect(typeof problem.detail).toBe('string');
  expect(JSON.stringify(problem)).not.toMatch(/FST_|Client Error/);
}

const json = { authorization: `Bearer placeholder`, 'content-type': 'application/json' };

describe('every error is problem+json with a documented code', () => {
  it('a 5,000-character path id: 414 path_parameter_too_long', async () => {
    const [response] = await rawExchange(request('GET', `/accounts/${'a'.repeat(5_000)}`, bearer(operator)));
    expectProblem(response, 414, 'path_parameter_too_long');
  });

  it('a malformed percent-encoding: 400 malformed_url', async () => {
    const [response] = await rawExchange(request('GET', '/accounts/%E0%A4%A', bearer(operator)));
    expectProblem(response, 400, 'malformed_url');
  });

  it('a content-length shorter than the body: each response is a problem, the rest of the bytes too', async () => {
    const body = '{"name":"Acme","slug":"acme-short"}';
    const responses = await rawExchange(request('POST', '/accounts', { ...json, ...bearer(operator), 'content-length': 5 }, body));
    // The bytes past the declared length are read as a request of their own, which is not HTTP;
    // whether the truncated JSON is answered too depends on which the server reads first.
    expect(responses.length).toBeGreaterThanOrEqual(1);
    for (const response of responses) expectProblem(response, 400, JSON.parse(response.body).code === 'malformed_json' ? 'malformed_json' : 'malformed_http');
    expect(responses.map((r) => JSON.parse(r.body).code)).toContain('malformed_http');
  });

  it('garbage instead of HTTP: 400 malformed_http', async () => {
    const [response] = await rawExchange('this is not HTTP\r\n\r\n');
    expectProblem(response, 400, 'malformed_http');
  });

  it('headers too large: 431 headers_too_large', async () => {
    const [response] = await rawExchange(request('GET', '/health', { 'x-filler': 'x'.repeat(20_000) }));
    expectProblem(response, 431, 'headers_too_large');
  });

  it('bad JSON: 400 malformed_json', async () => {
    const [response] = await rawExchange(request('POST', '/accounts', { ...json, 'content-length': 9 }, '{"name": '));
    expectProblem(response, 400, 'malformed_json');
  });

  it('an empty JSON body: 400 malformed_json', async () => {
    const [response] = await rawExchange(request('POST', '/accounts', { ...json, 'content-length': 0 }));
    expectProblem(response, 400, 'malformed_json');
  });

  it('a __proto__ key: 400 malformed_json', async () => {
    const body = '{"__proto__":{"admin":true}}';
    const [response] = await rawExchange(request('POST', '/accounts', { ...json, 'content-length': body.length }, body));
    expectProblem(response, 400, 'malformed_json');
  });

  it('the wrong content type: 415 unsupported_media_type', async () => {
    const [response] = await rawExchange(request('POST', '/accounts', { ...json, 'content-type': 'text/plain', 'content-length': 2 }, 'hi'));
    expectProblem(response, 415, 'unsupported_media_type');
  });

  it('a body over 1 MiB: 413 payload_too_large', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(1_100_000) });
    const [response] = await rawExchange(request('POST', '/accounts', { ...json, 'content-length': body.length }, body));
    expectProblem(response, 413, 'payload_too_large');
  });

  it('an unknown route: 404 route_not_found', async () => {
    const [response] = await rawExchange(request('GET', '/no/such/route', {}));
    expectProblem(response, 404, 'route_not_found');
  });

  it('no token: 401 unauthenticated', async () => {
    const [response] = await rawExchange(request('GET', '/plans', {}));
    expectProblem(response, 401, 'unauthenticated');
  });
});
