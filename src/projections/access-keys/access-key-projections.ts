import type { Projection } from '../projection.ts';

export const accessKeyProjections: Projection[] = [];
