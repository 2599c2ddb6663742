import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACCESS_KEY_PERMISSIONS } from '../../src/domain/access-key/access-key-rules.ts';
import { ROLES } from '../../src/domain/access/permissions.ts';
import { VERSIONING_STATES } from '../../src/domain/bucket/bucket-rules.ts';
import { PAYMENT_METHODS } from '../../src/domain/invoice/invoice-events.ts';
import { METER_UNITS, METERS } from '../../src/domain/rating/plan.ts';
import { WEBHOOK_KINDS } from '../../src/domain/webhook/webhook-kinds.ts';
import { AccessKeyStatusView } from '../../src/api/schemas/access-key-schemas.ts';
import { BUCKET_STATUSES } from '../../src/api/schemas/bucket-schemas.ts';
import { ApiTokenView, InvitationView } from '../../src/api/schemas/member-schemas.ts';
import { QUOTA_REQUEST_STATUSES } from '../../src/api/schemas/quota-schemas.ts';
import { SftpUserView } from '../../src/api/schemas/sftp-user-schemas.ts';
import { WebhookDeliveryView, WebhookView } from '../../src/api/schemas/webhook-schemas.ts';
import { INVOICE_STATUSES } from '../../src/projections/invoices/invoice-tables.ts';

type Dictionary = Record<string, string>;
type ValueMaps = Record<string, Record<string, string>>;

// The portal's module is plain browser JavaScript; it reads the browser's globals only when called.
const i18n = (await import(pathToFileURL(path.resolve(import.meta.dirname, '../../portal/js/i18n.js')).href)) as {
  dictionaries: Record<'en' | 'pt-BR', Dictionary>;
  VALUES: Record<'en' | 'pt-BR', ValueMaps>;
};

const enumOf = (schema: { options: readonly string[] }) => [...schema.options];

/** Every value the API answers in each group the portal shows, from the code that writes it. */
const API_VALUES: Record<string, readonly string[]> = {
  invoiceStatus: INVOICE_STATUSES,
  lineKind: ['monthly_fee', ...METERS, 'minimum_true_up', 'adjustment'],
  // the meters' units, and the monthly fee's and the minimum true-up's (src/domain/rating/rate-invoice.ts)
  unit: [...new Set(Object.values(METER_UNITS)), 'month', 'minimum'],
  bucketStatus: BUCKET_STATUSES,
  versioning: ['disabled', ...VERSIONING_STATES],
  keyStatus: enumOf(AccessKeyStatusView),
  keyPermission: ACCESS_KEY_PERMISSIONS,
  role: ROLES,
  sftpStatus: enumOf(SftpUserView.shape.status),
  invitationStatus: enumOf(InvitationView.shape.status),
  quotaStatus: QUOTA_REQUEST_STATUSES,
  tokenStatus: enumOf(ApiTokenView.shape.status),
  tokenKind: enumOf(ApiTokenView.shape.kind),
  paymentMethod: PAYMENT_METHODS,
  webhookStatus: enumOf(WebhookView.shape.status),
  deliveryStatus: enumOf(WebhookDeliveryView.shape.status),
  webhookKind: WEBHOOK_KINDS,
};

describe("the portal's two languages", () => {
  it('have the same texts, none empty', () => {
    const { en, 'pt-BR': ptBR } = i18n.dictionaries;
    expect(Object.keys(ptBR).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of [...Object.entries(en), ...Object.entries(ptBR)]) expect(text.trim(), key).not.toBe('');
  });

  it("name every value the API answers, in both languages and in the API's order", () => {
    for (const language of ['en', 'pt-BR'] as const) {
      const maps = i18n.VALUES[language];
      expect(Object.keys(maps).sort(), language).toEqual(Object.keys(API_VALUES).sort());
      for (const [group, values] of Object.entries(API_VALUES)) {
        expect(Object.keys(maps[group]!).sort(), `${language} ${group}`).toEqual([...values].sort());
        for (const value of values) expect(maps[group]![value]!.trim(), `${language} ${group}.${value}`).not.toBe('');
      }
    }
    // pt-BR says them in Portuguese: statuses differ from the English words (names like Pix aside)
    expect(i18n.VALUES['pt-BR'].invoiceStatus).toMatchObject({ paid: 'Paga', overdue: 'Vencida' });
  });
});
