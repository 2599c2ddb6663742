// The portal's only way to the service: the public API, with the session's token.
const SESSION_KEY = 'cpl.session';

export function loadSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    return session && typeof session.token === 'string' && typeof session.accountId === 'string' ? session : null;
  } catch {
    return null;
  }
}

export const saveSession = (session) => sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: session.token, accountId: session.accountId }));
export const clearSession = () => sessionStorage.removeItem(SESSION_KEY);

/** A refused request: the API's problem+json, kept whole so the page can explain it. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

export async function api(path, { method = 'GET', body, token } = {}) {
  const session = loadSession();
  const headers = { accept: 'application/json' };
  const bearer = token ?? session?.token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Commands carry an Idempotency-Key: a retry after a lost answer gets the first outcome.
  if (method !== 'GET') headers['idempotency-key'] = crypto.randomUUID();
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export const accountPath = (suffix = '') => `/accounts/${encodeURIComponent(loadSession()?.accountId ?? '')}${suffix}`;

/** Every item of a cursor-paged list (at most `max`). */
export async function allPages(path, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api(`${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** `cpl_<token id>_<secret>` → the token id. */
export const tokenIdOf = (token) => /^cpl_([A-Za-z0-9]+)_/.exec(token)?.[1] ?? null;

/**
 * A file the API answers for `accept` (an invoice as CSV or PDF), saved by the browser under the
 * name the API gives in Content-Disposition.
 */
export async function download(path, accept, fallbackName) {
  const response = await fetch(path, { headers: { accept, authorization: `Bearer ${loadSession()?.token ?? ''}` } });
  if (!response.ok) {
    const text = await response.text();
    throw new ApiError(response.status, text ? JSON.parse(text) : null);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
