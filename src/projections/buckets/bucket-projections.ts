import type { Projection } from '../projection.ts';

export const bucketProjections: Projection[] = [];
