import type { Projection } from '../projection.ts';

export const subscriptionProjections: Projection[] = [];
