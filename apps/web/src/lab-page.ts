import { ApplyPanel } from './apply-panel';
import { ClassroomPanel } from './classroom-panel';
import { labApi, type LabSession, type LabStateView } from './api';
import { $, escapeHtml, html } from './dom';
import { count, currentLanguage, setLanguage, t, translate } from './i18n';
import { LiveFeed, type Member } from './live';
import { labLink } from './start-page';
import { TablesPanel } from './tables-panel';
import type { LabTerminal } from './terminal';
import { TimelinePanel } from './timeline-panel';
import { SCALE } from './topology-model';
import { TopologyView } from './topology-view';
import { TracePanel } from './trace-panel';

/** One lab: topology in the middle, trace / terminal / tables on the side, the timeline below. */
export function renderLabPage(root: HTMLElement, session: LabSession): void {
  const page = html(`
    <div class="lab">
      <header class="row">
        <a href="/" class="brand">HopLab</a>
        <strong id="lab-name"></strong>
        <span id="live-status" class="status"></span>
        <span class="presence"><span data-i18n="presence"></span>: <span id="members"></span></span>
        <span class="spacer"></span>
        <button type="button" id="language"></button>
      </header>
      <p id="past-banner" class="banner" hidden data-i18n="viewing"></p>
      <p id="page-error" class="error" role="alert"></p>
      <div class="workspace">
        <section class="topology-pane">
          <div class="row"><strong data-i18n="topology"></strong>
            <input id="search" type="search" /><span id="node-count"></span>
            <span id="grouping" hidden><button type="button" id="expand-all" data-i18n="expandAll"></button>
            <button type="button" id="collapse-all" data-i18n="collapseAll"></button></span></div>
          <div id="topology"></div>
        </section>
        <aside class="side">
          <nav class="tabs">
            <button type="button" data-tab="trace" data-i18n="trace" class="active"></button>
            <button type="button" data-tab="terminal" data-i18n="terminal"></button>
            <button type="button" data-tab="apply" data-i18n="apply"></button>
            <button type="button" data-tab="tables" data-i18n="tables"></button>
            <button type="button" data-tab="classroom" data-i18n="classroom"></button>
          </nav>
          <div data-pane="trace"></div>
          <div data-pane="terminal" hidden>
            <label><span data-i18n="context"></span> <select id="exec-context"></select></label>
            <div id="terminal"></div>
          </div>
          <div data-pane="apply" hidden></div>
          <div data-pane="tables" hidden></div>
          <div data-pane="classroom" hidden></div>
        </aside>
      </div>
      <div id="timeline-slot"></div>
    </div>`);
  root.replaceChildren(page);
  translate(page);

  $<HTMLInputElement>(page, '#search').placeholder = t('searchPlaceholder');
  const api = labApi(session);
  const topology = new TopologyView($(page, '#topology'));
  let state: LabStateView | undefined;
  let viewAt: number | undefined;
  let refreshing = Promise.resolve();
  let queued = false;

  const showError = (error: unknown) => ($(page, '#page-error').textContent = error ? `${t('error')}: ${error instanceof Error ? error.message : String(error)}` : '');

  const live = new LiveFeed(session, api, {
    changed: () => void refresh(),
    presence: (members) => showPresence(members),
    hop: (traceId, hop) => tracePanel.hop(traceId, hop),
    trace: (result) => tracePanel.trace(result),
    derived: (occurrence) => timeline.addDerived(occurrence),
    follow: (traceId, by) => tracePanel.follow(traceId, by?.name),
    status: (connected) => {
      const status = $(page, '#live-status');
      status.textContent = connected ? `● ${t('live')}` : `○ ${t('offline')}`;
      status.className = `status ${connected ? 'online' : 'offline'}`;
      // Events appended while the socket was down are not replayed to us: read the lab again.
      if (connected && state) void refresh();
    },
  });
  const tracePanel = new TracePanel(api, live, topology, () => state as LabStateView, () => viewAt);
  const tablesPanel = new TablesPanel(api, () => viewAt);
  const timeline = new TimelinePanel(
    api,
    (at) => {
      viewAt = at;
      $(page, '#past-banner').hidden = at === undefined;
      page.classList.toggle('past', at !== undefined);
      void refresh();
    },
    (at) => void fork(at),
  );
  $(page, '[data-pane="trace"]').append(tracePanel.element);
  $(page, '[data-pane="tables"]').append(tablesPanel.element);
  $(page, '[data-pane="apply"]').append(new ApplyPanel(api, () => void refresh()).element);
  const classroom = new ClassroomPanel(api);
  $(page, '[data-pane="classroom"]').append(classroom.element);
  $(page, '#timeline-slot').append(timeline.element);
  const context = $<HTMLSelectElement>(page, '#exec-context');
  let terminal: LabTerminal | undefined;

  function showPresence(members: Member[]): void {
    $(page, '#members').innerHTML = members.map((member) => `<span class="member" title="${escapeHtml(member.role)}">${escapeHtml(member.name)} (${escapeHtml(member.role)})</span>`).join(' ');
  }

  /** Reads the lab as of the cursor and redraws; a burst of calls while one runs makes one more read, not one each. */
  function refresh(): Promise<void> {
    if (queued) return refreshing;
    queued = true;
    refreshing = refreshing.then(async () => {
      queued = false;
      try {
        const next = await api.state(viewAt);
        state = next;
        live.known(next.version);
        topology.render(next);
        $(page, '#grouping').hidden = !topology.grouped && next.nodes.length <= SCALE.groupNodesAbove && next.pods.length <= SCALE.collapsePodsAbove;
        tracePanel.update(next);
        tablesPanel.update(next);
        updateContexts(next);
        $(page, '#node-count').textContent = `${count(next.nodes.length, 'node')} · ${count(next.pods.length, 'pod')} · ${count(next.services.length, 'service')}`;
        if (viewAt === undefined) timeline.now(next.time);
        await timeline.refresh();
        if (!$(page, '[data-pane="tables"]').hidden) await tablesPanel.refresh();
        showError(undefined);
      } catch (error) {
        showError(error);
      }
    });
    return refreshing;
  }

  function updateContexts(next: LabStateView): void {
    const chosen = context.value;
    const options = ['workstation', ...next.nodes.map((node) => `node/${node.name}`), ...next.pods.map((pod) => `pod/${pod.namespace}/${pod.name}`)];
    context.innerHTML = options.map((option) => `<option>${escapeHtml(option)}</option>`).join('');
    context.value = chosen && options.includes(chosen) ? chosen : 'workstation';
  }

  /** xterm is loaded the first time the terminal is opened: most visits never need it. */
  async function openTerminal(): Promise<void> {
    if (!terminal) {
      // The repository's type-check resolves like Node (explicit .js); vite maps it to terminal.ts.
      const { LabTerminal } = await import('./terminal.js');
      terminal ??= new LabTerminal($(page, '#terminal'), api, live, () => context.value, enterContext, () => void refresh());
    }
    terminal?.focus();
  }

  /** The shell moved (minikube ssh, docker exec, exit): follow it in the context picker. */
  function enterContext(next: string): void {
    if (![...context.options].some((option) => option.value === next)) context.append(new Option(next, next));
    context.value = next;
  }

  async function fork(at: number): Promise<void> {
    try {
      const created = await api.fork(at);
      showError(undefined);
      $(page, '#page-error').textContent = t('forked');
      location.assign(labLink(created.id, created.tokens.instructor));
    } catch (error) {
      showError(error);
    }
  }

  for (const tab of page.querySelectorAll<HTMLButtonElement>('[data-tab]')) {
    tab.addEventListener('click', () => {
      for (const other of page.querySelectorAll<HTMLElement>('[data-tab]')) other.classList.toggle('active', other === tab);
      for (const pane of page.querySelectorAll<HTMLElement>('[data-pane]')) pane.hidden = pane.dataset.pane !== tab.dataset.tab;
      // kubectl's wide tables need the columns: the terminal takes most of the width.
      $(page, '.workspace').classList.toggle('wide-side', tab.dataset.tab === 'terminal');
      if (tab.dataset.tab === 'terminal') void openTerminal();
      if (tab.dataset.tab === 'tables') void tablesPanel.refresh();
      if (tab.dataset.tab === 'classroom') void classroom.refresh();
    });
  }
  $(page, '#expand-all').addEventListener('click', () => topology.expandAll());
  $(page, '#collapse-all').addEventListener('click', () => topology.collapseAll());
  $<HTMLInputElement>(page, '#search').addEventListener('input', (event) => topology.search((event.target as HTMLInputElement).value));
  const language = $(page, '#language');
  language.textContent = t('language');
  language.addEventListener('click', () => {
    setLanguage(currentLanguage() === 'en' ? 'ru' : 'en');
    location.reload();
  });

  void api.lab().then((lab) => ($(page, '#lab-name').textContent = lab.name), showError);
  void refresh();
}
