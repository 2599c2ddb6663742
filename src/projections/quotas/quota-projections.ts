import type { Projection } from '../projection.ts';

export const quotaProjections: Projection[] = [];
