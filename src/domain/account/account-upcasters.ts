import { upcaster } from '../shared/event-schema.ts';
import type { AccountOpened } from './account-events.ts';
import { DEFAULT_LOCALE } from './account-locale.ts';

/**
 * AccountOpened 1 → 2: accounts opened before locales existed carry none, and were always
 * written to in the default locale; version 2 names it.
 */
export const accountOpenedLocale = upcaster<AccountOpened, Omit<AccountOpened['data'], 'locale'> & { locale?: AccountOpened['data']['locale'] }>(
  'AccountOpened',
  1,
  (opened) => ({ ...opened, locale: opened.locale ?? DEFAULT_LOCALE }),
);

export const accountUpcasters = [accountOpenedLocale];
