import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/adapters/postgres/database.ts';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres-event-store.ts';
import { loadConfig } from '../../src/config.ts';
import { accountStream } from '../../src/domain/account/account-streams.ts';
import { eventSchemas, type Upcaster } from '../../src/domain/shared/event-schema.ts';
import { compose, type Application } from '../../src/main.ts';
import type pg from 'pg';
import { issueApiToken } from '../../src/commands/api-token-commands.ts';
import { testContext } from '../support/app.ts';
import { bearer } from '../support/api-requests.ts';
import { createTestDatabase } from '../support/database.ts';

/** Three shapes of a made-up event: v1 {n}, v2 {n, unit}, v3 {amount: {n, unit}}. */
const thingSteps: Upcaster[] = [
  { type: 'ThingHappened', fromVersion: 2, upcast: (d) => ({ amount: d }) },
  { type: 'ThingHappened', fromVersion: 1, upcast: (d) => ({ ...(d as object), unit: 'GiB' }) },
];

describe('event schemas', () => {
  const schemas = eventSchemas(thingSteps);

  it('a type is at version 1 + its steps; data is brought up from the version it was stored at', () => {
    expect(schemas.versionOf('ThingHappened')).toBe(3);
    expect(schemas.versionOf('BucketCreated')).toBe(1);
    expect(schemas.upcast('ThingHappened', 1, { n: 4 })).toEqual({ amount: { n: 4, unit: 'GiB' } });
    expect(schemas.upcast('ThingHappened', 2, { n: 4, unit: 'TiB' })).toEqual({ amount: { n: 4, unit: 'TiB' } });
    const current = { amount: { n: 4, unit: 'TiB' } };
    expect(schemas.upcast('ThingHappened', 3, current)).toBe(current);
    // written by a later release during a rolling deploy: handed over as stored
    expect(schemas.upcast('ThingHappened', 4, current)).toBe(current);
  });

  it('refuses a registry with a gap, a repeat, or a step from below version 1, naming the type', () => {
    expect(() => eventSchemas([thingSteps[0]!])).toThrow(/ThingHappened must run from version 1 without gaps or repeats; found 2/);
    expect(() => eventSchemas([...thingSteps, thingSteps[1]!])).toThrow(/ThingHappened .*found 1, 1, 2/);
    expect(() => eventSchemas([{ ...thingSteps[1]!, fromVersion: 0 }])).toThrow(/fromVersion must be an integer ≥ 1, got 0/);
  });

  it('types that never changed are handed over as they are (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((t) => t !== 'ThingHappened'), fc.integer({ min: 1, max: 5 }), fc.jsonValue(), (type, version, data) => {
        expect(schemas.changed(type)).toBe(false);
        expect(schemas.upcast(type, version, data)).toBe(data);
      }),
    );
  });
});

describe('an account opened before locales existed, read through the service', () => {
  let app: Application;
  let pool: pg.Pool;
  let rawStore: PostgresEventStore;
  let operator: string;

  beforeAll(async () => {
    const url = await createTestDatabase('upcast');
    app = await compose(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PLATFORM_KEY: randomBytes(32).toString('base64') }), { httpLogs: false });
    pool = createPool(url, 2);
    rawStore = new PostgresEventStore(pool);
    operator = (await issueApiToken(app.infrastructure.eventStore, { name: 'ops', scope: { kind: 'operator' } }, testContext())).token;
  });
  afterAll(async () => {
    await pool?.end();
    await app?.close();
  });

  it('folds to the default locale in the decider and the read models; new accounts are written at version 2', async () => {
    const accountId = randomUUID();
    // exactly what a release before locales wrote: no locale, no schemaVersion
    await rawStore.append(
      accountStream(accountId),
      [
        {
          eventId: randomUUID(),
          type: 'AccountOpened',
          data: {
            accountId,
            name: 'Padaria Antiga Ltda',
            slug: 'padaria-antiga',
            billingEmail: 'contas@padaria.com.br',
            document: { kind: 'cnpj', number: '11222333000181' },
            currency: 'BRL',
            timeZone: 'America/Sao_Paulo',
            billingDay: 5,
            openedAt: '2025-02-01T12:00:00.000Z',
            owner: { memberId: randomUUID(), email: 'contas@padaria.com.br' },
          },
          metadata: testContext({ occurredAt: '2025-02-01T12:00:00.000Z' }),
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const [stored] = await rawStore.readStream(accountStream(accountId));
    expect(stored!.data).not.toHaveProperty('locale');
    expect(stored!.metadata).not.toHaveProperty('schemaVersion');

    // the store the service reads through hands it over at version 2
    const [read] = await app.infrastructure.eventStore.readStream(accountStream(accountId));
    expect(read!.data).toMatchObject({ accountId, locale: 'pt-BR' });

    // the read models (built from readAll/subscribe) and the decider (from readStream) both see it
    await app.runner.catchUp();
    const shown = await app.api.inject({ method: 'GET', url: `/accounts/${accountId}`, headers: bearer(operator) });
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ accountId, locale: 'pt-BR', billingDay: 5 });
    const unchanged = await app.api.inject({ method: 'PATCH', url: `/accounts/${accountId}/billing-profile`, headers: bearer(operator), payload: { locale: 'pt-BR' } });
    expect(unchanged.statusCode, unchanged.body).toBe(200);
    // the decider knew the locale already: nothing was appended
    expect(await rawStore.readStream(accountStream(accountId))).toHaveLength(1);
    const changed = await app.api.inject({ method: 'PATCH', url: `/accounts/${accountId}/billing-profile`, headers: bearer(operator), payload: { locale: 'en' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ locale: 'en' });

    // the stored event is still the old shape: nothing rewrote the log
    const [again] = await rawStore.readStream(accountStream(accountId));
    expect(again!.data).toEqual(stored!.data);

    const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { name: 'Nova', slug: 'nova-conta', billingEmail: 'a@nova.com.br', document: '529.982.247-25' } });
    expect(opened.statusCode, opened.body).toBe(201);
    const [fresh] = await rawStore.readStream(accountStream(opened.json<{ accountId: string }>().accountId));
    expect(fresh!.metadata.schemaVersion).toBe(2);
    expect(fresh!.data).toMatchObject({ locale: 'pt-BR' });
  });

  it('events of types that never changed carry no schemaVersion and read back as stored', async () => {
    const opened = await app.api.inject({ method: 'POST', url: '/accounts', headers: bearer(operator), payload: { name: 'Outra', slug: 'outra-conta', billingEmail: 'b@outra.com.br', document: '529.982.247-25' } });
    const { accountId } = opened.json<{ accountId: string }>();
    const bucket = await app.api.inject({ method: 'POST', url: `/accounts/${accountId}/buckets`, headers: bearer(operator), payload: { name: 'outra-fotos' } });
    expect(bucket.statusCode, bucket.body).toBe(201);
    const stream = `bucket-${bucket.json<{ bucketId: string }>().bucketId}`;
    const raw = await rawStore.readStream(stream);
    expect(raw.length).toBeGreaterThan(0);
    for (const event of raw) expect(event.metadata).not.toHaveProperty('schemaVersion');
    expect(await app.infrastructure.eventStore.readStream(stream)).toEqual(raw);
  });
});
