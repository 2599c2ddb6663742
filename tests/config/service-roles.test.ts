import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('SERVICE_ROLES', () => {
  it('defaults to every role, so one process runs everything as before', () => {
    expect(loadConfig({}).serviceRoles).toEqual(['api', 'projections', 'reactors', 'schedules']);
  });

  it('takes a comma-separated subset, spaces and case forgiven, each role once', () => {
    expect(loadConfig({ SERVICE_ROLES: ' Projections, reactors ,projections' }).serviceRoles).toEqual(['projections', 'reactors']);
    expect(loadConfig({ SERVICE_ROLES: 'api' }).serviceRoles).toEqual(['api']);
  });

  it('refuses an unknown role by name, and lists the roles', () => {
    expect(() => loadConfig({ SERVICE_ROLES: 'api,workers' })).toThrow(ConfigError);
    expect(() => loadConfig({ SERVICE_ROLES: 'api,workers' })).toThrow('SERVICE_ROLES: unknown role "workers"; the roles are api, projections, reactors, schedules');
    expect(() => loadConfig({ SERVICE_ROLES: ',' })).toThrow('SERVICE_ROLES: names no role; the roles are api, projections, reactors, schedules');
  });

  it('LEASE_CHECK_MS is bounded: 100 ms to 60 s', () => {
    expect(loadConfig({}).leaseCheckMs).toBe(2000);
    expect(loadConfig({ LEASE_CHECK_MS: '100' }).leaseCheckMs).toBe(100);
    expect(() => loadConfig({ LEASE_CHECK_MS: '99' })).toThrow(/LEASE_CHECK_MS/);
    expect(() => loadConfig({ LEASE_CHECK_MS: '60001' })).toThrow(/LEASE_CHECK_MS/);
  });
});
