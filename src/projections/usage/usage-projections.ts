import type { Projection } from '../projection.ts';

export const usageProjections: Projection[] = [];
