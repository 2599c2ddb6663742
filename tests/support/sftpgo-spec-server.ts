import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { SchemaValidateFunction } from 'ajv';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import { parse } from 'yaml';

/**
 * SFTPGo as its published OpenAPI document describes it, in-process on 127.0.0.1.
 *
 * Every request is checked against the document (path, method, path and query parameters,
 * security scheme, JSON body against the operation's requestBody schema); what does not
 * match is recorded in `violations` (and answered 400), so a test that asserts the list is
 * empty fails on any request SFTPGo would not understand. Properties a schema does not
 * declare (and does not forbid) land in `notes`. The answers are checked against the
 * document's response schemas too (`responseViolations`), which keeps this stand-in honest.
 *
 * Users, folders and admin tokens live in memory and behave as the document says: a user
 * mounts existing folders, an update without a password keeps it, secrets are answered
 * hidden, tokens expire at their `expires_at` by the server's own clock.
 */

/** SFTPGo's published OpenAPI document (v2.7.0), kept with the tests: CI has nothing outside the repository. */
export const SFTPGO_OPENAPI_PATH = path.resolve(import.meta.dirname, '../fixtures/sftpgo/sftpgo-openapi.yaml');

type Json = any;
type JsonObject = Record<string, Json>;

// ---------------------------------------------------------------------------------------
// Validation against the document's schemas, by Ajv
// ---------------------------------------------------------------------------------------
//
// Ajv checks the keywords. Two things are this stand-in's own and are expressed as schema
// rewrites before Ajv compiles: properties a schema does not declare (SFTPGo drops them,
// so they are notes, or errors under additionalProperties: false), judged on the properties
// of all allOf members together, as SFTPGo's Go types merge them; and anyOf/oneOf, judged
// by how many branches pass, without the branches' own complaints. Ajv's errors are then
// worded and ordered as a reader of the document would look for them.

export interface SchemaFindings {
  errors: string[];
  /** properties the schema neither declares nor forbids */
  notes: string[];
}

type Unknown = 'forbidden' | 'unspecified';

/** where the rewritten components live for Ajv's $refs */
const COMPONENTS = 'openapi-components';
/** marks a wrapper that looks for undeclared properties, and what it makes of them */
const UNKNOWN = 'x-unknown-properties';
/** anyOf/oneOf, counted: { kind, schemas } */
const BRANCHES = 'x-branches';

/** the formats the document uses; the others (binary, password) say nothing checkable */
const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  email: /^[^\s@]+@[^\s@]+$/,
  byte: /^[A-Za-z0-9+/]*={0,2}$/,
};
const FORMAT_MESSAGES: Record<string, string> = { int32: 'outside int32', int64: 'outside the integers JSON can carry exactly' };

const loaded = new Map<string, OpenApiDocument>();

export class OpenApiDocument {
  readonly root: JsonObject;
  private readonly ajv: Ajv2019;
  private readonly compiled = new WeakMap<object, ValidateFunction>();

  constructor(text: string) {
    this.root = parse(text) as JsonObject;
    this.ajv = new Ajv2019({ allErrors: true, verbose: true, strict: false });
    for (const [name, pattern] of Object.entries(FORMATS)) this.ajv.addFormat(name, pattern);
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => n >= -(2 ** 31) && n <= 2 ** 31 - 1 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
    for (const name of ['binary', 'password']) this.ajv.addFormat(name, true);
    this.ajv.addVocabulary([UNKNOWN]);
    this.ajv.addKeyword({
      keyword: BRANCHES,
      schemaType: 'object',
      errors: true,
      compile: (branches: { kind: 'anyOf' | 'oneOf'; schemas: Json[] }) => {
        const validators = branches.schemas.map((branch) => this.ajv.compile(branch));
        const check = (value: Json): boolean => {
          const passing = validators.filter((validate) => {
            validate(value);
            return this.findings(value, validate.errors ?? [], '').errors.length === 0;
          }).length;
          if (branches.kind === 'anyOf' ? passing > 0 : passing === 1) return true;
          check.errors = [{ keyword: BRANCHES, message: `matches ${passing} of the ${branches.kind} branches`, params: {} }];
          return false;
        };
        check.errors = [] as Partial<ErrorObject>[];
        return check as unknown as SchemaValidateFunction;
      },
    });
    const schemas: JsonObject = this.root.components?.schemas ?? {};
    this.ajv.addSchema({ $id: COMPONENTS, schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, this.member(schema)])) });
  }

  /** parsed once per file: every test's server reads the same, unchanged document */
  static load(file = SFTPGO_OPENAPI_PATH): OpenApiDocument {
    let doc = loaded.get(file);
    if (!doc) loaded.set(file, (doc = new OpenApiDocument(readFileSync(file, 'utf8'))));
    return doc;
  }

  /** follows `$ref`s (local JSON pointers) until a node without one */
  resolve(node: Json): Json {
    let current = node;
    for (let hops = 0; current && typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
      if (hops > 32) throw new Error(`$ref cycle at ${node.$ref}`);
      current = this.pointer(current.$ref);
    }
    return current;
  }

  private pointer(ref: string): Json {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${ref}`);
    let node: Json = this.root;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = node?.[key];
      if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
    }
    return node;
  }

  validate(value: Json, schema: Json, at: string): SchemaFindings {
    let validate = this.compiled.get(schema);
    if (!validate) this.compiled.set(schema, (validate = this.ajv.compile(this.standalone(schema))));
    validate(value);
    return this.findings(value, validate.errors ?? [], at);
  }

  /** the properties a schema declares, across allOf, and what it says of the others */
  knownProperties(rawSchema: Json): { names: Set<string>; additional: 'allowed' | Unknown; objectLike: boolean } {
    const schema = this.resolve(rawSchema);
    const names = new Set<string>(Object.keys(schema?.properties ?? {}));
    let additional: 'allowed' | Unknown =
      schema?.additionalProperties === false ? 'forbidden' : schema?.additionalProperties === undefined ? 'unspecified' : 'allowed';
    let objectLike = schema?.type === 'object' || schema?.properties !== undefined || schema?.additionalProperties !== undefined;
    for (const part of schema?.allOf ?? []) {
      const inner = this.knownProperties(part);
      for (const name of inner.names) names.add(name);
      if (inner.additional === 'forbidden') additional = 'forbidden';
      else if (inner.additional === 'allowed' && additional === 'unspecified') additional = 'allowed';
      objectLike ||= inner.objectLike;
    }
    // a schema that branches (anyOf/oneOf) is checked branch by branch; its properties are theirs
    if (schema?.anyOf || schema?.oneOf) additional = 'allowed';
    return { names, additional, objectLike };
  }

  /** a schema to validate a value on its own: undeclared properties are looked for here */
  private standalone(schema: Json): Json {
    const member = this.member(schema);
    if (typeof member !== 'object' || member === null) return member;
    const known = this.knownProperties(schema);
    if (!known.objectLike || known.additional === 'allowed') return member;
    // unevaluatedProperties sees the properties of every allOf member and $ref, which is
    // the merge SFTPGo's types make; additionalProperties: false inside a member would not
    return { allOf: [member], unevaluatedProperties: false, [UNKNOWN]: known.additional };
  }

  /** a schema as a part of another (an allOf member): its own properties, no verdict on others */
  private member(schema: Json): Json {
    if (typeof schema !== 'object' || schema === null) return schema;
    if (typeof schema.$ref === 'string') return { $ref: `${COMPONENTS}#/schemas/${schema.$ref.replace(/^#\/components\/schemas\//, '')}` };
    const { additionalProperties, properties, items, allOf, anyOf, oneOf, ...rest } = schema;
    const rewritten: JsonObject = { ...rest };
    if (properties) rewritten.properties = Object.fromEntries(Object.entries<Json>(properties).map(([name, part]) => [name, this.standalone(part)]));
    if (items) rewritten.items = this.standalone(items);
    if (additionalProperties !== undefined && additionalProperties !== false) {
      rewritten.additionalProperties = typeof additionalProperties === 'object' ? this.standalone(additionalProperties) : additionalProperties;
    }
    if (allOf) rewritten.allOf = allOf.map((part: Json) => this.member(part));
    if (anyOf) rewritten[BRANCHES] = { kind: 'anyOf', schemas: anyOf.map((branch: Json) => this.standalone(branch)) };
    if (oneOf) rewritten[BRANCHES] = { kind: 'oneOf', schemas: oneOf.map((branch: Json) => this.standalone(branch)) };
    return rewritten;
  }

  /** Ajv's errors in this stand-in's words, in the order the value is read */
  private findings(value: Json, ajvErrors: Partial<ErrorObject>[], at: string): SchemaFindings {
    const located = ajvErrors.flatMap((error) => {
      const steps = (error.instancePath ?? '').split('/').slice(1).map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
      const place = locate(value, steps, at);
      const data = error.data;
      const params = (error.params ?? {}) as JsonObject;
      const own = (rank: number, message: string) => [{ order: [...place.order, -1, rank], at: place.path, rank, finding: `${place.path}: ${message}`, note: false }];
      const property = (name: string, message: string, note = false) => {
        // what is wrong with one property of the object reads as that property's finding
        const child = locate(value, [...steps, name], at);
        return [{ order: [...place.order, Number.MAX_SAFE_INTEGER], at: child.path, rank: 6, finding: `${child.path}: ${message}`, note }];
      };
      switch (error.keyword) {
        case 'type':
          return data === null ? own(0, 'null is not allowed') : own(3, `expected ${article(String(params.type))}, got ${kindOf(data)}`);
        case 'required':
          return [{ order: [...place.order, -1, 4], at: place.path, rank: 4, finding: `${place.path}.${params.missingProperty}: required`, note: false }];
        case 'unevaluatedProperties':
          return error.parentSchema?.[UNKNOWN] === 'forbidden'
            ? property(String(params.unevaluatedProperty), 'not allowed (additionalProperties: false)')
            : property(String(params.unevaluatedProperty), 'not declared by the schema', true);
        case BRANCHES:
          return own(1, error.message ?? 'matches none of the branches');
        case 'enum':
          return own(2, `${JSON.stringify(data)} is not one of ${(params.allowedValues as Json[]).map((o) => JSON.stringify(o)).join(', ')}`);
        case 'minProperties':
          return own(5, `fewer than ${params.limit} properties`);
        case 'maxProperties':
          return own(5, `more than ${params.limit} properties`);
        case 'minItems':
          return own(5, `fewer than ${params.limit} items`);
        case 'maxItems':
          return own(5, `more than ${params.limit} items`);
        case 'minLength':
          return own(5, `shorter than ${params.limit}`);
        case 'maxLength':
          return own(5, `longer than ${params.limit}`);
        case 'pattern':
          return own(5, `does not match ${params.pattern}`);
        case 'format':
          return own(5, FORMAT_MESSAGES[String(params.format)] ?? `not a ${params.format}`);
        case 'minimum':
          return own(5, `below ${params.limit}`);
        case 'maximum':
          return own(5, `above ${params.limit}`);
        default:
          return own(5, error.message ?? error.keyword ?? 'invalid');
      }
    });
    // null is refused as such, and a value of the wrong type as such: the keywords for its
    // type (ranges, lengths, formats) do not apply to it
    const nulls = new Set(located.filter((l) => l.rank === 0).map((l) => l.at));
    const mistyped = new Set(located.filter((l) => l.rank === 3).map((l) => l.at));
    const kept = located.filter((l) => (!nulls.has(l.at) || l.rank === 0) && !(mistyped.has(l.at) && l.rank === 5));
    kept.sort((a, b) => compareOrder(a.order, b.order));
    return { errors: kept.filter((l) => !l.note).map((l) => l.finding), notes: kept.filter((l) => l.note).map((l) => l.finding) };
  }
}

/** a place in the value: its path as findings name it, and where it comes in reading order */
function locate(value: Json, steps: string[], at: string): { path: string; order: number[] } {
  let path = at;
  const order: number[] = [];
  let node = value;
  for (const step of steps) {
    if (Array.isArray(node)) {
      path += `[${step}]`;
      order.push(Number(step));
    } else {
      path += `.${step}`;
      order.push(isObject(node) ? Object.keys(node).indexOf(step) : -1);
    }
    node = node?.[step];
  }
  return { path, order };
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindOf(value: Json): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `${typeof value} ${JSON.stringify(value)}`;
}

// ---------------------------------------------------------------------------------------
// Routing requests to the document's operations
// ---------------------------------------------------------------------------------------

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  parameterNames: string[];
  literalSegments: number;
  pathItem: JsonObject;
  operation: JsonObject;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function routesOf(doc: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [template, pathItem] of Object.entries<JsonObject>(doc.root.paths ?? {})) {
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const servers = operation.servers ?? pathItem.servers ?? doc.root.servers ?? [{ url: '/' }];
      const base = String(servers[0].url).replace(/\/+$/, '');
      const parameterNames: string[] = [];
      const source = `${base}${template}`
        .split(/(\{[^}]+\})/)
        .map((piece) => {
          const name = /^\{([^}]+)\}$/.exec(piece)?.[1];
          if (name === undefined) return piece.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          parameterNames.push(name);
          return '([^/]+)';
        })
        .join('');
      routes.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        parameterNames,
        literalSegments: template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length,
        pathItem,
        operation,
      });
    }
  }
  return routes;
}

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

export interface LoggedRequest {
  method: string;
  /** the path as sent, e.g. /api/v2/users/cp-acme */
  path: string;
  operationId: string | null;
  query: Record<string, string>;
  auth: 'basic' | 'bearer' | 'api-key' | 'none' | 'other';
  body: Json;
  status: number;
}

export interface StoredUser {
  /** the user as SFTPGo would keep it, without its password */
  record: JsonObject;
  /** in clear here so tests can check what arrived; SFTPGo would keep a hash */
  password: string | undefined;
}

export interface StoredFolder {
  record: JsonObject;
  /** the S3 secret in clear, as it arrived; answers only ever show it hidden */
  s3Secret: string | undefined;
}

interface Fault {
  operationId: string;
  status: number;
  body: Json;
  times: number;
}

export interface SftpgoSpecServerOptions {
  adminUser: string;
  adminPassword: string;
  /** how long an admin token lives, by the server's clock */
  tokenLifetimeMs?: number;
  /** the server's clock's first reading (it moves only with advance()) */
  startAt?: number;
}

export interface SftpgoSpecServer {
  /** `http://127.0.0.1:<port>` (the API is under /api/v2) */
  readonly url: string;
  readonly doc: OpenApiDocument;
  readonly violations: string[];
  readonly notes: string[];
  readonly responseViolations: string[];
  readonly requests: LoggedRequest[];
  readonly users: Map<string, StoredUser>;
  readonly folders: Map<string, StoredFolder>;
  tokensIssued(): number;
  now(): number;
  advance(ms: number): void;
  /** forgets every token issued, as a restart with a new signing key would */
  revokeTokens(): void;
  /** the next `times` calls of this operation answer `status` with `body` (after validation) */
  failNext(operationId: string, status: number, body: Json, times?: number): void;
  /** users and folders as clients would read them: for comparing remote states */
  snapshot(): { users: JsonObject[]; folders: JsonObject[] };
  close(): Promise<void>;
}

const HIDDEN_SECRET = { status: 'AES-256-GCM' };

export async function startSftpgoSpecServer(options: SftpgoSpecServerOptions): Promise<SftpgoSpecServer> {
  const doc = OpenApiDocument.load();
  const routes = routesOf(doc);
  const schemes: JsonObject = doc.root.components?.securitySchemes ?? {};
  const tokenLifetimeMs = options.tokenLifetimeMs ?? 5 * 60_000;
  let clock = options.startAt ?? Date.parse('2026-03-02T12:00:00.000Z');
  let nextId = 1;
  let issued = 0;
  const tokens = new Map<string, number>();
  const faults: Fault[] = [];
  const violations: string[] = [];
  const notes: string[] = [];
  const responseViolations: string[] = [];
  const requests: LoggedRequest[] = [];
  const users = new Map<string, StoredUser>();
  const folders = new Map<string, StoredFolder>();

  const folderUsers = (name: string) =>
    [...users.values()].filter((u) => (u.record.virtual_folders ?? []).some((m: JsonObject) => m.name === name)).map((u) => u.record.username as string).sort();

  const publicFolder = (stored: StoredFolder): JsonObject => {
    const record = structuredClone(stored.record);
    if (record.filesystem?.s3config?.access_secret) record.filesystem.s3config.access_secret = { ...HIDDEN_SECRET };
    return { ...record, users: folderUsers(record.name) };
  };

  const publicUser = (stored: StoredUser): JsonObject => {
    const record = structuredClone(stored.record);
    record.has_password = stored.password !== undefined;
    record.virtual_folders = (record.virtual_folders ?? []).map((mount: JsonObject) => {
      const folder = folders.get(mount.name);
      return folder ? { ...publicFolder(folder), ...mount } : mount;
    });
    return record;
  };

  /** what SFTPGo itself refuses beyond the schema (its validation errors answer 400) */
  const userProblem = (body: JsonObject, creating: boolean, previous: StoredUser | undefined): string | null => {
    if (typeof body.username !== 'string' || body.username === '') return 'username is mandatory';
    if (!body.permissions?.['/']) return 'permissions for the root directory are mandatory';
    const provider = body.filesystem?.provider ?? 0;
    if (provider === 0 && !(typeof body.home_dir === 'string' && body.home_dir.startsWith('/'))) return 'home_dir must be an absolute path';
    const hasPassword = body.password !== undefined && body.password !== '' ? true : previous?.password !== undefined;
    if (creating && !hasPassword && !(body.public_keys?.length > 0)) return 'please set a password or at least a public key';
    const paths = new Set<string>();
    for (const mount of body.virtual_folders ?? []) {
      if (!folders.has(mount.name)) return `folder "${mount.name}" does not exist`;
      if (!String(mount.virtual_path).startsWith('/') || mount.virtual_path === '/') return `invalid virtual path "${mount.virtual_path}"`;
      if (paths.has(mount.virtual_path)) return `duplicated virtual path "${mount.virtual_path}"`;
      paths.add(mount.virtual_path);
    }
    for (const dir of Object.keys(body.permissions)) if (!dir.startsWith('/')) return `permission directory "${dir}" is not absolute`;
    return null;
  };

  const folderProblem = (body: JsonObject, previous: StoredFolder | undefined): string | null => {
    if (typeof body.name !== 'string' || body.name === '') return 'folder name is mandatory';
    if (body.filesystem?.provider === 1) {
      const s3 = body.filesystem.s3config ?? {};
      if (!s3.bucket) return 'bucket cannot be empty';
      if (!s3.region) return 'region cannot be empty';
      const secret = s3.access_secret;
      const replacing = secret?.status === 'Plain';
      if (replacing && !secret.payload) return 'access_secret: a Plain secret needs a payload';
      if (s3.access_key && !replacing && previous?.s3Secret === undefined) return 'access_secret cannot be empty';
    }
    return null;
  };

  /** SFTPGo decodes bodies into its own types: what they do not declare is dropped */
  const declaredOnly = (body: JsonObject, schemaName: string): JsonObject => {
    const { names } = doc.knownProperties({ $ref: `#/components/schemas/${schemaName}` });
    return structuredClone(Object.fromEntries(Object.entries(body).filter(([name]) => names.has(name))));
  };

  const storeFolder = (body: JsonObject, previous: StoredFolder | undefined): StoredFolder => {
    const record = declaredOnly(body, 'BaseVirtualFolder');
    delete record.users;
    let s3Secret = previous?.s3Secret;
    const secret = record.filesystem?.s3config?.access_secret;
    if (secret) {
      if (secret.status === 'Plain') s3Secret = secret.payload;
      record.filesystem.s3config.access_secret = { ...HIDDEN_SECRET };
    }
    return {
      record: { ...record, id: previous?.record.id ?? nextId++, used_quota_size: 0, used_quota_files: 0, last_quota_update: 0 },
      s3Secret,
    };
  };

  const storeUser = (body: JsonObject, previous: StoredUser | undefined): StoredUser => {
    const record = declaredOnly(body, 'User');
    const sentPassword = typeof record.password === 'string' && record.password !== '' ? (record.password as string) : undefined;
    delete record.password;
    delete record.has_password;
    // the user keeps only the mount; the folder's own settings are the folder's
    record.virtual_folders = (record.virtual_folders ?? []).map((mount: JsonObject) => {
      const kept: JsonObject = { name: mount.name, virtual_path: mount.virtual_path };
      for (const field of ['quota_size', 'quota_files', 'subpath']) if (mount[field] !== undefined) kept[field] = mount[field];
      return kept;
    });
    return {
      record: {
        ...record,
        id: previous?.record.id ?? nextId++,
        created_at: previous?.record.created_at ?? clock,
        updated_at: clock,
        last_password_change: sentPassword !== undefined ? clock : (previous?.record.last_password_change ?? 0),
      },
      password: sentPassword ?? previous?.password,
    };
  };

  type Answer = { status: number; body?: Json; headers?: Record<string, string> };
  const problem = (status: number, error: string, message = ''): Answer => ({ status, body: { error, message } });

  const operations: Record<string, (params: Record<string, string>, query: Record<string, string>, body: Json) => Answer> = {
    get_users: (_p, query) => {
      const list = [...users.values()].sort((a, b) => String(a.record.username).localeCompare(String(b.record.username)));
      if (query.order === 'DESC') list.reverse();
      const offset = Number(query.offset ?? 0);
      return { status: 200, body: list.slice(offset, offset + Number(query.limit ?? 100)).map(publicUser) };
    },
    add_user: (_p, _q, body) => {
      if (users.has(body.username)) return problem(400, `user "${body.username}" already exists`);
      const wrong = userProblem(body, true, undefined);
      if (wrong) return problem(400, `Validation error: ${wrong}`, 'Unable to add user');
      const stored = storeUser(body, undefined);
      users.set(body.username, stored);
      return { status: 201, body: publicUser(stored), headers: { location: `/api/v2/users/${encodeURIComponent(body.username)}` } };
    },
    get_user_by_username: ({ username }) => {
      const stored = users.get(username!);
      return stored ? { status: 200, body: publicUser(stored) } : problem(404, 'Not Found');
    },
    update_user: ({ username }, _q, body) => {
      const previous = users.get(username!);
      if (!previous) return problem(404, 'Not Found');
      const next = { ...body, username };
      const wrong = userProblem(next, false, previous);
      if (wrong) return problem(400, `Validation error: ${wrong}`, 'Unable to update user');
      users.set(username!, storeUser(next, previous));
      return { status: 200, body: { message: 'User updated' } };
    },
    delete_user: ({ username }) => {
      if (!users.delete(username!)) return problem(404, 'Not Found');
      return { status: 200, body: { message: 'User deleted' } };
    },
    get_folders: (_p, query) => {
      const list = [...folders.values()].sort((a, b) => String(a.record.name).localeCompare(String(b.record.name)));
      if (query.order === 'DESC') list.reverse();
      const offset = Number(query.offset ?? 0);
      return { status: 200, body: list.slice(offset, offset + Number(query.limit ?? 100)).map(publicFolder) };
    },
    add_folder: (_p, _q, body) => {
      if (folders.has(body.name)) return problem(400, `folder "${body.name}" already exists`);
      const wrong = folderProblem(body, undefined);
      if (wrong) return problem(400, `Validation error: ${wrong}`, 'Unable to add folder');
      const stored = storeFolder(body, undefined);
      folders.set(body.name, stored);
      return { status: 201, body: publicFolder(stored), headers: { location: `/api/v2/folders/${encodeURIComponent(body.name)}` } };
    },
    get_folder_by_name: ({ name }) => {
      const stored = folders.get(name!);
      return stored ? { status: 200, body: publicFolder(stored) } : problem(404, 'Not Found');
    },
    update_folder: ({ name }, _q, body) => {
      const previous = folders.get(name!);
      if (!previous) return problem(404, 'Not Found');
      const next = { ...body, name };
      const wrong = folderProblem(next, previous);
      if (wrong) return problem(400, `Validation error: ${wrong}`, 'Unable to update folder');
      folders.set(name!, storeFolder(next, previous));
      return { status: 200, body: { message: 'Folder updated' } };
    },
    delete_folder: ({ name }) => {
      if (!folders.delete(name!)) return problem(404, 'Not Found');
      // a deleted folder is no longer mounted anywhere
      for (const stored of users.values()) {
        stored.record.virtual_folders = (stored.record.virtual_folders ?? []).filter((mount: JsonObject) => mount.name !== name);
      }
      return { status: 200, body: { message: 'Folder deleted' } };
    },
  };

  const presents = (scheme: string, request: IncomingMessage): boolean => {
    const definition = schemes[scheme];
    const authorization = request.headers.authorization ?? '';
    if (definition?.type === 'http' && String(definition.scheme).toLowerCase() === 'basic') {
      const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(authorization);
      return match !== null && Buffer.from(match[1]!, 'base64').toString('utf8').includes(':');
    }
    if (definition?.type === 'http' && String(definition.scheme).toLowerCase() === 'bearer') return /^Bearer \S+$/.test(authorization);
    if (definition?.type === 'apiKey' && definition.in === 'header') return typeof request.headers[String(definition.name).toLowerCase()] === 'string';
    return false;
  };

  const authKind = (request: IncomingMessage): LoggedRequest['auth'] => {
    const authorization = request.headers.authorization;
    if (authorization === undefined) return request.headers['x-sftpgo-api-key'] ? 'api-key' : 'none';
    if (authorization.startsWith('Basic ')) return 'basic';
    if (authorization.startsWith('Bearer ')) return 'bearer';
    return 'other';
  };

  const checkResponse = (operation: JsonObject, where: string, answer: Answer) => {
    const declared = operation.responses?.[String(answer.status)] ?? operation.responses?.default;
    if (!declared) {
      responseViolations.push(`${where}: answered ${answer.status}, which the operation does not declare`);
      return;
    }
    const schema = doc.resolve(declared).content?.['application/json']?.schema;
    if (schema && answer.body !== undefined) {
      const findings = doc.validate(answer.body, schema, 'response');
      responseViolations.push(...[...findings.errors, ...findings.notes].map((finding) => `${where} (${answer.status}): ${finding}`));
    }
  };

  const handle = (request: IncomingMessage, raw: string): { answer: Answer; operationId: string | null; query: Record<string, string>; body: Json } => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const where = `${method} ${url.pathname}`;
    const wrong: string[] = [];
    const reject = (status: number): Answer => {
      violations.push(...wrong.map((w) => `${where}: ${w}`));
      return problem(status, `the request does not follow sftpgo-openapi.yaml: ${wrong.join('; ')}`);
    };

    const matching = routes.filter((route) => route.pattern.test(url.pathname));
    if (matching.length === 0) {
      wrong.push('no such path in the document');
      return { answer: reject(404), operationId: null, query, body: raw };
    }
    const route = matching.filter((r) => r.method === method).sort((a, b) => b.literalSegments - a.literalSegments)[0];
    if (!route) {
      wrong.push(`${method} is not an operation of ${matching[0]!.template}`);
      return { answer: reject(405), operationId: null, query, body: raw };
    }
    const operation = route.operation;
    const operationId = String(operation.operationId ?? `${method} ${route.template}`);

    const values = route.pattern.exec(url.pathname)!.slice(1);
    const params: Record<string, string> = {};
    const parameters = [...(route.pathItem.parameters ?? []), ...(operation.parameters ?? [])].map((p: Json) => doc.resolve(p));
    route.parameterNames.forEach((name, i) => {
      let value: string;
      try {
        value = decodeURIComponent(values[i]!);
      } catch {
        wrong.push(`path parameter ${name} is not valid percent-encoding`);
        return;
      }
      params[name] = value;
      const declared = parameters.find((p: Json) => p.in === 'path' && p.name === name);
      if (!declared) wrong.push(`path parameter ${name} is not declared`);
      else wrong.push(...doc.validate(coerce(value, doc.resolve(declared.schema)), declared.schema, `path.${name}`).errors);
    });
    const queryDeclared = parameters.filter((p: Json) => p.in === 'query');
    for (const declared of queryDeclared) {
      if (declared.required && !(declared.name in query)) wrong.push(`query parameter ${declared.name} is required`);
    }
    for (const [name, value] of Object.entries(query)) {
      const declared = queryDeclared.find((p: Json) => p.name === name);
      if (!declared) wrong.push(`query parameter ${name} is not declared`);
      else wrong.push(...doc.validate(coerce(value, doc.resolve(declared.schema)), declared.schema, `query.${name}`).errors);
    }

    const requirements: JsonObject[] = operation.security ?? doc.root.security ?? [];
    const satisfied = requirements.length === 0 || requirements.some((requirement) => Object.keys(requirement).every((scheme) => presents(scheme, request)));
    if (!satisfied) {
      const expected = requirements.map((r) => Object.keys(r).join('+') || 'none').join(' or ');
      wrong.push(`authentication must be ${expected}, the request has ${authKind(request)}`);
    }

    let body: Json = undefined;
    const requestBody = operation.requestBody ? doc.resolve(operation.requestBody) : undefined;
    if (requestBody) {
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (raw === '') {
        if (requestBody.required) wrong.push('the request body is required');
      } else if (!Object.keys(requestBody.content ?? {}).includes(contentType)) {
        wrong.push(`content-type ${contentType || '(none)'} is not one of ${Object.keys(requestBody.content ?? {}).join(', ')}`);
      } else {
        try {
          body = JSON.parse(raw);
          const findings = doc.validate(body, requestBody.content[contentType].schema, 'body');
          wrong.push(...findings.errors);
          notes.push(...findings.notes.map((note) => `${where}: ${note}`));
        } catch {
          wrong.push('the body is not JSON');
        }
      }
    } else if (raw !== '') {
      wrong.push('the operation takes no request body');
    }

    if (wrong.length > 0) return { answer: reject(400), operationId, query, body: body ?? raw };

    const answer = ((): Answer => {
      if (operationId === 'get_token') {
        const [user, ...rest] = Buffer.from((request.headers.authorization ?? '').slice(6), 'base64').toString('utf8').split(':');
        if (user !== options.adminUser || rest.join(':') !== options.adminPassword) return problem(401, 'Unauthorized', 'invalid credentials');
        issued += 1;
        const token = `tok${issued}.${randomBytes(12).toString('hex')}`;
        const expiresAt = clock + tokenLifetimeMs;
        tokens.set(token, expiresAt);
        return { status: 200, body: { access_token: token, expires_at: new Date(expiresAt).toISOString() } };
      }
      const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
      const expiresAt = bearer === undefined ? undefined : tokens.get(bearer);
      if (expiresAt === undefined || clock >= expiresAt) return problem(401, 'Unauthorized', 'invalid or expired token');
      const fault = faults.find((f) => f.operationId === operationId);
      if (fault) {
        fault.times -= 1;
        if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
        return { status: fault.status, body: fault.body };
      }
      const run = operations[operationId];
      if (!run) {
        notes.push(`${where}: ${operationId} is valid but not simulated here`);
        return problem(500, `${operationId} is not simulated by the test server`);
      }
      return run(params, query, body);
    })();
    checkResponse(operation, `${operationId} ${where}`, answer);
    return { answer, operationId, query, body };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const { answer, operationId, query, body } = handle(request, raw);
      requests.push({
        method: request.method ?? 'GET',
        path: new URL(request.url ?? '/', 'http://127.0.0.1').pathname,
        operationId,
        query,
        auth: authKind(request),
        body,
        status: answer.status,
      });
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      response.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    doc,
    violations,
    notes,
    responseViolations,
    requests,
    users,
    folders,
    tokensIssued: () => issued,
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    revokeTokens: () => tokens.clear(),
    failNext: (operationId, status, body, times = 1) => {
      faults.push({ operationId, status, body, times });
    },
    snapshot: () => ({
      users: [...users.values()].sort((a, b) => String(a.record.username).localeCompare(String(b.record.username))).map((u) => ({ ...publicUser(u), password: u.password })),
      folders: [...folders.values()].sort((a, b) => String(a.record.name).localeCompare(String(b.record.name))).map((f) => ({ ...publicFolder(f), s3Secret: f.s3Secret })),
    }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** a path or query value as the type its schema names */
function coerce(value: string, schema: Json): Json {
  const type = schema?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
