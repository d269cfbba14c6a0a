import { isMissingEndpoint, type LabApi, type StudentFork } from './api';
import { $, escapeHtml, html } from './dom';
import { t, translate } from './i18n';
import { labLink } from './start-page';

/** Instructor view: one fork of this lab per student, each to open (as instructor), share (student link) or reset. */
export class ClassroomPanel {
  readonly element: HTMLElement;

  constructor(private readonly api: LabApi) {
    this.element = html(`
      <section class="classroom">
        <div class="row">
          <label><span data-i18n="students"></span> <input id="students" type="number" min="1" max="200" value="3" style="width:5em" /></label>
          <button type="button" id="open-classroom" data-i18n="openClassroom"></button>
        </div>
        <p id="classroom-error" class="error"></p>
        <table id="roster" class="roster"></table>
      </section>`);
    translate(this.element);
    $(this.element, '#open-classroom').addEventListener('click', () => void this.open());
    this.element.addEventListener('click', (event) => {
      const reset = (event.target as HTMLElement).closest<HTMLButtonElement>('[data-reset]');
      if (reset) void this.reset(reset.dataset.reset as string);
    });
  }

  async refresh(): Promise<void> {
    await this.guard(async () => this.show((await this.api.classroom()).forks));
  }

  private async open(): Promise<void> {
    const students = Number($<HTMLInputElement>(this.element, '#students').value);
    await this.guard(async () => {
      await this.api.openClassroom(students);
      await this.refresh();
    });
  }

  private async reset(fork: string): Promise<void> {
    await this.guard(async () => {
      await this.api.resetFork(fork);
      await this.refresh();
    });
  }

  private async guard(action: () => Promise<void>): Promise<void> {
    const error = $(this.element, '#classroom-error');
    try {
      await action();
      error.textContent = '';
    } catch (failure) {
      error.textContent = isMissingEndpoint(failure) ? t('notAvailable') : failure instanceof Error ? failure.message : String(failure);
    }
  }

  private show(forks: StudentFork[]): void {
    $(this.element, '#roster').innerHTML = forks
      .map(
        (fork) => `<tr data-student="${fork.student}">
          <td>${fork.student}</td><td>${escapeHtml(fork.name)}</td>
          <td><a class="button" target="_blank" href="${labLink(fork.id, fork.tokens.instructor)}">${t('open')}</a></td>
          <td><a class="student-link" href="${labLink(fork.id, fork.tokens.student)}">${t('studentLink')}</a></td>
          <td><button type="button" data-reset="${escapeHtml(fork.id)}">${t('reset')}</button></td>
        </tr>`,
      )
      .join('');
  }
}
