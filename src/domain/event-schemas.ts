import { accountUpcasters } from './account/account-upcasters.ts';
import { eventSchemas } from './shared/event-schema.ts';

/**
 * Every event type whose data changed shape, and how its older versions are read. A new
 * shape gets a step here (and the type's readers then rely on it); nothing rewrites the log.
 */
export const EVENT_SCHEMAS = eventSchemas([...accountUpcasters]);
