import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer } from '../../support/api-requests.ts';
import { OpenApiDocument, startSftpgoSpecServer, type SftpgoSpecServer } from '../../support/sftpgo-spec-server.ts';

/** The stand-in must catch what real SFTPGo would not accept, or the adapter's tests prove nothing. */
describe('the SFTPGo spec server', () => {
  let server: SftpgoSpecServer;
  let adminAuthorization: string;

  beforeEach(async () => {
    server = await startSftpgoSpecServer({ adminUser: 'admin', adminPassword: 'secret-admin-pw' });
    const token = await fetch(`${server.url}/api/v2/token`, { headers: { authorization: `Basic ${Buffer.from('admin:secret-admin-pw').toString('base64')}` } });
    adminAuthorization = bearer(((await token.json()) as { access_token: string }).access_token).authorization;
  });
  afterEach(async () => {
    await server.close();
    expect(server.responseViolations).toEqual([]);
  });

  const send = (method: string, path: string, body?: unknown, authorization = adminAuthorization) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('records a deliberately wrong request, and answers it 400', async () => {
    const response = await send('POST', '/api/v2/users', {
      username: 'cp-wrong',
      status: 'enabled',
      permissions: { '/': ['everything'] },
      virtual_folders: [{ name: 'cp-wrong_data' }],
      expiration_date: 1.5,
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^the request does not follow sftpgo-openapi\.yaml: /);
    expect(server.violations).toEqual([
      'POST /api/v2/users: body.status: "enabled" is not one of 0, 1',
      'POST /api/v2/users: body.status: expected an integer, got string "enabled"',
      'POST /api/v2/users: body.permissions./[0]: "everything" is not one of "*", "list", "download", "upload", "overwrite", "delete", "delete_files", "delete_dirs", "rename", "rename_files", "rename_dirs", "create_dirs", "create_symlinks", "chmod", "chown", "chtimes", "copy"',
      // VirtualFolder is allOf [BaseVirtualFolder, {required: [virtual_path]}]
      'POST /api/v2/users: body.virtual_folders[0].virtual_path: required',
      'POST /api/v2/users: body.expiration_date: expected an integer, got number 1.5',
    ]);
    expect(server.users.size).toBe(0);
  });

  it('checks paths, methods, parameters, the security scheme and the presence of a body', async () => {
    expect((await send('GET', '/api/v2/userz/cp-acme')).status).toBe(404);
    expect((await send('PATCH', '/api/v2/users/cp-acme')).status).toBe(405);
    expect((await send('GET', '/api/v2/token')).status).toBe(400);
    expect((await send('GET', '/api/v2/users/cp-acme', undefined, 'Basic YWRtaW46c2VjcmV0LWFkbWluLXB3')).status).toBe(400);
    expect((await send('PUT', '/api/v2/users/cp-acme?disconnect=2')).status).toBe(400);
    expect((await send('GET', '/api/v2/folders?limit=0&colour=red')).status).toBe(400);
    expect((await send('DELETE', '/api/v2/folders/x', { name: 'x' })).status).toBe(400);

    expect(server.violations).toEqual([
      'GET /api/v2/userz/cp-acme: no such path in the document',
      'PATCH /api/v2/users/cp-acme: PATCH is not an operation of /users/{username}',
      'GET /api/v2/token: authentication must be BasicAuth, the request has bearer',
      'GET /api/v2/users/cp-acme: authentication must be BearerAuth or APIKeyAuth, the request has basic',
      'PUT /api/v2/users/cp-acme: query.disconnect: 2 is not one of 0, 1',
      'PUT /api/v2/users/cp-acme: the request body is required',
      'GET /api/v2/folders: query.limit: below 1',
      'GET /api/v2/folders: query parameter colour is not declared',
      'DELETE /api/v2/folders/x: the operation takes no request body',
    ]);
  });

  it('notes properties a schema does not declare, without refusing them', async () => {
    const response = await send('POST', '/api/v2/folders', { name: 'plain', filesystem: { provider: 0 }, colour: 'red' });

    expect(response.status).toBe(201);
    expect(server.violations).toEqual([]);
    expect(server.notes).toEqual(['POST /api/v2/folders: body.colour: not declared by the schema']);
    // and, as SFTPGo would, drops it
    expect(server.folders.get('plain')!.record).not.toHaveProperty('colour');
  });

  it('answers an expired token 401, by its own clock', async () => {
    server.advance(5 * 60_000);
    const response = await send('GET', '/api/v2/users/cp-acme');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Unauthorized', message: 'invalid or expired token' });
    expect(server.violations).toEqual([]);
  });
});

describe('the schema validator', () => {
  const doc = new OpenApiDocument(`
openapi: 3.0.3
paths: {}
components:
  schemas:
    Closed:
      type: object
      additionalProperties: false
      properties:
        at: { type: string, format: date-time }
        mail: { type: string, format: email }
        count: { type: integer, format: int32 }
        tags: { type: array, minItems: 1, items: { type: string, minLength: 2 } }
    Extended:
      allOf:
        - $ref: '#/components/schemas/Closed'
        - type: object
          properties:
            extra: { type: boolean }
`);

  it('refuses what additionalProperties: false forbids, and checks formats, ranges and items', () => {
    const findings = doc.validate({ at: 'tomorrow', mail: 'nobody', count: 2 ** 31, tags: ['x'], other: 1 }, { $ref: '#/components/schemas/Closed' }, 'body');
    expect(findings.errors).toEqual([
      'body.at: not a date-time',
      'body.mail: not a email',
      'body.count: outside int32',
      'body.tags[0]: shorter than 2',
      'body.other: not allowed (additionalProperties: false)',
    ]);
    expect(doc.validate({ at: '2026-03-02T12:00:00.000Z', mail: 'a@b.c', count: 7, tags: [] }, { $ref: '#/components/schemas/Closed' }, 'body').errors).toEqual([
      'body.tags: fewer than 1 items',
    ]);
  });

  it('merges the properties of allOf members before calling one unknown', () => {
    const findings = doc.validate({ count: 1, extra: true, stray: 'x' }, { $ref: '#/components/schemas/Extended' }, 'body');
    expect(findings.errors).toEqual(['body.stray: not allowed (additionalProperties: false)']);
    expect(doc.validate({ extra: 'yes' }, { $ref: '#/components/schemas/Extended' }, 'body').errors).toEqual(['body.extra: expected a boolean, got string "yes"']);
  });
});
