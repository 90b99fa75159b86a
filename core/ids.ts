/** The one shape of an id we hand out (PostgreSQL's gen_random_uuid), as a pattern source for larger patterns. */
export const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const UUID = new RegExp(`^${UUID_SOURCE}$`, 'i');

/** True when `value` is an id of ours; anything else never reaches a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
