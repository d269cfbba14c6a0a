import type { LabApi } from './api';
import { $, html } from './dom';
import { t, translate } from './i18n';

const example = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx
    ports:
    - containerPort: 80
`;

/** Apply manifests to the lab (POST /apply) and show kubectl's answer or the API's problem. */
export class ApplyPanel {
  readonly element: HTMLElement;

  constructor(
    private readonly api: LabApi,
    private readonly applied: () => void,
  ) {
    this.element = html(`
      <section class="apply">
        <small data-i18n="applyHint"></small>
        <textarea id="manifest" rows="16" spellcheck="false"></textarea>
        <div class="row"><button type="button" id="apply-run" data-i18n="apply"></button><span id="apply-result"></span></div>
      </section>`);
    translate(this.element);
    $<HTMLTextAreaElement>(this.element, '#manifest').value = example;
    $(this.element, '#apply-run').addEventListener('click', () => void this.run());
  }

  private async run(): Promise<void> {
    const result = $(this.element, '#apply-result');
    result.className = '';
    try {
      const { version } = await this.api.apply($<HTMLTextAreaElement>(this.element, '#manifest').value);
      result.textContent = `${t('applied')} ${version}`;
      this.applied();
    } catch (error) {
      result.className = 'error';
      result.textContent = error instanceof Error ? error.message : String(error);
    }
  }
}
