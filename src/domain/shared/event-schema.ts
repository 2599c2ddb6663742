import type { DomainEvent } from '../decider.ts';

/**
 * An event type's data changed shape: the step from one version of it to the next. Stored
 * events are never rewritten; a reader is handed them at the version its code knows, each
 * step applied in turn as they are read.
 */
export interface Upcaster {
  readonly type: string;
  /** the version this step reads; it returns version `fromVersion + 1` */
  readonly fromVersion: number;
  upcast(data: unknown): unknown;
}

/**
 * A step whose result must be the event's data as the code declares it today (E): an
 * upcaster that forgets a field does not compile. What it reads is what the older shape held;
 * it is typed by its author, since no type of the old shape is kept anywhere else.
 */
export function upcaster<E extends DomainEvent, Old>(type: E['type'], fromVersion: number, upcast: (data: Old) => E['data']): Upcaster {
  return { type, fromVersion, upcast: (data) => upcast(data as Old) };
}

export interface EventSchemas {
  /** the version new events of this type are written at (1 when it never changed) */
  versionOf(type: string): number;
  /** whether events of this type may need upcasting at all (the readers' fast path) */
  changed(type: string): boolean;
  /**
   * Data stored at `storedVersion`, brought to the current version. Data already at it (or
   * newer: written by a later release during a rolling deploy) is returned as it is.
   */
  upcast(type: string, storedVersion: number, data: unknown): unknown;
}

/**
 * The registry of every shape change. Each type's steps must run 1 → 2 → … without a gap or
 * a repeat: a registry that could skip a step is refused when the process starts, not when
 * an old event is met.
 */
export function eventSchemas(upcasters: readonly Upcaster[]): EventSchemas {
  const steps = new Map<string, Upcaster[]>();
  for (const step of upcasters) {
    if (!Number.isInteger(step.fromVersion) || step.fromVersion < 1) throw new Error(`upcaster of ${step.type}: fromVersion must be an integer ≥ 1, got ${step.fromVersion}`);
    const list = steps.get(step.type) ?? [];
    list.push(step);
    steps.set(step.type, list);
  }
  for (const [type, list] of steps) {
    list.sort((a, b) => a.fromVersion - b.fromVersion);
    list.forEach((step, index) => {
      if (step.fromVersion !== index + 1) throw new Error(`upcasters of ${type} must run from version 1 without gaps or repeats; found ${list.map((s) => s.fromVersion).join(', ')}`);
    });
  }
  return {
    versionOf: (type) => (steps.get(type)?.length ?? 0) + 1,
    changed: (type) => steps.has(type),
    upcast(type, storedVersion, data) {
      const list = steps.get(type);
      if (!list) return data;
      let upcasted = data;
      for (let version = storedVersion; version <= list.length; version++) upcasted = list[version - 1]!.upcast(upcasted);
      return upcasted;
    },
  };
}
