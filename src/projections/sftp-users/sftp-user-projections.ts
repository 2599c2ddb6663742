import type { Projection } from '../projection.ts';

export const sftpUserProjections: Projection[] = [];
