import { request, type CreatedLab } from './api';
import { $, escapeHtml, html } from './dom';
import { currentLanguage, setLanguage, t, translate } from './i18n';

const scenarios = ['minikube-flannel', 'two-vms-router', 'calico-netpol', 'kubenet-cbr0'];

export const labLink = (lab: string, token: string) => `/labs/${encodeURIComponent(lab)}?token=${encodeURIComponent(token)}`;

/** Create a lab from a built-in scenario, or join one by its link. */
export function renderStartPage(root: HTMLElement): void {
  const page = html(`
    <main class="start">
      <button type="button" id="language" class="language"></button>
      <h1 data-i18n="title"></h1>
      <p data-i18n="tagline"></p>
      <form class="card" id="create-form">
        <h2 data-i18n="createLab"></h2>
        <label><span data-i18n="labName"></span> <input name="name" required value="lab-${Math.floor(performance.now())}" /></label>
        <label><span data-i18n="scenario"></span>
          <select name="scenario">${scenarios.map((name) => `<option>${name}</option>`).join('')}</select></label>
        <button type="submit" data-i18n="create"></button>
        <p class="error" id="create-error" role="alert"></p>
        <div id="created"></div>
      </form>
      <form class="card" id="join-form">
        <h2 data-i18n="joinLab"></h2>
        <input name="link" placeholder="/labs/…?token=…" required />
        <small data-i18n="joinHint"></small>
        <button type="submit" data-i18n="join"></button>
      </form>
    </main>`);
  root.replaceChildren(page);
  translate(page);
  const language = $(page, '#language');
  language.textContent = t('language');
  language.addEventListener('click', () => {
    setLanguage(currentLanguage() === 'en' ? 'ru' : 'en');
    renderStartPage(root);
  });

  $(page, '#create-form').addEventListener('submit', async (submit) => {
    submit.preventDefault();
    const form = new FormData(submit.target as HTMLFormElement);
    const error = $(page, '#create-error');
    error.textContent = '';
    try {
      const lab = await request<CreatedLab>('POST', '/labs', { body: { name: form.get('name'), scenario: form.get('scenario') } });
      $(page, '#created').replaceChildren(createdLinks(lab));
      translate($(page, '#created'));
    } catch (failure) {
      error.textContent = failure instanceof Error ? failure.message : String(failure);
    }
  });
  $(page, '#join-form').addEventListener('submit', (submit) => {
    submit.preventDefault();
    const link = String(new FormData(submit.target as HTMLFormElement).get('link') ?? '');
    const url = new URL(link, location.origin);
    if (url.pathname.startsWith('/labs/')) location.assign(url.pathname + url.search);
  });
}

function createdLinks(lab: CreatedLab): HTMLElement {
  const roles = Object.entries(lab.tokens) as [string, string][];
  return html(`
    <div class="links">
      <h3 data-i18n="tokens"></h3>
      <ul>${roles.map(([role, token]) => `<li>${role}: <a data-role="${role}" href="${labLink(lab.id, token)}">${escapeHtml(location.origin + labLink(lab.id, token))}</a></li>`).join('')}</ul>
      <a class="button" id="open-lab" href="${labLink(lab.id, lab.tokens.instructor)}" data-i18n="open"></a>
    </div>`);
}
