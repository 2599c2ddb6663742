import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from '../../src/projections/transient-database-error.ts';

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('transient database errors', () => {
  it.each([
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
    ['55P03', 'lock timeout'],
    ['57014', 'statement timeout'],
    ['57P01', 'terminated by an administrator'],
    ['53300', 'too many connections'],
    ['08006', 'connection failure'],
    ['25P03', 'idle in transaction timeout'],
    ['ECONNRESET', 'socket reset'],
  ])('%s (%s) is transient', (code) => {
    expect(isTransientDatabaseError(pgError(code))).toBe(true);
  });

  it('a connection the driver lost mid-query is transient, also when wrapped', () => {
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDatabaseError(new Error('could not apply', { cause: pgError('40P01') }))).toBe(true);
  });

  it.each([
    ['23505', 'unique violation'],
    ['22P02', 'invalid text representation'],
    ['42P01', 'undefined table'],
  ])('%s (%s) is the projection’s own error', (code) => {
    expect(isTransientDatabaseError(pgError(code))).toBe(false);
  });

  it('an error of the projection’s logic, or no error object at all, is not transient', () => {
    expect(isTransientDatabaseError(new Error('negative ticks are not allowed'))).toBe(false);
    expect(isTransientDatabaseError('57014')).toBe(false);
  });
});
