/** What a process runs on stop, in reverse order of starting. */
export type Closers = Array<() => Promise<unknown>>;
