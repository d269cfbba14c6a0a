import type cytoscape from 'cytoscape';
import { isMissingEndpoint, type Hop, type LabApi, type LabStateView, type TraceResult } from './api';
import { $, escapeHtml, html } from './dom';
import { hopSummaryInRussian, toRussian } from './hop-phrasebook';
import { currentLanguage, t, translate, type MessageKey } from './i18n';
import type { LiveFeed } from './live';
import { hopElementId } from './topology-model';
import { TracePlayer } from './trace-player';
import type { TopologyView } from './topology-view';

/** Start a trace, animate its hops on the topology, and list them with their layers like a PDU view. */
export class TracePanel {
  readonly element: HTMLElement;
  private readonly player = new TracePlayer(() => this.show());
  private traceId: string | undefined;
  private result: TraceResult | undefined;
  /** The newest trace that came while ours was playing: shown when ours has played. */
  private waiting: string | undefined;
  /** Every trace seen in this lab since the page opened, for follow-me. */
  private readonly received = new Map<string, { hops: Hop[]; result?: TraceResult }>();

  constructor(
    private readonly api: LabApi,
    private readonly live: LiveFeed,
    private readonly topology: TopologyView,
    private readonly state: () => LabStateView,
    private readonly viewAt: () => number | undefined,
  ) {
    this.element = html(`
      <section class="trace">
        <form id="trace-form" class="row">
          <label><span data-i18n="from"></span> <select name="from" id="trace-from"></select></label>
          <label><span data-i18n="to"></span> <input name="to" id="trace-to" list="trace-targets" size="18" /></label>
          <datalist id="trace-targets"></datalist>
          <label><span data-i18n="port"></span> <input name="port" type="number" value="80" min="1" max="65535" style="width:5em" /></label>
          <label><span data-i18n="protocol"></span> <select name="protocol"><option>TCP</option><option>UDP</option><option>SCTP</option><option>ICMP</option></select></label>
          <button type="submit" id="trace-run" data-i18n="run"></button>
        </form>
        <div class="row controls">
          <button type="button" id="step-back" data-i18n="stepBack"></button>
          <button type="button" id="play-pause"></button>
          <button type="button" id="step-forward" data-i18n="stepForward"></button>
          <label><span data-i18n="speed"></span> <select id="speed"><option>0.5</option><option selected>1</option><option>2</option><option>4</option></select></label>
          <select id="trace-history" aria-label="traces"></select>
          <button type="button" id="follow-me" data-i18n="followMe"></button>
        </div>
        <p id="follow-note" class="notice" hidden></p>
        <p id="trace-verdict" class="verdict"></p>
        <ol id="hops" class="hops"></ol>
      </section>`);
    translate(this.element);
    $(this.element, '#trace-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.start(new FormData(event.target as HTMLFormElement));
    });
    $(this.element, '#step-back').addEventListener('click', () => this.player.step(-1));
    $(this.element, '#step-forward').addEventListener('click', () => this.player.step(1));
    $(this.element, '#play-pause').addEventListener('click', () => this.player.toggle());
    $(this.element, '#follow-me').addEventListener('click', () => void this.lead());
    $(this.element, '#hops').addEventListener('click', (event) => {
      const item = (event.target as HTMLElement).closest<HTMLElement>('li.hop');
      if (item) this.player.seek([...item.parentElement!.children].indexOf(item));
    });
    $<HTMLSelectElement>(this.element, '#trace-history').addEventListener('change', (event) => this.replay((event.target as HTMLSelectElement).value));
    $<HTMLSelectElement>(this.element, '#speed').addEventListener('change', (event) => {
      this.player.speed = Number((event.target as HTMLSelectElement).value);
    });
    this.show();
    this.schedule();
  }

  /** Refreshes the pickers from the lab's pods, nodes and services. */
  update(state: LabStateView): void {
    const from = $<HTMLSelectElement>(this.element, '#trace-from');
    const selected = from.value;
    // The user's pods first: the system namespaces' pods are rarely a trace's end.
    const system = (namespace: string) => namespace.startsWith('kube-');
    const pods = state.pods
      .map((pod) => `${pod.namespace}/${pod.name}`)
      .sort((a, b) => Number(system(a)) - Number(system(b)) || a.localeCompare(b));
    from.innerHTML = [...pods.map((pod) => `<option value="${escapeHtml(pod)}">${escapeHtml(pod)}</option>`), ...state.nodes.map((node) => `<option value="node:${escapeHtml(node.name)}">node ${escapeHtml(node.name)}</option>`)].join('');
    if (selected) from.value = selected;
    const targets = [...pods, ...state.services.map((service) => `${service.name}.${service.namespace}`), ...state.pods.map((pod) => pod.ip).filter(Boolean)];
    $(this.element, '#trace-targets').innerHTML = targets.map((target) => `<option value="${escapeHtml(target)}"></option>`).join('');
  }

  /** A hop pushed by the server: of the trace shown, or the first of a new trace (anyone's) once ours has played. */
  hop(traceId: string, hop: Hop): void {
    const seen = this.received.has(traceId);
    this.remember(traceId).hops.push(hop);
    if (traceId === this.traceId) return this.player.add(hop);
    if (seen) return;
    if (!this.idle()) {
      this.waiting = traceId;
      return;
    }
    this.begin(traceId);
    this.player.add(hop);
  }

  /** A trace's final result: completes the trace shown, or shows a new one once ours has played. */
  trace(result: TraceResult): void {
    const seen = this.received.has(result.id);
    this.remember(result.id).result = result;
    if (result.id !== this.traceId) {
      if (seen) return;
      if (!this.idle()) {
        this.waiting = result.id;
        return;
      }
      this.begin(result.id);
    }
    this.result = result;
    this.player.finish(result.hops);
  }

  /** Nothing shown, or the trace shown has its result and has played to its last hop. */
  private idle(): boolean {
    return !this.traceId || (this.result !== undefined && this.player.position >= this.player.hops.length - 1);
  }

  /** The instructor's follow-me: show that trace from its first hop. */
  follow(traceId: string, by: string | undefined): void {
    const note = $(this.element, '#follow-note');
    note.hidden = false;
    note.textContent = `${t('following')} ${by ?? ''}`.trim();
    this.replay(traceId);
  }

  /** Shows a trace seen earlier from its first hop. */
  private replay(traceId: string): void {
    const known = this.received.get(traceId);
    this.begin(traceId);
    for (const hop of known?.hops ?? []) this.player.add(hop);
    if (known?.result) this.trace(known.result);
  }

  private async lead(): Promise<void> {
    if (!this.traceId || this.traceId === 'pending') return;
    const ack = await this.live.request<{ ok: boolean; error?: { detail?: string; title?: string } }>('follow', { traceId: this.traceId });
    const note = $(this.element, '#follow-note');
    note.hidden = false;
    note.textContent = !ack ? t('offline') : ack.ok ? t('leading') : (ack.error?.detail ?? ack.error?.title ?? t('error'));
  }

  private remember(traceId: string): { hops: Hop[]; result?: TraceResult } {
    const known = this.received.get(traceId) ?? { hops: [] };
    this.received.set(traceId, known);
    return known;
  }

  private showHistory(): void {
    const history = $<HTMLSelectElement>(this.element, '#trace-history');
    const markup = [...this.received]
      .map(([id, { hops, result }], position) => {
        const first = hops[0] ?? result?.hops?.[0];
        const label = `#${position + 1} ${first ? `${first.netns}` : ''} ${result?.verdict ? verdictWord(result.verdict) : '…'}`;
        return `<option value="${escapeHtml(id)}">${escapeHtml(label)}</option>`;
      })
      .join('');
    // Rebuilt only when it changed, so an open drop-down stays open while a trace plays.
    if (history.dataset.markup !== markup) {
      history.innerHTML = markup;
      history.dataset.markup = markup;
    }
    if (this.traceId && this.received.has(this.traceId)) history.value = this.traceId;
  }

  private begin(traceId: string): void {
    if (this.waiting === traceId) this.waiting = undefined;
    this.traceId = traceId;
    this.result = undefined;
    this.player.reset();
  }

  private async start(form: FormData): Promise<void> {
    const fromValue = String(form.get('from') ?? '');
    const protocol = String(form.get('protocol'));
    const body = {
      from: fromValue.startsWith('node:') ? { node: fromValue.slice(5) } : fromValue,
      to: String(form.get('to') ?? '').trim(),
      protocol,
      ...(protocol === 'ICMP' ? {} : { port: Number(form.get('port')) }),
      ...(this.viewAt() === undefined ? {} : { at: this.viewAt() }),
      stream: this.live.connected,
    };
    const verdict = $(this.element, '#trace-verdict');
    this.begin('pending');
    try {
      const result = await this.api.trace(body);
      if (this.traceId !== 'pending') return;
      // Streamed hops may have come before this answer: they were kept, show them with the result.
      this.traceId = result.id;
      for (const hop of this.received.get(result.id)?.hops ?? []) this.player.add(hop);
      if (result.hops || result.verdict) this.trace(result);
    } catch (error) {
      this.traceId = undefined;
      verdict.className = 'verdict error';
      verdict.textContent = isMissingEndpoint(error) ? `${t('trace')}: ${t('notAvailable')}` : error instanceof Error ? error.message : String(error);
    }
  }

  private schedule(): void {
    setTimeout(() => {
      this.player.tick();
      this.schedule();
    }, this.player.interval);
  }

  private show(): void {
    $(this.element, '#play-pause').textContent = t(this.player.playing ? 'pause' : 'play');
    this.showHistory();
    const list = $(this.element, '#hops');
    if (!this.player.hops.length) {
      list.innerHTML = `<li class="empty">${t('noHops')}</li>`;
    } else {
      list.innerHTML = this.player.hops.map((hop, position) => hopItem(hop, position === this.player.position, position > this.player.position)).join('');
    }
    list.querySelector('.current')?.scrollIntoView({ block: 'nearest' });
    const verdict = $(this.element, '#trace-verdict');
    const done = this.result && this.player.position >= this.player.hops.length - 1;
    verdict.className = `verdict ${done ? this.result?.verdict ?? '' : ''}`;
    verdict.textContent = done ? `${t('verdict')}: ${verdictWord(this.result?.verdict)}${this.result?.reason ? ` — ${inLanguage('reason', this.result.reason)}` : ''}` : '';
    if (done && this.result?.explanation) verdict.title = inLanguage('explanation', this.result.explanation);
    this.highlight(Boolean(done) && this.result?.verdict !== 'delivered');
    if (this.waiting && this.idle()) {
      const next = this.waiting;
      // After this tick's redraw, so the verdict of the trace that just ended is seen.
      setTimeout(() => this.waiting === next && this.idle() && this.replay(next), this.player.interval * 2);
    }
  }

  private highlight(stopped: boolean): void {
    const cy = this.topology.cy;
    cy.elements().removeClass('hop-current hop-visited hop-dropped');
    cy.remove('.packet');
    const state = this.state();
    const shown = this.player.hops.slice(0, this.player.position + 1).map((hop) => hopElementId(hop, state));
    // At scale the groups the packet passes through open up; what stays hidden is shown by its group.
    this.topology.reveal(shown);
    const visited = shown.map((id) => cy.getElementById(this.topology.visible(id)));
    visited.forEach((element) => element.addClass('hop-visited'));
    const current = visited.at(-1);
    if (!current || current.empty()) return;
    current.addClass(stopped ? 'hop-dropped' : 'hop-current');
    this.movePacket(cy, visited.at(-2), current);
  }

  private movePacket(cy: cytoscape.Core, from: cytoscape.CollectionReturnValue | undefined, to: cytoscape.CollectionReturnValue): void {
    const start = from && from.nonempty() ? from.position() : to.position();
    const packet = cy.add({ group: 'nodes', data: { id: 'packet', kind: 'packet' }, position: { ...start }, classes: 'packet' });
    packet.animate({ position: to.position() }, { duration: Math.min(400, this.player.interval * 0.8) });
  }
}

/** The tracer explains in English; in Russian the phrasebook rewrites what it can read (the rest stays English). */
function inLanguage(kind: 'reason' | 'explanation', text: string): string {
  return (currentLanguage() === 'ru' && toRussian(kind, text)) || text;
}

const VERDICTS: readonly string[] = ['delivered', 'refused', 'dropped', 'unreachable'] satisfies MessageKey[];

function verdictWord(verdict: string | undefined): string {
  return verdict && VERDICTS.includes(verdict) ? t(verdict as MessageKey) : (verdict ?? '');
}

/** The hop list is redrawn on every animation tick: each sentence is read once. */
const russianSummaries = new Map<string, string | undefined>();

function russianSummary(summary: string): string | undefined {
  if (!russianSummaries.has(summary)) {
    if (russianSummaries.size > 5000) russianSummaries.clear();
    russianSummaries.set(summary, hopSummaryInRussian(summary));
  }
  return russianSummaries.get(summary);
}

function hopItem(hop: Hop, current: boolean, ahead: boolean): string {
  const russian = currentLanguage() === 'ru' ? russianSummary(hop.summary) : undefined;
  const layers = Object.entries(hop.packet ?? {})
    .map(([layer, fields]) => `<tr><th>${escapeHtml(layer.toUpperCase())}</th><td>${escapeHtml(describeFields(fields))}</td></tr>`)
    .join('');
  return `<li class="hop ${current ? 'current' : ''} ${ahead ? 'ahead' : ''}" data-index="${hop.index}">
    <div><b>${hop.index}</b> <span class="tag">${escapeHtml(hop.layer)}</span> <span class="tag">${escapeHtml(hop.action)}</span>
    ${escapeHtml(hop.node)} · ${escapeHtml(hop.netns)} · ${escapeHtml(hop.device)}</div>
    <div class="summary"${russian ? ` lang="ru" title="${escapeHtml(hop.summary)}"` : ''}>${escapeHtml(russian ?? hop.summary)}</div>
    ${hop.rule ? `<div class="rule">${escapeHtml(hop.rule)}</div>` : ''}
    ${current && layers ? `<table class="pdu">${layers}</table>` : ''}
  </li>`;
}

function describeFields(fields: unknown): string {
  if (fields === null || typeof fields !== 'object') return String(fields);
  return Object.entries(fields as Record<string, unknown>)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join('  ');
}
