import type { LabApi, TimelineEntry } from './api';
import { $, escapeHtml, html } from './dom';
import { t, translate } from './i18n';
import { axisTicks, eventAt, fitWindow, MARK_GAP, placeMarks, shift, timeAt, xOf, zoom, type Mark, type TimeWindow } from './timeline-scale';

const REPLAY_STEP_MS = 1000;
/** GET /timeline's page size. */
const TIMELINE_PAGE = 1000;

/**
 * The lab's events along simulated time: an axis with labelled ticks where each event sits at its time (zoom with the
 * wheel or the buttons, shift+wheel pans), a cursor dragged along it to view the lab as of an event, a slider stepping
 * event by event; fork from there or go back to live.
 */
export class TimelinePanel {
  readonly element: HTMLElement;
  private entries: TimelineEntry[] = [];
  private replaying: ReturnType<typeof setInterval> | undefined;
  private last = 0;
  /** The latest simulated time seen (the live end of the axis). */
  private end = 0;
  /** The window the user zoomed to; undefined while the axis fits the whole history. */
  private window: TimeWindow | undefined;
  private marks: Mark[] = [];
  /** The gap placeMarks left between neighbouring marks (MARK_GAP, less in a burst). */
  private gap = MARK_GAP;
  private axisFrame: number | undefined;
  private readonly derivedSeen = new Set<string>();

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
            <button type="button" data-clock="advance" data-i18n="advance"></button>
            <select id="clock-speed" data-clock="speed" aria-label="clock speed">${[0.5, 1, 2, 5, 10].map((speed) => `<option value="${speed}"${speed === 1 ? ' selected' : ''}>×${speed}</option>`).join('')}</select></span>
          <span id="clock-error" class="error"></span>
        </div>
        <div class="row axis-row">
          <div id="axis" class="axis" title="">
            <div class="axis-ticks"></div><div class="axis-marks"></div><div class="axis-cursor"></div>
          </div>
          <button type="button" id="zoom-in" title="zoom in">+</button>
          <button type="button" id="zoom-out" title="zoom out">−</button>
          <button type="button" id="zoom-fit" data-i18n="zoomFit"></button>
        </div>
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
    this.bindAxis($(this.element, '#axis'));
    $(this.element, '#fork-here').addEventListener('click', () => this.onFork(this.cursorSeq() ?? this.last));
    for (const button of this.element.querySelectorAll<HTMLButtonElement>('button[data-clock]')) {
      button.addEventListener('click', () => void this.clock(button.dataset.clock as 'pause' | 'resume' | 'advance'));
    }
    $(this.element, '#clock-speed').addEventListener('change', () => void this.clock('resume'));
    this.select(undefined);
  }

  /** Instructors and students steer the simulated clock (resume runs it at the chosen speed); observers get the API's 403 shown. */
  private async clock(action: 'pause' | 'resume' | 'advance'): Promise<void> {
    const speed = Number($<HTMLSelectElement>(this.element, '#clock-speed').value);
    const body = action === 'advance' ? { advance: '30s' } : { speed: action === 'pause' ? 0 : speed };
    const error = $(this.element, '#clock-error');
    try {
      await this.api.clock(body);
      error.textContent = '';
    } catch (failure) {
      error.textContent = failure instanceof Error ? failure.message : String(failure);
    }
  }

  /** Scrubbing: a press or a drag on the axis moves the cursor to the event at the pointer (right of the last: live). */
  private bindAxis(axis: HTMLElement): void {
    const scrub = (event: PointerEvent) => {
      const x = event.clientX - axis.getBoundingClientRect().left;
      const lastMark = this.marks.filter((mark) => mark.lane === 0).at(-1);
      this.stopReplay();
      if (lastMark && x > lastMark.x + MARK_GAP && lastMark.entry.seq === this.last) return this.select(undefined);
      const seq = eventAt(this.marks, x, this.gap) ?? this.marks.find((mark) => mark.lane === 0)?.entry.seq;
      if (seq === undefined) return;
      $<HTMLInputElement>(this.element, '#cursor').value = String(seq);
      this.select(seq);
    };
    axis.addEventListener('pointerdown', (event) => {
      axis.setPointerCapture(event.pointerId);
      scrub(event);
    });
    axis.addEventListener('pointermove', (event) => axis.hasPointerCapture(event.pointerId) && scrub(event));
    axis.addEventListener('wheel', (event) => {
      event.preventDefault();
      const current = this.shown();
      if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        this.window = shift(current, ((event.shiftKey ? event.deltaY : event.deltaX) / axis.clientWidth) * (current.to - current.from), this.axisEnd());
      } else {
        const anchor = timeAt(event.clientX - axis.getBoundingClientRect().left, current, axis.clientWidth);
        this.window = zoom(current, event.deltaY > 0 ? 1.25 : 0.8, anchor, this.axisEnd());
      }
      this.renderAxis();
    });
    const zoomBy = (factor: number) => {
      const current = this.shown();
      const at = this.entries.find((entry) => entry.seq === this.cursorSeq())?.time ?? (current.from + current.to) / 2;
      this.window = zoom(current, factor, Math.min(Math.max(at, current.from), current.to), this.axisEnd());
      this.renderAxis();
    };
    $(this.element, '#zoom-in').addEventListener('click', () => zoomBy(0.5));
    $(this.element, '#zoom-out').addEventListener('click', () => zoomBy(2));
    $(this.element, '#zoom-fit').addEventListener('click', () => {
      this.window = undefined;
      this.renderAxis();
    });
    new ResizeObserver(() => this.renderAxis()).observe(axis);
  }

  /** The lab's simulated time (from its state): the axis runs to it. */
  now(time: number): void {
    if (time <= this.end) return;
    this.end = time;
    this.renderAxis();
  }

  private axisEnd(): number {
    return Math.max(this.end, this.entries.at(-1)?.time ?? 0);
  }

  private shown(): TimeWindow {
    return this.window ?? fitWindow(this.axisEnd());
  }

  /** Reads what came after the last event known, page by page (the endpoint answers up to 1,000 events at a time). */
  async refresh(): Promise<void> {
    for (;;) {
      const fresh = await this.api.timeline(this.last);
      for (const entry of fresh) this.remember(entry);
      const events = fresh.filter((entry) => entry.kind === 'event' && entry.seq !== undefined);
      this.last = events.at(-1)?.seq ?? this.last;
      if (events.length < TIMELINE_PAGE) break;
    }
    const cursor = $<HTMLInputElement>(this.element, '#cursor');
    const live = this.cursorSeq() === undefined;
    cursor.max = String(Math.max(1, this.last));
    if (live) cursor.value = cursor.max;
    this.renderAxis();
    this.label();
  }

  /** A derived occurrence pushed live (kube-proxy sync, endpoints update); a burst of them (every node syncing) is drawn once. */
  addDerived(occurrence: TimelineEntry): void {
    if (!this.remember(occurrence)) return;
    if (this.axisFrame !== undefined) return;
    this.axisFrame = requestAnimationFrame(() => {
      this.axisFrame = undefined;
      this.renderAxis();
    });
  }

  /**
   * Keeps an entry unless it is known: a derived occurrence pushed live comes again with the next page of
   * GET /timeline (which runs from the last known event's time). Whether it was new.
   */
  private remember(entry: TimelineEntry): boolean {
    if (entry.kind === 'derived') {
      // Every field (a sync's node, an endpoints update's Service...), in one order whichever way the entry came.
      const fields = entry as unknown as Record<string, unknown>;
      const key = Object.keys(fields).sort().map((name) => `${name}=${JSON.stringify(fields[name])}`).join('|');
      if (this.derivedSeen.has(key)) return false;
      this.derivedSeen.add(key);
    }
    this.entries.push(entry);
    return true;
  }

  /** Ticks, marks and the cursor for the window shown; entries arrive in time order, so marks stay in time order. */
  private renderAxis(): void {
    const axis = $(this.element, '#axis');
    const width = axis.clientWidth;
    if (!width) return;
    const window = this.shown();
    $(axis, '.axis-ticks').innerHTML = axisTicks(window, width)
      .map((tick) => `<span class="axis-tick" style="left:${tick.x.toFixed(1)}px">${tick.label}</span>`)
      .join('');
    ({ marks: this.marks, gap: this.gap } = placeMarks(this.entries, window, width));
    $(axis, '.axis-marks').innerHTML = this.marks
      .map(({ entry, x, lane }) => {
        const title = `${entry.seq ? `#${entry.seq} ` : ''}${entry.type}${entry.node ? ` ${entry.node}` : ''} @${(entry.time / 1000).toFixed(1)}s`;
        return `<span class="mark ${entry.kind} lane-${lane}" data-seq="${entry.seq ?? ''}" data-type="${escapeHtml(entry.type)}" data-time="${entry.time}" style="left:${(x - 2.5).toFixed(1)}px" title="${escapeHtml(title)}"></span>`;
      })
      .join('');
    this.placeCursor();
  }

  /** The cursor line: on the selected event's mark, or at the live end. */
  private placeCursor(): void {
    const axis = $(this.element, '#axis');
    const line = $(axis, '.axis-cursor');
    const at = this.cursorSeq();
    const x = at === undefined ? xOf(this.axisEnd(), this.shown(), axis.clientWidth) : this.marks.find((mark) => mark.entry.seq === at)?.x;
    line.hidden = x === undefined || x < 0 || x > axis.clientWidth;
    if (x !== undefined) line.style.left = `${x.toFixed(1)}px`;
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
    this.placeCursor();
    this.onCursor(past);
  }

  private label(): void {
    const at = this.cursorSeq();
    const entry = this.entries.find((candidate) => candidate.seq === at);
    $(this.element, '#cursor-label').textContent =
      at === undefined ? `${t('live')} (#${this.last})` : `${t('asOf')} #${at}${entry ? ` ${entry.type} @${(entry.time / 1000).toFixed(1)}s` : ''}`;
    this.element.classList.toggle('past', at !== undefined);
    for (const control of this.element.querySelectorAll<HTMLButtonElement | HTMLSelectElement>('[data-clock]')) control.disabled = at !== undefined;
  }
}
