import type { Projection } from '../projection.ts';

export const pricebookProjections: Projection[] = [];
