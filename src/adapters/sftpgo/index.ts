import type { SftpServer } from '../../ports/sftp-server.ts';
import { SftpgoClient, type SftpgoClientOptions } from './sftpgo-sftp-server.ts';

export { SftpgoClient, type SftpgoClientOptions } from './sftpgo-sftp-server.ts';

export function createSftpgoServer(settings: SftpgoClientOptions): SftpServer {
  return new SftpgoClient(settings);
}
