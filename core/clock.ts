/** Time as the domain sees it. Tests substitute a controllable clock; nothing in core calls Date.now(). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
