import type { Clock } from '../../core/clock';

/** A clock that moves only when told: tests step over TTLs instead of waiting for them. */
export class TestClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  /** Jumps to an instant (a test vector's "now"); time then runs on from there. */
  set(unixSeconds: number): void {
    this.offsetMs = unixSeconds * 1000 - Date.now();
  }
}
