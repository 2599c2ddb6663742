/**
 * The parts of SFTPGo's schemas (tests/fixtures/sftpgo/sftpgo-openapi.yaml, components.schemas) that this
 * adapter sends or reads. Field names are SFTPGo's, hence snake_case.
 */

/** FsProviders */
export const FS_PROVIDER_LOCAL = 0;
export const FS_PROVIDER_S3 = 1;

/** User.status */
export const USER_DISABLED = 0;
export const USER_ENABLED = 1;

/** Secret: "Plain" sets a new value; what SFTPGo answers is encrypted and hidden */
export interface SftpgoSecret {
  status: string;
  payload?: string;
}

export interface SftpgoS3Config {
  bucket: string;
  region: string;
  endpoint: string;
  access_key: string;
  access_secret: SftpgoSecret;
  force_path_style: boolean;
}

export interface SftpgoFilesystem {
  provider: number;
  s3config?: SftpgoS3Config;
  [field: string]: unknown;
}

/** BaseVirtualFolder */
export interface SftpgoFolder {
  name: string;
  description?: string;
  filesystem: SftpgoFilesystem;
  users?: string[];
  [field: string]: unknown;
}

/** VirtualFolder as a user lists it: a folder mounted at a path */
export interface SftpgoFolderMount {
  name: string;
  virtual_path: string;
  [field: string]: unknown;
}

export interface SftpgoUser {
  username: string;
  status: number;
  password?: string;
  description?: string;
  home_dir: string;
  permissions: Record<string, string[]>;
  filesystem: SftpgoFilesystem;
  virtual_folders?: SftpgoFolderMount[];
  [field: string]: unknown;
}

/** ApiResponse: what SFTPGo answers on errors (and on updates and deletions) */
export interface SftpgoApiResponse {
  message?: string;
  error?: string;
}

/** Token */
export interface SftpgoToken {
  access_token?: string;
  expires_at?: string;
}
