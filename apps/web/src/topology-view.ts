import cytoscape, { type Core } from 'cytoscape';
import type { LabStateView } from './api';
import { count, t } from './i18n';
import { topologyLayout, type TopologyElement, type TopologyLayout } from './topology-model';

const style: cytoscape.StylesheetJson = [
  { selector: 'node', style: { label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 10, 'text-valign': 'center', 'text-halign': 'center', color: '#111' } },
  { selector: 'node[kind = "node"]', style: { shape: 'round-rectangle', 'background-color': '#eef3fb', 'border-color': '#5b7db1', 'border-width': 2, 'text-valign': 'top', 'font-size': 12, 'font-weight': 'bold', padding: '14px' } },
  { selector: 'node[kind = "device"]', style: { shape: 'round-rectangle', width: 150, height: 30, 'font-size': 11, 'background-color': '#d6e4f5', 'border-width': 1, 'border-color': '#5b7db1' } },
  { selector: 'node[kind = "pod"]', style: { shape: 'round-rectangle', width: 170, height: 50, 'text-max-width': '165px', 'background-color': '#dff2e1', 'border-color': '#3d8b47', 'border-width': 1, 'font-size': 9 } },
  { selector: 'node[kind = "underlay"]', style: { shape: 'round-rectangle', width: 220, height: 34, 'background-color': '#f5ead6', 'border-color': '#a07a2c', 'border-width': 1 } },
  { selector: 'node[kind = "router"]', style: { shape: 'diamond', width: 80, height: 80, 'background-color': '#f5d6d6', 'border-color': '#a03030', 'border-width': 1, 'text-valign': 'bottom' } },
  { selector: 'node[kind = "service"]', style: { shape: 'hexagon', width: 140, height: 44, 'background-color': '#efe0f7', 'border-color': '#7a3fa0', 'border-width': 1 } },
  { selector: 'node[kind = "node-group"]', style: { shape: 'round-rectangle', width: 2300, height: 70, 'background-color': '#eef3fb', 'border-color': '#5b7db1', 'border-width': 2, 'border-style': 'double', 'font-size': 22, 'font-weight': 'bold' } },
  { selector: 'node[kind = "node-group"]:parent', style: { 'text-valign': 'top', 'background-color': '#f7f9fc', 'border-style': 'dashed', padding: '20px' } },
  { selector: 'node[kind = "pod-group"]', style: { shape: 'round-rectangle', width: 190, height: 50, 'text-max-width': '185px', 'background-color': '#dff2e1', 'border-color': '#3d8b47', 'border-width': 2, 'border-style': 'double', 'font-size': 10 } },
  { selector: 'edge', style: { width: 2, 'line-color': '#9aa5b1', 'curve-style': 'bezier' } },
  { selector: 'edge[kind = "host"]', style: { 'line-style': 'dotted', 'line-color': '#c9d3de' } },
  { selector: 'edge[kind = "endpoint"]', style: { 'line-style': 'dashed', 'line-color': '#b08bd0' } },
  { selector: '.search-hit', style: { 'border-width': 4, 'border-color': '#e0a800' } },
  { selector: '.hop-current', style: { 'background-color': '#ffcc33', 'border-color': '#c77d00', 'border-width': 4 } },
  { selector: '.hop-visited', style: { 'background-color': '#fff0b3' } },
  { selector: '.hop-dropped', style: { 'background-color': '#ff6b6b', 'border-color': '#a00000', 'border-width': 4 } },
  { selector: '.packet', style: { width: 18, height: 18, 'background-color': '#ff8800', 'border-color': '#7a3d00', 'border-width': 2, label: '', 'z-index': 999 } },
];

/**
 * The lab's topology in cytoscape: rebuilt from each state, the viewport kept. At scale nodes and pods are grouped
 * (topologyLayout); a click on a collapsed group expands it, a click on an expanded one collapses it again.
 */
export class TopologyView {
  readonly cy: Core;
  private fitted = false;
  private state: LabStateView | undefined;
  private layout: TopologyLayout | undefined;
  private readonly expanded = new Set<string>();

  constructor(container: HTMLElement) {
    this.cy = cytoscape({ container, style, wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 3 });
    new ResizeObserver(() => this.cy.resize()).observe(container);
    // On the core, not delegated: a tap bubbles up the compound parents, and only the element tapped decides.
    this.cy.on('tap', (event) => {
      const target = event.target as cytoscape.NodeSingular | Core;
      if (target === this.cy || !(target as cytoscape.NodeSingular).isNode()) return;
      const node = target as cytoscape.NodeSingular;
      const kind = node.data('kind') as string;
      if (kind !== 'node-group' && kind !== 'pod-group' && kind !== 'node') return;
      const id = node.id();
      // A node box collapses its pods again (at scale); a group toggles.
      const group = kind === 'node' ? `pods:${id.slice('node:'.length)}` : id;
      if (this.expanded.has(group)) this.expanded.delete(group);
      else if (group === id) this.expanded.add(group);
      else return;
      this.redraw();
    });
  }

  /** Applies the difference to the drawn graph: rebuilding 1,500 elements on every event takes a second. */
  render(state: LabStateView): void {
    this.state = state;
    this.redraw();
  }

  /** The element drawn for `id`: itself, or the collapsed group it is in. */
  visible(id: string): string {
    return this.layout?.hiddenIn.get(id) ?? id;
  }

  /** Expands the groups that hide these elements (a trace passing through, a search hit); whether anything changed. */
  reveal(elementIds: Iterable<string>): boolean {
    let changed = false;
    for (const id of elementIds) {
      for (const group of this.layout?.containers.get(id) ?? []) {
        if (this.expanded.has(group)) continue;
        this.expanded.add(group);
        changed = true;
      }
    }
    if (changed) this.redraw();
    return changed;
  }

  /** Whether the lab is drawn grouped (it is at classroom scale). */
  get grouped(): boolean {
    return this.cy.nodes('[kind = "node-group"], [kind = "pod-group"]').nonempty();
  }

  /** Opens every group: all nodes and pods drawn. */
  expandAll(): void {
    this.reveal([...(this.layout?.containers.keys() ?? [])]);
  }

  collapseAll(): void {
    this.expanded.clear();
    this.redraw();
  }

  private redraw(): void {
    if (!this.state) return;
    this.layout = topologyLayout(this.state, this.expanded, { count, expand: t('clickToExpand') });
    const elements = this.layout.elements;
    const wanted = new Set(elements.map((element) => element.data.id));
    this.cy.batch(() => {
      this.cy.elements().filter((element) => !wanted.has(element.id()) && element.id() !== 'packet').remove();
      const added: TopologyElement[] = [];
      for (const element of elements) {
        const drawn = this.cy.getElementById(element.data.id);
        if (drawn.nonempty() && sameEnds(drawn, element)) {
          if (drawn.data('label') !== element.data.label) drawn.data('label', element.data.label);
          if (element.position && (drawn.position('x') !== element.position.x || drawn.position('y') !== element.position.y)) drawn.position(element.position);
        } else {
          drawn.remove();
          added.push(element);
        }
      }
      this.cy.add(added as cytoscape.ElementDefinition[]);
    });
    if (!this.fitted || this.cy.nodes().length < 2) {
      this.cy.fit(undefined, 30);
      this.fitted = true;
    }
  }

  /** Highlights and frames the nodes and pods whose label contains the text (names, IPs, labels), expanding their groups. */
  search(text: string): number {
    this.cy.elements().removeClass('search-hit');
    if (!text.trim() || !this.layout) return 0;
    const needle = text.trim().toLowerCase();
    const found = [
      ...this.layout.searchable.filter((entry) => entry.label.toLowerCase().includes(needle)).map((entry) => entry.id),
      ...this.cy.nodes('[kind = "service"], [kind = "router"], [kind = "underlay"]').filter((node) => String(node.data('label') ?? '').toLowerCase().includes(needle)).map((node) => node.id()),
    ];
    // A handful of hits are worth opening their groups; hundreds (a namespace's name) only mark the groups.
    if (found.length <= 20) this.reveal(found);
    const hits = this.cy.collection();
    for (const id of new Set(found.map((hit) => this.visible(hit)))) hits.merge(this.cy.getElementById(id));
    hits.addClass('search-hit');
    if (hits.nonempty()) this.cy.animate({ fit: { eles: hits, padding: 60 } }, { duration: 300 });
    return hits.length;
  }
}

/** Whether a drawn element hangs where the new one does (same parent, same source and target). */
function sameEnds(drawn: cytoscape.CollectionReturnValue, element: TopologyElement): boolean {
  const data = drawn.data() as TopologyElement['data'];
  return data.parent === element.data.parent && data.source === element.data.source && data.target === element.data.target;
}
