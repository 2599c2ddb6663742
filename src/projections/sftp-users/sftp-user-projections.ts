import type { Projection } from '../projection.ts';
import { sftpUsersProjection } from './sftp-users-projection.ts';

export const sftpUserProjections: Projection[] = [sftpUsersProjection];
