import type { Hop } from './api';

/**
 * Where the animation stands in a trace: hops arrive one by one (streamed) or all at once; play advances one hop per
 * tick at the chosen speed, and a player that has caught up follows newly arrived hops.
 */
export class TracePlayer {
  hops: Hop[] = [];
  /** Index of the hop shown; -1 before the first. */
  position = -1;
  playing = true;
  speed = 1;
  finished = false;

  constructor(private readonly onChange: (player: TracePlayer) => void) {}

  reset(): void {
    this.hops = [];
    this.position = -1;
    this.finished = false;
    this.playing = true;
    this.onChange(this);
  }

  add(hop: Hop): void {
    if (this.hops.some((known) => known.index === hop.index)) return;
    this.hops.push(hop);
    this.hops.sort((a, b) => a.index - b.index);
    this.onChange(this);
  }

  finish(hops: Hop[] | undefined): void {
    for (const hop of hops ?? []) this.add(hop);
    this.finished = true;
    this.onChange(this);
  }

  /** One animation tick: moves forward when playing and a next hop is there. */
  tick(): void {
    if (this.playing && this.position < this.hops.length - 1) this.step(1);
  }

  step(delta: 1 | -1): void {
    const next = Math.min(this.hops.length - 1, Math.max(-1, this.position + delta));
    if (next === this.position) return;
    this.position = next;
    this.onChange(this);
  }

  /** Shows one hop and pauses there (a click in the hop list). */
  seek(position: number): void {
    this.playing = false;
    this.position = Math.min(this.hops.length - 1, Math.max(-1, position));
    this.onChange(this);
  }

  toggle(): void {
    this.playing = !this.playing;
    this.onChange(this);
  }

  get current(): Hop | undefined {
    return this.hops[this.position];
  }

  /** Milliseconds between two hops at the current speed. */
  get interval(): number {
    return Math.round(500 / this.speed);
  }
}
