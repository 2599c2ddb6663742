import { describe, expect, it } from 'vitest';
import { StreamLocks } from '../../src/commands/stream-locks.ts';

describe('stream locks', () => {
  it('writers of one stream take turns: the second starts only once the first released', async () => {
    const locks = new StreamLocks();
    const order: string[] = [];
    const releaseFirst = await locks.acquire(['invoice-1']);
    const second = locks.with(['invoice-1'], async () => {
      order.push('second');
    });
    await new Promise((resolve) => setImmediate(resolve));
    order.push('first done');
    releaseFirst();
    await second;
    expect(order).toEqual(['first done', 'second']);
    expect(locks.size).toBe(0);
  });

  it('a holder that never releases (an append that never returns) does not stop later writers for good', async () => {
    const locks = new StreamLocks(20);
    await locks.acquire(['bucketname-stuck']); // never released
    const ran = await locks.with(['bucketname-stuck'], async () => 'went ahead');
    expect(ran).toBe('went ahead');
  });
});
