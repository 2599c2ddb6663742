import { describe, expect, it } from 'vitest';
import {
  nameReservationDecider,
  type NameReleased,
  type NameReserved,
  type ReleaseName,
  type ReserveName,
} from '../../src/domain/name-reservation/name-reservation.ts';
import { ConflictError, IllegalStateError } from '../../src/domain/errors.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const spec = deciderSpec(nameReservationDecider);

const NAME = 'acme-backups';
const RESERVED_AT = '2026-03-01T12:00:00.000Z';
const RELEASED_AT = '2026-03-10T08:00:00.000Z';
const LATER = '2026-03-20T17:45:00.000Z';

const reserve = (holderId: string, reservedAt = RESERVED_AT): ReserveName => ({
  type: 'ReserveName',
  data: { name: NAME, holderId, reservedAt },
});
const release = (holderId: string): ReleaseName => ({
  type: 'ReleaseName',
  data: { name: NAME, holderId, releasedAt: RELEASED_AT },
});
const reserved = (holderId: string, reservedAt = RESERVED_AT): NameReserved => ({
  type: 'NameReserved',
  data: { name: NAME, holderId, reservedAt },
});
const released = (holderId: string): NameReleased => ({
  type: 'NameReleased',
  data: { name: NAME, holderId, releasedAt: RELEASED_AT },
});

describe('ReserveName', () => {
  it('records the first reservation', () => {
    spec
      .given()
      .when(reserve('acc-1'))
      .then({ type: 'NameReserved', data: { name: 'acme-backups', holderId: 'acc-1', reservedAt: RESERVED_AT } });
  });

  it('records nothing when the holder asks again', () => {
    spec.given(reserved('acc-1')).when(reserve('acc-1', LATER)).thenNothing();
  });

  it('refuses another holder with name_taken, naming the name', () => {
    spec
      .given(reserved('acc-1'))
      .when(reserve('acc-2'))
      .thenThrows(ConflictError, 'name_taken', (error) => expect(error.message).toContain(NAME));
  });

  it('reserves a released name for anyone, the former holder included', () => {
    spec
      .given(reserved('acc-1'), released('acc-1'))
      .when(reserve('acc-2', LATER))
      .then({ type: 'NameReserved', data: { name: NAME, holderId: 'acc-2', reservedAt: LATER } });
    spec.given(reserved('acc-1'), released('acc-1')).when(reserve('acc-1', LATER)).then(reserved('acc-1', LATER));
  });

  it('refuses the former holder once someone else has taken the released name', () => {
    spec
      .given(reserved('acc-1'), released('acc-1'), reserved('acc-2', LATER))
      .when(reserve('acc-1', LATER))
      .thenThrows(ConflictError, 'name_taken');
  });
});

describe('ReleaseName', () => {
  it('the holder releases', () => {
    spec
      .given(reserved('acc-1'))
      .when(release('acc-1'))
      .then({ type: 'NameReleased', data: { name: NAME, holderId: 'acc-1', releasedAt: RELEASED_AT } });
  });

  it('refuses anyone else with name_held_by_another', () => {
    spec
      .given(reserved('acc-1'))
      .when(release('acc-2'))
      .thenThrows(IllegalStateError, 'name_held_by_another', (error) => expect(error.message).toContain(NAME));
  });

  it('records nothing for a name nobody holds', () => {
    spec.given().when(release('acc-1')).thenNothing();
    spec.given(reserved('acc-1'), released('acc-1')).when(release('acc-1')).thenNothing();
    spec.given(reserved('acc-1'), released('acc-1')).when(release('acc-2')).thenNothing();
  });
});

describe('evolve', () => {
  it('folds to the current holder, or null', () => {
    expect(spec.given().state()).toEqual({ holderId: null });
    expect(spec.given(reserved('acc-1')).state()).toEqual({ holderId: 'acc-1' });
    expect(spec.given(reserved('acc-1'), released('acc-1')).state()).toEqual({ holderId: null });
    expect(spec.given(reserved('acc-1'), released('acc-1'), reserved('acc-2', LATER)).state()).toEqual({ holderId: 'acc-2' });
  });
});
