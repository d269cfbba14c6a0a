import type { LabApi, TimelineEntry } from './api';
import { $, escapeHtml, html } from './dom';
import { t, translate } from './i18n';

const REPLAY_STEP_MS = 1000;

/** The lab's events along simulated time, a cursor to view the lab as of one of them, fork from there or go back to live. */
export class TimelinePanel {
  readonly element: HTMLElement;
  private entries: TimelineEntry[] = [];
  private replaying: ReturnType<typeof setInterval> | undefined;
  private last = 0;

  constructor(
    private readonly api: LabApi,
    private readonly onCursor: (at: number | undefined) => void,
    private readonly onFork: (at: number) => void,
  ) {
    this.element = html(`
      <section class="timeline">
        <div class="row">
          <strong data-i18n="timeline"></strong>
          <input type="range" id="cursor" min="1" max="1" value="1" step="1" />
          <span id="cursor-label"></span>
          <button type="button" id="replay" data-i18n="replay"></button>
          <button type="button" id="back-to-live" data-i18n="backToLive"></button>
          <button type="button" id="fork-here" data-i18n="forkHere"></button>
          <span class="clock"><span data-i18n="clock"></span>:
            <button type="button" data-clock="pause" data-i18n="pauseClock"></button>
            <button type="button" data-clock="resume" data-i18n="resumeClock"></button>
            <button type="button" data-clock="advance" data-i18n="advance"></button></span>
          <span id="clock-error" class="error"></span>
        </div>
        <div id="ticks" class="ticks"></div>
      </section>`);
    translate(this.element);
    const cursor = $<HTMLInputElement>(this.element, '#cursor');
    cursor.addEventListener('input', () => {
      this.stopReplay();
      this.select(Number(cursor.value));
    });
    $(this.element, '#back-to-live').addEventListener('click', () => {
      this.stopReplay();
      this.select(undefined);
    });
    $(this.element, '#replay').addEventListener('click', () => this.replay());
    $(this.element, '#ticks').addEventListener('click', (event) => {
      const seq = Number((event.target as HTMLElement).closest<HTMLElement>('.tick')?.dataset.seq);
      if (!seq) return;
      cursor.value = String(seq);
      this.select(seq);
    });
    $(this.element, '#fork-here').addEventListener('click', () => this.onFork(this.cursorSeq() ?? this.last));
    for (const button of this.element.querySelectorAll<HTMLButtonElement>('[data-clock]')) {
      button.addEventListener('click', () => void this.clock(button.dataset.clock as 'pause' | 'resume' | 'advance'));
    }
    this.select(undefined);
  }

  /** Instructors and students steer the simulated clock; observers get the API's 403 shown. */
  private async clock(action: 'pause' | 'resume' | 'advance'): Promise<void> {
    const body = action === 'advance' ? { advance: '30s' } : { speed: action === 'pause' ? 0 : 1 };
    const error = $(this.element, '#clock-error');
    try {
      await this.api.clock(body);
      error.textContent = '';
    } catch (failure) {
      error.textContent = failure instanceof Error ? failure.message : String(failure);
    }
  }

  async refresh(): Promise<void> {
    const fresh = await this.api.timeline(this.last);
    this.entries.push(...fresh);
    const events = this.entries.filter((entry) => entry.kind === 'event' && entry.seq !== undefined);
    this.last = events.at(-1)?.seq ?? this.last;
    const cursor = $<HTMLInputElement>(this.element, '#cursor');
    const live = this.cursorSeq() === undefined;
    cursor.max = String(Math.max(1, this.last));
    if (live) cursor.value = cursor.max;
    this.renderTicks();
    this.label();
  }

  /** A derived occurrence pushed live; the timeline endpoint lists events only. */
  addDerived(occurrence: TimelineEntry): void {
    this.entries.push(occurrence);
    this.renderTicks();
  }

  private renderTicks(): void {
    $(this.element, '#ticks').innerHTML = this.entries
      .slice(-200)
      .map((entry) => {
        const title = `${entry.seq ? `#${entry.seq} ` : ''}${entry.type}${entry.node ? ` ${entry.node}` : ''} @${(entry.time / 1000).toFixed(1)}s`;
        return `<span class="tick ${entry.kind}" data-seq="${entry.seq ?? ''}" title="${escapeHtml(title)}">${escapeHtml(entry.type)}</span>`;
      })
      .join('');
    const ticks = $(this.element, '#ticks');
    ticks.scrollLeft = ticks.scrollWidth;
  }

  /** Walks the cursor forward one event a second from where it stands (or from the first event) until live. */
  private replay(): void {
    if (this.replaying) return this.stopReplay();
    const cursor = $<HTMLInputElement>(this.element, '#cursor');
    let at = this.cursorSeq() ?? 0;
    this.replaying = setInterval(() => {
      at += 1;
      if (at >= this.last) this.stopReplay();
      cursor.value = String(at);
      this.select(at);
    }, REPLAY_STEP_MS);
  }

  private stopReplay(): void {
    clearInterval(this.replaying);
    this.replaying = undefined;
  }

  /** The seq the cursor stands on, or undefined when live. */
  cursorSeq(): number | undefined {
    const value = this.element.dataset.at;
    return value ? Number(value) : undefined;
  }

  private select(at: number | undefined): void {
    const past = at !== undefined && at < this.last ? at : undefined;
    if (past === undefined) delete this.element.dataset.at;
    else this.element.dataset.at = String(past);
    if (past === undefined) $<HTMLInputElement>(this.element, '#cursor').value = String(Math.max(1, this.last));
    this.label();
    this.onCursor(past);
  }

  private label(): void {
    const at = this.cursorSeq();
    const entry = this.entries.find((candidate) => candidate.seq === at);
    $(this.element, '#cursor-label').textContent =
      at === undefined ? `${t('live')} (#${this.last})` : `${t('asOf')} #${at}${entry ? ` ${entry.type} @${(entry.time / 1000).toFixed(1)}s` : ''}`;
    this.element.classList.toggle('past', at !== undefined);
    for (const button of this.element.querySelectorAll<HTMLButtonElement>('[data-clock]')) button.disabled = at !== undefined;
  }
}
