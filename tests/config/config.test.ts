import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration of the integrations', () => {
  it('nothing set: every integration is off, and the schedules have their defaults', () => {
    const config = loadConfig({});
    expect(config.minio).toBeNull();
    expect(config.sftpgo).toBeNull();
    expect(config.smtp).toBeNull();
    expect(config.meteringCron).toBe('*/5 * * * *');
    expect(config.listingMeteringCron).toBe('off');
    expect(config.portalUrl).toBeNull();
    expect(config.reactorMaxAttempts).toBe(12);
  });

  it('a group set in part names the missing variables', () => {
    expect(() => loadConfig({ MINIO_ENDPOINT: 'http://127.0.0.1:9000', MINIO_ACCESS_KEY: 'admin' })).toThrow(
      /MINIO_SECRET_KEY: needed with MINIO_ENDPOINT, MINIO_ACCESS_KEY/,
    );
    expect(() => loadConfig({ SFTPGO_URL: 'http://127.0.0.1:8080' })).toThrow(/SFTPGO_ADMIN_USER, SFTPGO_ADMIN_PASSWORD: needed with SFTPGO_URL/);
    expect(() => loadConfig({ SMTP_HOST: 'mail', SMTP_FROM: 'a <a@b.c>', SMTP_USER: 'u' })).toThrow(/SMTP_PASSWORD: needed with SMTP_USER/);
    expect(() => loadConfig({ SMTP_HOST: 'mail' })).toThrow(ConfigError);
  });

  it('a bad URL is named', () => {
    expect(() => loadConfig({ MINIO_ENDPOINT: 'ftp://x', MINIO_ACCESS_KEY: 'a', MINIO_SECRET_KEY: 'b' })).toThrow(/MINIO_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/);
  });

  it('complete groups come out typed, SFTPGo reaching S3 at MinIO unless told otherwise', () => {
    const config = loadConfig({
      MINIO_ENDPOINT: 'http://minio:9000',
      MINIO_ACCESS_KEY: 'admin',
      MINIO_SECRET_KEY: 'secret-secret',
      MINIO_ADMIN: 'off',
      SFTPGO_URL: 'http://sftpgo:8080',
      SFTPGO_ADMIN_USER: 'admin',
      SFTPGO_ADMIN_PASSWORD: 'pw',
      SMTP_HOST: 'mail',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_FROM: 'CloudPro <billing@example.com>',
    });
    expect(config.minio).toEqual({ endpoint: 'http://minio:9000', accessKey: 'admin', secretKey: 'secret-secret', region: 'us-east-1', admin: false });
    expect(config.sftpgo).toEqual({ url: 'http://sftpgo:8080', adminUser: 'admin', adminPassword: 'pw', s3Endpoint: 'http://minio:9000' });
    expect(config.smtp).toEqual({ host: 'mail', port: 465, secure: true, auth: null, from: 'CloudPro <billing@example.com>' });
  });
});

describe('USAGE_MAX_CLOCK_SKEW', () => {
  it('is 5 minutes unless set; takes seconds, minutes or hours up to 1 hour, and names itself when wrong', () => {
    expect(loadConfig({}).usageMaxClockSkewMs).toBe(300_000);
    expect(loadConfig({ USAGE_MAX_CLOCK_SKEW: '90' }).usageMaxClockSkewMs).toBe(90_000);
    expect(loadConfig({ USAGE_MAX_CLOCK_SKEW: '0s' }).usageMaxClockSkewMs).toBe(0);
    expect(loadConfig({ USAGE_MAX_CLOCK_SKEW: '2m' }).usageMaxClockSkewMs).toBe(120_000);
    expect(loadConfig({ USAGE_MAX_CLOCK_SKEW: '1h' }).usageMaxClockSkewMs).toBe(3_600_000);
    expect(() => loadConfig({ USAGE_MAX_CLOCK_SKEW: '61m' })).toThrow(/USAGE_MAX_CLOCK_SKEW: must be at most 1h/);
    expect(() => loadConfig({ USAGE_MAX_CLOCK_SKEW: '-5m' })).toThrow(/USAGE_MAX_CLOCK_SKEW: must be a duration/);
  });
});

describe('DATABASE_POOL_SIZE', () => {
  it('is 10 by default, takes 2 to 200, and names the variable when out of range', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '2' }).databasePoolSize).toBe(2);
    expect(loadConfig({ DATABASE_POOL_SIZE: '200' }).databasePoolSize).toBe(200);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '1' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '201' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: 'ten' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});

describe('DATABASE_POOL_IDLE_MS', () => {
  it('keeps pooled connections by default, takes 1 s to 1 h, and refuses what lies between', () => {
    expect(loadConfig({}).databasePoolIdleMs).toBe(0);
    expect(loadConfig({ DATABASE_POOL_IDLE_MS: '1000' }).databasePoolIdleMs).toBe(1000);
    expect(loadConfig({ DATABASE_POOL_IDLE_MS: '3600000' }).databasePoolIdleMs).toBe(3_600_000);
    expect(() => loadConfig({ DATABASE_POOL_IDLE_MS: '999' })).toThrow(/DATABASE_POOL_IDLE_MS: 0 \(never close\) or 1000 to 3600000/);
    expect(() => loadConfig({ DATABASE_POOL_IDLE_MS: '3600001' })).toThrow(/DATABASE_POOL_IDLE_MS/);
  });
});

describe('DATABASE_READ_URL', () => {
  it('is absent unless set (reads use the primary), needs DATABASE_URL, and must be a postgres URL', () => {
    expect(loadConfig({}).databaseReadUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://primary/db', DATABASE_READ_URL: 'postgres://replica/db' }).databaseReadUrl).toBe('postgres://replica/db');
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://replica/db' })).toThrow(/DATABASE_URL: needed with DATABASE_READ_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://primary/db', DATABASE_READ_URL: 'mysql://replica/db' })).toThrow(/DATABASE_READ_URL: must be a postgres:\/\/ URL/);
  });
});
