import type { EventSchemas } from '../../domain/shared/event-schema.ts';
import type {
  AppendResult,
  Backlog,
  EventMetadata,
  EventStore,
  EventToAppend,
  EventTypeFilter,
  ExpectedRevision,
  LogHorizon,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
} from '../../ports/event-store.ts';

/**
 * Any store, with event shapes versioned: appends record the version each event is written
 * at (`metadata.schemaVersion`, only for types that ever changed; absent means 1), and every
 * read hands events over at the version the code knows, older ones upcast on the way. The log
 * itself is never rewritten: an audit reads exactly what was stored, through the same steps.
 *
 * Events of types that never changed pass untouched (the same objects): the hot readers, the
 * usage samples a rebuild or a billing run folds by the million, pay one Set lookup each.
 */
export class UpcastingEventStore implements EventStore {
  readonly kind: EventStore['kind'];
  readonly atomicAppendMany: boolean;
  readonly eventIdsUniqueAcrossStreams: boolean;

  constructor(
    private readonly store: EventStore,
    private readonly schemas: EventSchemas,
  ) {
    this.kind = store.kind;
    this.atomicAppendMany = store.atomicAppendMany;
    this.eventIdsUniqueAcrossStreams = store.eventIdsUniqueAcrossStreams;
  }

  append(streamName: string, events: readonly EventToAppend[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    return this.store.append(streamName, this.versioned(events, new Map()), options);
  }

  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    // one derived metadata per (command metadata, version) across the call: stores that send shared metadata once keep doing so
    const derived = new Map<EventMetadata, Map<number, EventMetadata>>();
    return this.store.appendMany(appends.map((append) => ({ ...append, events: this.versioned(append.events, derived) })));
  }

  async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.current(await this.store.readStream(streamName, options));
  }

  async readStreams(streamNames: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const byStream = await this.store.readStreams(streamNames);
    for (const [name, events] of byStream) byStream.set(name, this.current(events));
    return byStream;
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.current(await this.store.readAll(options));
  }

  async *subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent[]> {
    for await (const batch of this.store.subscribeToAll(options)) yield this.current(batch);
  }

  countAfter(fromPosition: Position | null, filter?: EventTypeFilter, atMost?: bigint): Promise<bigint> {
    return this.store.countAfter(fromPosition, filter, atMost);
  }

  backlogAfter(fromPosition: Position | null, filter?: EventTypeFilter): Promise<Backlog> {
    return this.store.backlogAfter(fromPosition, filter);
  }

  horizon(): Promise<LogHorizon> {
    return this.store.horizon();
  }

  ping(): Promise<void> {
    return this.store.ping();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private versioned(events: readonly EventToAppend[], derived: Map<EventMetadata, Map<number, EventMetadata>>): readonly EventToAppend[] {
    if (!events.some((e) => this.schemas.changed(e.type))) return events;
    return events.map((event) => {
      const version = this.schemas.versionOf(event.type);
      if (version === 1) return event;
      let byVersion = derived.get(event.metadata);
      if (!byVersion) derived.set(event.metadata, (byVersion = new Map()));
      let metadata = byVersion.get(version);
      if (!metadata) byVersion.set(version, (metadata = { ...event.metadata, schemaVersion: version }));
      return { ...event, metadata };
    });
  }

  private current(events: RecordedEvent[]): RecordedEvent[] {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!this.schemas.changed(event.type)) continue;
      const stored = event.metadata.schemaVersion ?? 1;
      if (stored < this.schemas.versionOf(event.type)) events[i] = { ...event, data: this.schemas.upcast(event.type, stored, event.data) };
    }
    return events;
  }
}
