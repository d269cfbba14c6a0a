import type { Hop } from './api';
import { TracePlayer } from './trace-player';

const hop = (index: number): Hop => ({ index, node: 'minikube', netns: 'node', device: 'eth0', layer: 'L3', action: 'route', summary: `hop ${index}` });

describe('TracePlayer', () => {
  it('follows streamed hops in index order while playing, one per tick', () => {
    const player = new TracePlayer(() => undefined);
    player.add(hop(1));
    player.add(hop(0));
    player.add(hop(1));
    expect(player.hops.map((h) => h.index)).toEqual([0, 1]);
    player.tick();
    expect(player.current?.index).toBe(0);
    player.tick();
    player.tick();
    expect(player.current?.index).toBe(1);
    player.add(hop(2));
    player.tick();
    expect(player.current?.index).toBe(2);
  });

  it('stays put while paused, steps within bounds and reports each change', () => {
    const changes: number[] = [];
    const player = new TracePlayer((p) => changes.push(p.position));
    player.finish([hop(0), hop(1)]);
    player.toggle();
    player.tick();
    expect(player.position).toBe(-1);
    player.step(1);
    player.step(1);
    player.step(1);
    expect(player.position).toBe(1);
    player.step(-1);
    player.step(-1);
    player.step(-1);
    expect(player.position).toBe(-1);
    expect(player.finished).toBe(true);
    expect(changes.slice(-4)).toEqual([0, 1, 0, -1]);
  });

  it('seeks to a hop and pauses there', () => {
    const player = new TracePlayer(() => undefined);
    player.finish([hop(0), hop(1), hop(2)]);
    player.seek(1);
    expect(player.current?.index).toBe(1);
    expect(player.playing).toBe(false);
    player.tick();
    expect(player.position).toBe(1);
    player.seek(9);
    expect(player.position).toBe(2);
  });

  it('shortens the interval as the speed grows', () => {
    const player = new TracePlayer(() => undefined);
    player.speed = 2;
    expect(player.interval).toBe(250);
  });
});
