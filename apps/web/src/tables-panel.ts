import { isMissingEndpoint, type LabApi, type LabStateView } from './api';
import { $, escapeHtml, html } from './dom';
import { t, translate } from './i18n';
import { enforcesPolicy, summarizePolicy } from './policy-view';
import { chainTree, type ChainNode } from './iptables-tree';

/** A node's tables (the lab shell's read commands in the node's context) and the NetworkPolicy connectivity matrix, as of the timeline's cursor. */
export class TablesPanel {
  readonly element: HTMLElement;

  constructor(
    private readonly api: LabApi,
    private readonly viewAt: () => number | undefined,
  ) {
    this.element = html(`
      <section class="tables">
        <div class="row">
          <label><span data-i18n="node"></span> <select id="table-node"></select></label>
          <button type="button" id="tables-refresh" data-i18n="refresh"></button>
        </div>
        <div id="node-tables"></div>
        <h3 data-i18n="policies"></h3>
        <div id="policies"></div>
        <h3 data-i18n="matrix"></h3>
        <div class="row">
          <label><span data-i18n="port"></span> <input id="matrix-port" type="number" value="80" style="width:5em" /></label>
          <select id="matrix-protocol"><option>TCP</option><option>UDP</option><option>SCTP</option></select>
          <button type="button" id="matrix-refresh" data-i18n="refresh"></button>
        </div>
        <div id="matrix"></div>
      </section>`);
    translate(this.element);
    $(this.element, '#tables-refresh').addEventListener('click', () => void this.refreshNode());
    $(this.element, '#table-node').addEventListener('change', () => void this.refreshNode());
    $(this.element, '#matrix-refresh').addEventListener('click', () => void this.refreshMatrix());
  }

  update(state: LabStateView): void {
    const select = $<HTMLSelectElement>(this.element, '#table-node');
    const chosen = select.value;
    select.innerHTML = state.nodes.map((node) => `<option>${escapeHtml(node.name)}</option>`).join('');
    if (chosen) select.value = chosen;
    this.showPolicies(state);
  }

  /** The lab's NetworkPolicies in short, and whether its plugin enforces them at all. */
  private showPolicies(state: LabStateView): void {
    const plugin = state.cluster.cni.plugin;
    const note = state.networkPolicies.length && !enforcesPolicy(plugin) ? `<p class="notice" id="not-enforced">${escapeHtml(t('notEnforced').replace('{plugin}', plugin))}</p>` : '';
    const items = state.networkPolicies.map((policy) => {
      const summary = summarizePolicy(policy);
      const rules = summary.directions.map(({ direction, rules: list }) => {
        const lines = list.length
          ? list.map((rule) => `${rule.peers.length ? rule.peers.join(', ') : t('anyPeer')} — ${rule.ports.length ? rule.ports.join(', ') : t('anyPort')}`)
          : [t('nothingAllowed')];
        return lines.map((line) => `<div class="rule-line"><span class="tag">${direction}</span> ${escapeHtml(line)}</div>`).join('');
      });
      const selects = summary.selects ? escapeHtml(summary.selects) : escapeHtml(t('everyPod'));
      return `<li data-policy="${escapeHtml(summary.key)}"><b>${escapeHtml(summary.key)}</b> · ${escapeHtml(t('policySelects'))} ${selects}${rules.join('')}</li>`;
    });
    $(this.element, '#policies').innerHTML = note + (items.length ? `<ul class="policies">${items.join('')}</ul>` : `<p>${escapeHtml(t('noPolicies'))}</p>`);
  }

  /** Re-reads what is shown, after the lab changed. */
  async refresh(): Promise<void> {
    await Promise.all([this.refreshNode(), this.refreshMatrix()]);
  }

  private async refreshNode(): Promise<void> {
    const node = $<HTMLSelectElement>(this.element, '#table-node').value;
    const target = $(this.element, '#node-tables');
    if (!node || !this.element.isConnected) return;
    try {
      const { tables } = await this.api.nodeTables(node, this.viewAt());
      target.innerHTML = tables
        .map((output) => {
          const body = output.command.startsWith('iptables') ? treeHtml(chainTree(output.stdout)) : `<pre>${escapeHtml(output.stdout || output.stderr)}</pre>`;
          return `<details open><summary><code>${escapeHtml(output.command)}</code></summary>${body}</details>`;
        })
        .join('');
    } catch (error) {
      target.innerHTML = `<p class="notice">${escapeHtml(isMissingEndpoint(error) ? `${t('tables')}: ${t('notAvailable')}` : String(error))}</p>`;
    }
  }

  private async refreshMatrix(): Promise<void> {
    const target = $(this.element, '#matrix');
    if (!this.element.isConnected) return;
    const port = Number($<HTMLInputElement>(this.element, '#matrix-port').value);
    const protocol = $<HTMLSelectElement>(this.element, '#matrix-protocol').value;
    try {
      const { pods, matrix } = await this.api.connectivity(port, protocol, this.viewAt());
      const head = `<tr><th></th>${pods.map((pod) => `<th class="vertical">${escapeHtml(pod)}</th>`).join('')}</tr>`;
      const rows = pods.map((pod, row) => `<tr><th>${escapeHtml(pod)}</th>${matrix[row].map((allowed) => `<td class="${allowed ? 'allow' : 'deny'}">${allowed ? '✓' : '✗'}</td>`).join('')}</tr>`);
      target.innerHTML = `<table class="matrix">${head}${rows.join('')}</table>`;
    } catch (error) {
      target.innerHTML = `<p class="notice">${escapeHtml(isMissingEndpoint(error) ? `${t('matrix')}: ${t('notAvailable')}` : String(error))}</p>`;
    }
  }
}

function treeHtml(node: ChainNode): string {
  const children = node.children.map((child) => `<li>${treeHtml(child)}</li>`).join('');
  return `<span class="chain">${escapeHtml(node.chain)}</span>${node.rule ? ` <small>${escapeHtml(node.rule)}</small>` : ''}${children ? `<ul>${children}</ul>` : ''}`;
}
