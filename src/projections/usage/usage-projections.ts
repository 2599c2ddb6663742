import type { Projection } from '../projection.ts';
import { usageTotalsProjection } from './usage-totals-projection.ts';

export const usageProjections: Projection[] = [usageTotalsProjection];
