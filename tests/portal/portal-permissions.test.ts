import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/access/permissions.ts';

describe("the portal's copy of the roles' permissions", () => {
  it('is the table the API decides by', async () => {
    // @ts-expect-error: a browser module of the portal, plain JavaScript without types
    const portal = (await import('../../portal/js/permissions.js')) as { PERMISSIONS: Record<string, readonly string[]> };
    expect(portal.PERMISSIONS).toEqual(PERMISSIONS);
  });
});
