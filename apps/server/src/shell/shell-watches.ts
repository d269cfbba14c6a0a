import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { filter } from 'rxjs';
import { watchUpdate, type KubectlWatch } from '@hoplab/simulator/shell';
import { LabRuntime } from '../runtime/lab-runtime.service';

/**
 * Shell lines still running: `kubectl get -w` over socket.io prints its list in the exec answer, then
 * a row per change the lab goes through, until the client interrupts it (Ctrl-C), runs another line
 * or leaves. One running line per client.
 */
@Injectable()
export class ShellWatches implements OnModuleDestroy {
  private readonly running = new Map<string, () => void>();

  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  /** Streams what `watch` prints for each later append to the lab, through `emit`, until stop(client). */
  start(client: string, labId: string, watch: KubectlWatch, emit: (stdout: string) => void): void {
    this.stop(client);
    let current = watch;
    let stopped = false;
    let pending = Promise.resolve();
    const stop = () => {
      stopped = true;
      subscription.unsubscribe();
      if (this.running.get(client) === stop) this.running.delete(client);
    };
    const subscription = this.runtime.appended.pipe(filter((appended) => appended.labId === labId)).subscribe({
      next: () => {
        pending = pending
          .then(async () => {
            if (stopped) return;
            const { stdout, watch: next } = await this.runtime.read(labId, (state, now) => watchUpdate(state, current, now));
            current = next;
            if (stdout && !stopped) emit(stdout);
          })
          .catch(stop);
      },
      complete: stop,
    });
    this.running.set(client, stop);
  }

  /** Ends the client's running line; false when none ran. */
  stop(client: string): boolean {
    const stop = this.running.get(client);
    stop?.();
    return stop !== undefined;
  }

  onModuleDestroy(): void {
    for (const stop of [...this.running.values()]) stop();
  }
}
