import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../src/domain/account/account-decider.ts';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError, type DomainError } from '../../src/domain/errors.ts';
import { describeQuotaEvent } from '../../src/presentation/audit/quota-audit.ts';
import type { ApproveQuotaRequest, RejectQuotaRequest, RequestQuotaIncrease } from '../../src/domain/quota/quota-commands.ts';
import { quotaDecider } from '../../src/domain/quota/quota-decider.ts';
import type { QuotaIncreaseRequested, QuotaRequestApproved, QuotaRequestRejected } from '../../src/domain/quota/quota-events.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(quotaDecider);

const ACCOUNT = 'acc-1';
const DEFAULT_GIB = 100;
const R1 = 'req-1';
const R2 = 'req-2';
const ASKED_AT = '2026-03-01T12:00:00.000Z';
const DECIDED_AT = '2026-03-02T09:00:00.000Z';

// ---- commands ---------------------------------------------------------------------------

const ask = (overrides: Partial<RequestQuotaIncrease['data']> = {}): RequestQuotaIncrease => ({
  type: 'RequestQuotaIncrease',
  data: {
    accountId: ACCOUNT,
    requestId: R1,
    requestedGiB: 500,
    reason: 'nightly backups of the ERP',
    requestedAt: ASKED_AT,
    defaultQuotaGiB: DEFAULT_GIB,
    accountStatus: 'active',
    ...overrides,
  },
});
const approve = (
  requestId = R1,
  note = 'ok, contract signed',
  defaultQuotaGiB = DEFAULT_GIB,
  accountStatus: AccountStatus = 'active',
): ApproveQuotaRequest => ({
  type: 'ApproveQuotaRequest',
  data: { accountId: ACCOUNT, requestId, note, approvedAt: DECIDED_AT, defaultQuotaGiB, accountStatus },
});
const reject = (requestId = R1, note = 'pay the overdue invoice first'): RejectQuotaRequest => ({
  type: 'RejectQuotaRequest',
  data: { accountId: ACCOUNT, requestId, note, rejectedAt: DECIDED_AT },
});

// ---- events, written out by hand --------------------------------------------------------

const asked = (requestId = R1, currentGiB = 100, requestedGiB = 500): QuotaIncreaseRequested => ({
  type: 'QuotaIncreaseRequested',
  data: { accountId: ACCOUNT, requestId, currentGiB, requestedGiB, reason: 'nightly backups of the ERP', requestedAt: ASKED_AT },
});
const approved = (requestId = R1, fromGiB = 100, toGiB = 500): QuotaRequestApproved => ({
  type: 'QuotaRequestApproved',
  data: { accountId: ACCOUNT, requestId, fromGiB, toGiB, note: 'ok, contract signed', approvedAt: DECIDED_AT },
});
const rejected = (requestId = R1, requestedGiB = 500): QuotaRequestRejected => ({
  type: 'QuotaRequestRejected',
  data: { accountId: ACCOUNT, requestId, requestedGiB, note: 'pay the overdue invoice first', rejectedAt: DECIDED_AT },
});

const paths = (error: DomainError) => (error as ValidationError).issues.map((i) => i.path);

describe('RequestQuotaIncrease', () => {
  it('records the request against the default quota while none was approved', () => {
    spec.given().when(ask()).then(asked());
    expect(spec.given(asked()).state()).toMatchObject({ quotaGiB: null, pendingRequestId: R1 });
  });

  it('measures against the approved quota once there is one, whatever the default', () => {
    spec
      .given(asked(), approved())
      .when(ask({ requestId: R2, requestedGiB: 800, defaultQuotaGiB: 1000 }))
      .then(asked(R2, 500, 800));
  });

  it('trims the reason', () => {
    spec.given().when(ask({ reason: '  nightly backups of the ERP  ' })).then(asked());
  });

  it('refuses a request that does not raise the quota', () => {
    spec.given().when(ask({ requestedGiB: 100 })).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['requestedGiB']));
    spec
      .given(asked(), approved())
      .when(ask({ requestId: R2, requestedGiB: 300 }))
      .thenThrows(ValidationError, 'validation_failed', (e) =>
        expect((e as ValidationError).issues).toEqual([{ path: 'requestedGiB', message: 'must be more than the current quota of 500 GiB' }]),
      );
  });

  it('refuses fractions and amounts over 1 PiB, and lists a bad reason too', () => {
    spec.given().when(ask({ requestedGiB: 150.5 })).thenThrows(ValidationError, 'validation_failed');
    spec.given().when(ask({ requestedGiB: 1_048_577 })).thenThrows(ValidationError, 'validation_failed');
    spec.given().when(ask({ requestedGiB: 1_048_576 })).then(asked(R1, 100, 1_048_576));
    spec
      .given()
      .when(ask({ requestedGiB: 50, reason: '   ' }))
      .thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['requestedGiB', 'reason']));
    spec.given().when(ask({ reason: 'x'.repeat(501) })).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['reason']));
  });

  it('allows one pending request at a time', () => {
    spec.given(asked()).when(ask({ requestId: R2, requestedGiB: 900 })).thenThrows(ConflictError, 'quota_request_pending');
    spec.given(asked(), rejected()).when(ask({ requestId: R2, requestedGiB: 900 })).then(asked(R2, 100, 900));
  });

  it('refuses new requests while the account is suspended or closed', () => {
    spec.given().when(ask({ accountStatus: 'suspended' })).thenThrows(IllegalStateError, 'account_suspended');
    spec.given().when(ask({ accountStatus: 'closed' })).thenThrows(IllegalStateError, 'account_closed');
  });

  it('records nothing for a repeat, and refuses another request under a used id', () => {
    spec.given(asked()).when(ask()).thenNothing();
    spec.given(asked()).when(ask({ requestedGiB: 600 })).thenThrows(ConflictError, 'quota_request_exists');
  });
});

describe('ApproveQuotaRequest', () => {
  it('sets the quota to the GiB requested', () => {
    spec.given(asked()).when(approve()).then(approved());
    expect(spec.given(asked(), approved()).state()).toMatchObject({ quotaGiB: 500, pendingRequestId: null, updatedAt: DECIDED_AT });
  });

  it('records nothing when approved again', () => {
    spec.given(asked(), approved()).when(approve()).thenNothing();
  });

  it('refuses a rejected request, an unknown one, and an empty note', () => {
    spec.given(asked(), rejected()).when(approve()).thenThrows(IllegalStateError, 'quota_request_decided');
    spec.given().when(approve()).thenThrows(NotFoundError, 'quota_request_not_found');
    spec.given(asked()).when(approve(R1, ' ')).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['note']));
  });

  it('refuses for a closed account', () => {
    spec.given(asked()).when(approve(R1, 'ok', DEFAULT_GIB, 'closed')).thenThrows(IllegalStateError, 'account_closed');
  });

  it('refuses what would lower the quota, once the default was raised past the request', () => {
    spec.given(asked()).when(approve(R1, 'ok', 600)).thenThrows(IllegalStateError, 'quota_request_outdated');
  });
});

describe('RejectQuotaRequest', () => {
  it('rejects a pending request, leaving the quota as it was', () => {
    spec.given(asked()).when(reject()).then(rejected());
    expect(spec.given(asked(), rejected()).state()).toMatchObject({ quotaGiB: null, pendingRequestId: null });
  });

  it('records nothing when rejected again; refuses an approved one, an unknown one and an empty note', () => {
    spec.given(asked(), rejected()).when(reject()).thenNothing();
    spec.given(asked(), approved()).when(reject()).thenThrows(IllegalStateError, 'quota_request_decided');
    spec.given().when(reject()).thenThrows(NotFoundError, 'quota_request_not_found');
    spec.given(asked()).when(reject(R1, '')).thenThrows(ValidationError, 'validation_failed', (e) => expect(paths(e)).toEqual(['note']));
  });
});

describe('quota events in the audit log', () => {
  it('name the account, the request and what happened', () => {
    expect(describeQuotaEvent('QuotaRequestApproved', approved().data)).toEqual({
      accountId: ACCOUNT,
      resourceType: 'quota_request',
      resourceId: R1,
      summary: 'Quota request approved: quota raised from 100 GiB to 500 GiB (ok, contract signed)',
    });
    expect(describeQuotaEvent('QuotaIncreaseRequested', asked().data)?.summary).toBe(
      'Quota increase from 100 GiB to 500 GiB requested: nightly backups of the ERP',
    );
    expect(describeQuotaEvent('BucketRequested', {})).toBeNull();
  });
});
