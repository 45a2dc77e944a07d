/**
 * Bounded restarts after server crashes: at most `maxRestarts` within `windowMs`. Beyond that
 * the crash is treated as deterministic (it would only repeat) and the user is asked to act.
 * Pure, unit-tested.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly maxRestarts = 4,
    private readonly windowMs = 3 * 60_000,
  ) {}

  /** Records a crash at `now`; true when a restart is still allowed. */
  onCrash(now: number): boolean {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.maxRestarts;
  }

  /** A manual restart by the user starts a fresh budget. */
  reset(): void {
    this.crashes = [];
  }

  get recentCrashes(): number {
    return this.crashes.length;
  }
}
