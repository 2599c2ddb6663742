// s3rver ships no types; this is the part the tests use
declare module '@20minutes/s3rver' {
  export default class S3rver {
    constructor(options: { port?: number; address?: string; silent?: boolean; directory: string; resetOnClose?: boolean });
    run(): Promise<{ address: string; family: string; port: number }>;
    close(): Promise<void>;
  }
}
