import type { Projection } from '../projection.ts';
import { bucketsProjection } from './buckets-projection.ts';

export const bucketProjections: Projection[] = [bucketsProjection];
