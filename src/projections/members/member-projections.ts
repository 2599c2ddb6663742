import type { Projection } from '../projection.ts';

export const memberProjections: Projection[] = [];
