/**
 * Which billing class an S3 API call falls in, by the `api` label MinIO puts on its request
 * counters: the handler's name in lower case (putobject, listobjectsv2, newmultipartupload,
 * putobjectpart, ...). Class A is what writes or lists (PUT, POST, COPY, LIST), class B reads
 * and everything else, deletes are free: the platform's price list, after S3's.
 */
export type RequestClass = 'A' | 'B' | 'free';

// named after what they do rather than their verb prefix
const CLASS_A = new Set([
  'newmultipartupload',
  'createmultipartupload',
  'completemultipartupload',
  'uploadpart',
  'uploadpartcopy',
  'selectobjectcontent',
  'makebucket',
  'createbucket',
  'restoreobject',
]);
const FREE = new Set(['abortmultipartupload', 'deletemultipleobjects']);
// a long-poll GET that happens to start with "list"
const CLASS_B = new Set(['listennotification', 'listenbucketnotification']);

export function requestClassOf(api: string): RequestClass {
  const name = api.toLowerCase();
  if (FREE.has(name) || name.startsWith('delete')) return 'free';
  if (CLASS_B.has(name)) return 'B';
  if (CLASS_A.has(name) || /^(put|post|copy|list)/.test(name)) return 'A';
  return 'B';
}
