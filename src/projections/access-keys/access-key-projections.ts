import type { Projection } from '../projection.ts';
import { accessKeysProjection } from './access-keys-projection.ts';

export const accessKeyProjections: Projection[] = [accessKeysProjection];
