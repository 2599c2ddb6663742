import type { Projection } from '../projection.ts';

export const auditLogProjections: Projection[] = [];
