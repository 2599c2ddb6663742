import type { SftpServer } from '../../ports/sftp-server.ts';
import { SftpgoClient } from './sftpgo-sftp-server.ts';

export { SftpgoClient, type SftpgoClientOptions } from './sftpgo-sftp-server.ts';

export interface SftpgoSettings {
  /** SFTPGo's address, e.g. `http://sftpgo:8080` */
  baseUrl: string;
  adminUser: string;
  adminPassword: string;
}

export function createSftpgoServer(settings: SftpgoSettings): SftpServer {
  return new SftpgoClient(settings);
}
