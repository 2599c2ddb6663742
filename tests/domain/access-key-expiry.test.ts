import { describe, expect, it } from 'vitest';
import { describeAccessKeyExpiryEvent } from '../../src/presentation/audit/access-key-expiry-audit.ts';
import { accessKeyExpiryDecider, isExpiringSoon, type AccessKeyExpiring, type NoticeAccessKeyExpiring } from '../../src/domain/access-key/access-key-expiry.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(accessKeyExpiryDecider);

const NOW = '2026-12-01T12:00:00.000Z';
const IN_SEVEN_DAYS = '2026-12-08T12:00:00.000Z';
const JUST_PAST_SEVEN_DAYS = '2026-12-08T12:00:00.001Z';
const TOMORROW = '2026-12-02T12:00:00.000Z';

const notice = (expiresAt: string | null, overrides: Partial<NoticeAccessKeyExpiring['data']> = {}): NoticeAccessKeyExpiring => ({
  type: 'NoticeAccessKeyExpiring',
  data: { accountId: 'acc-1', keyId: 'key-1', name: 'backup', expiresAt, keyStatus: 'active', noticedAt: NOW, ...overrides },
});
const expiring = (expiresAt: string, noticedAt = NOW): AccessKeyExpiring => ({
  type: 'AccessKeyExpiring',
  data: { accountId: 'acc-1', keyId: 'key-1', name: 'backup', expiresAt, noticedAt },
});

describe('access key expiry notice', () => {
  it('a key expiring within 7 days is noticed; exactly 7 days ahead counts, a millisecond more does not', () => {
    spec.given().when(notice(TOMORROW)).then(expiring(TOMORROW));
    spec.given().when(notice(IN_SEVEN_DAYS)).then(expiring(IN_SEVEN_DAYS));
    spec.given().when(notice(JUST_PAST_SEVEN_DAYS)).thenNothing();
  });

  it('once per key: a second run records nothing, even days later', () => {
    spec.given(expiring(IN_SEVEN_DAYS)).when(notice(IN_SEVEN_DAYS, { noticedAt: '2026-12-05T12:00:00.000Z' })).thenNothing();
  });

  it('no notice for a key already expired, without expiry, or revoked', () => {
    spec.given().when(notice(NOW)).thenNothing();
    spec.given().when(notice('2026-11-30T12:00:00.000Z')).thenNothing();
    spec.given().when(notice(null)).thenNothing();
    spec.given().when(notice(TOMORROW, { keyStatus: 'revoked' })).thenNothing();
  });

  it('isExpiringSoon is about the time left at `now`', () => {
    expect(isExpiringSoon(TOMORROW, NOW)).toBe(true);
    expect(isExpiringSoon(TOMORROW, TOMORROW)).toBe(false);
    expect(isExpiringSoon(null, NOW)).toBe(false);
  });

  it('reads in the audit log as a notice on the key', () => {
    expect(describeAccessKeyExpiryEvent('AccessKeyExpiring', expiring(TOMORROW).data)).toEqual({
      accountId: 'acc-1',
      resourceType: 'access_key',
      resourceId: 'key-1',
      summary: `Access key "backup" expires at ${TOMORROW}: notice given`,
    });
    expect(describeAccessKeyExpiryEvent('AccessKeyIssued', {})).toBeNull();
  });
});
