import { PERMISSIONS } from '../domain/access/permissions.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The npm packages the portal loads in the browser, served as they were installed. */
const VENDORED = ['preact', 'htm', 'uplot'] as const;

/**
 * The repository's root: the nearest folder above this module holding `portal/index.html`.
 * This module runs from src/api (tests, tsx) and from dist/src/api (npm start); the portal's
 * files and node_modules stay at the root in both.
 */
export function repositoryRoot(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'portal', 'index.html'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no portal/index.html above ${from}`);
  }
}

/**
 * The customer portal at /portal: its own files, the front-end libraries from node_modules
 * under /portal/vendor/<package>/, and index.html for every other path below /portal that
 * names no file, so a link such as /portal/invitations/accept opens the page it names.
 */
export function registerPortalStatic(app: FastifyInstance): void {
  const root = repositoryRoot();
  const portalDir = path.join(root, 'portal');
  void app.register(fastifyStatic, { root: portalDir, prefix: '/portal/', wildcard: false, index: false, cacheControl: false });
  for (const name of VENDORED) {
    void app.register(fastifyStatic, { root: path.join(root, 'node_modules', name), prefix: `/portal/vendor/${name}/`, decorateReply: false, maxAge: '1h' });
  }
  const indexPage = async (request: FastifyRequest, reply: FastifyReply) => {
    // a path with an extension names a file, and there is none; any other shows the page it names
    if (/\.[a-z0-9]+$/i.test(request.url.split('?')[0]!)) {
      return reply.status(404).type('application/problem+json').send({ title: 'Not found', status: 404, code: 'route_not_found', detail: `no file ${request.url}`, instance: request.url });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', portalDir);
  };
  // The roles' permissions as the API decides by them, written for the browser from the one
  // table: the portal shows only the buttons a role may use (the API still decides).
  const permissionsModule = `export const PERMISSIONS = ${JSON.stringify(PERMISSIONS)};\nexport const can = (role, permission) => Boolean(role && PERMISSIONS[permission]?.includes(role));\n`;
  app.get('/portal/js/permissions.js', async (_request, reply) => reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(permissionsModule));
  app.get('/portal', indexPage);
  app.get('/portal/*', indexPage);
}
