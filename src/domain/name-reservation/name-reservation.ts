import { assertNever, type Decider, type DomainEvent } from '../decider.ts';
import { ConflictError, IllegalStateError } from '../errors.ts';

/**
 * A name that must be unique platform-wide (a bucket name, as in S3) is claimed by creating
 * its own stream, `<category>-<name>`: of two concurrent claims the event store lets exactly
 * one through. A released name can be claimed again.
 */
export type ReserveName = { type: 'ReserveName'; data: { name: string; holderId: string; reservedAt: string } };
export type ReleaseName = { type: 'ReleaseName'; data: { name: string; holderId: string; releasedAt: string } };
export type NameReservationCommand = ReserveName | ReleaseName;

export type NameReserved = DomainEvent<'NameReserved', ReserveName['data']>;
export type NameReleased = DomainEvent<'NameReleased', ReleaseName['data']>;
export type NameReservationEvent = NameReserved | NameReleased;

export type NameReservationState = { holderId: string | null };

export const nameReservationDecider: Decider<NameReservationCommand, NameReservationEvent, NameReservationState> = {
  initialState: () => ({ holderId: null }),
  decide(command, state) {
    switch (command.type) {
      case 'ReserveName':
        if (state.holderId === command.data.holderId) return [];
        if (state.holderId !== null) throw new ConflictError('name_taken', `the name "${command.data.name}" is already taken`);
        return [{ type: 'NameReserved', data: command.data }];
      case 'ReleaseName':
        if (state.holderId === null) return [];
        if (state.holderId !== command.data.holderId) {
          throw new IllegalStateError('name_held_by_another', `the name "${command.data.name}" is held by someone else`);
        }
        return [{ type: 'NameReleased', data: command.data }];
      default:
        return assertNever(command);
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'NameReserved':
        return { holderId: event.data.holderId };
      case 'NameReleased':
        return { holderId: null };
      default:
        return assertNever(event);
    }
  },
};
