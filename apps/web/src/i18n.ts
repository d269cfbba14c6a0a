/** English and Russian (the seeds' language) strings; the choice is kept in localStorage. */
const en = {
  title: 'HopLab',
  tagline: 'Kubernetes networking labs: see the cluster, watch the packet, scrub through time.',
  createLab: 'Create a lab',
  labName: 'Lab name',
  scenario: 'Scenario',
  create: 'Create',
  joinLab: 'Join a lab',
  joinHint: 'Paste a link like /labs/<id>?token=…',
  join: 'Join',
  tokens: 'Share these links',
  open: 'Open lab',
  presence: 'Here now',
  live: 'live',
  offline: 'live updates unavailable',
  topology: 'Topology',
  trace: 'Trace',
  from: 'From',
  to: 'To',
  port: 'Port',
  protocol: 'Protocol',
  run: 'Run',
  play: 'Play',
  pause: 'Pause',
  stepBack: 'Step back',
  stepForward: 'Step forward',
  speed: 'Speed',
  hops: 'Hops',
  verdict: 'Verdict',
  terminal: 'Terminal',
  context: 'Context',
  timeline: 'Timeline',
  forkHere: 'Fork from here',
  backToLive: 'Back to live',
  replay: 'Replay',
  asOf: 'as of event',
  tables: 'Node tables',
  policies: 'NetworkPolicy',
  matrix: 'Connectivity matrix',
  refresh: 'Refresh',
  node: 'Node',
  notAvailable: 'Not available on this server yet',
  noHops: 'No trace yet. Pick a source and a destination and press Run.',
  forked: 'Forked: opening the new lab',
  language: 'Русский',
  error: 'Error',
  viewing: 'Viewing the past: changes are disabled',
  apply: 'Apply',
  applyHint: 'Kubernetes manifests (YAML, several documents), applied like kubectl apply',
  applied: 'Applied: lab version',
  clock: 'Clock',
  pauseClock: 'Pause',
  resumeClock: 'Resume',
  advance: '+30s',
  followMe: 'Follow me',
  classroom: 'Classroom',
  students: 'Students',
  openClassroom: 'Give each student a fork',
  studentLink: 'student link',
  reset: 'Reset',
  following: 'Following the trace shown by',
  leading: 'Everyone in the lab now sees this trace',
  expandAll: 'Open all groups',
  zoomFit: 'Whole history',
  searchPlaceholder: 'pod, node, IP, label',
  clickToExpand: 'click to expand',
  policySelects: 'selects',
  everyPod: 'every pod of its namespace',
  nothingAllowed: 'nothing allowed',
  anyPeer: 'any peer',
  anyPort: 'any port',
  noPolicies: 'No NetworkPolicy in the lab.',
  notEnforced: '{plugin} does not enforce NetworkPolicy: these policies are stored but change no traffic.',
  collapseAll: 'Close all groups',
  delivered: 'delivered',
  refused: 'refused',
  dropped: 'dropped',
  unreachable: 'unreachable',
};

export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  title: 'HopLab',
  tagline: 'Лаборатории сетей Kubernetes: смотрите на кластер, следите за пакетом, листайте время.',
  createLab: 'Создать лабораторию',
  labName: 'Название',
  scenario: 'Сценарий',
  create: 'Создать',
  joinLab: 'Войти в лабораторию',
  joinHint: 'Вставьте ссылку вида /labs/<id>?token=…',
  join: 'Войти',
  tokens: 'Ссылки для участников',
  open: 'Открыть',
  presence: 'Сейчас здесь',
  live: 'в реальном времени',
  offline: 'обновления в реальном времени недоступны',
  topology: 'Топология',
  trace: 'Трассировка',
  from: 'Откуда',
  to: 'Куда',
  port: 'Порт',
  protocol: 'Протокол',
  run: 'Запустить',
  play: 'Воспроизвести',
  pause: 'Пауза',
  stepBack: 'Шаг назад',
  stepForward: 'Шаг вперёд',
  speed: 'Скорость',
  hops: 'Переходы',
  verdict: 'Итог',
  terminal: 'Терминал',
  context: 'Контекст',
  timeline: 'Шкала времени',
  forkHere: 'Ответвить отсюда',
  backToLive: 'К текущему моменту',
  replay: 'Проиграть',
  asOf: 'на момент события',
  tables: 'Таблицы узла',
  policies: 'NetworkPolicy',
  matrix: 'Матрица связности',
  refresh: 'Обновить',
  node: 'Узел',
  notAvailable: 'На этом сервере пока недоступно',
  noHops: 'Трассировок ещё не было. Выберите источник и назначение и нажмите «Запустить».',
  forked: 'Ответвление создано: открываем новую лабораторию',
  language: 'English',
  error: 'Ошибка',
  viewing: 'Просмотр прошлого: изменения отключены',
  apply: 'Применить',
  applyHint: 'Манифесты Kubernetes (YAML, несколько документов), применяются как kubectl apply',
  applied: 'Применено: версия лаборатории',
  clock: 'Часы',
  pauseClock: 'Пауза',
  resumeClock: 'Продолжить',
  advance: '+30с',
  followMe: 'Показать всем',
  classroom: 'Класс',
  students: 'Студентов',
  openClassroom: 'Выдать каждому студенту копию',
  studentLink: 'ссылка студента',
  reset: 'Сбросить',
  following: 'Показывает трассировку:',
  leading: 'Все участники видят эту трассировку',
  expandAll: 'Раскрыть все группы',
  zoomFit: 'Вся история',
  searchPlaceholder: 'под, узел, IP, метка',
  clickToExpand: 'нажмите, чтобы раскрыть',
  policySelects: 'выбирает',
  everyPod: 'все поды своего пространства имён',
  nothingAllowed: 'ничего не разрешено',
  anyPeer: 'любой источник',
  anyPort: 'любой порт',
  noPolicies: 'В лаборатории нет NetworkPolicy.',
  notEnforced: '{plugin} не применяет NetworkPolicy: политики хранятся, но на трафик не влияют.',
  collapseAll: 'Свернуть все группы',
  delivered: 'доставлен',
  refused: 'отклонён',
  dropped: 'отброшен',
  unreachable: 'недостижим',
};

export type Language = 'en' | 'ru';
export type Counted = 'node' | 'pod' | 'service';

const nouns: Record<Language, Record<Counted, [one: string, few: string, many: string]>> = {
  en: { node: ['node', 'nodes', 'nodes'], pod: ['pod', 'pods', 'pods'], service: ['service', 'services', 'services'] },
  ru: { node: ['узел', 'узла', 'узлов'], pod: ['под', 'пода', 'подов'], service: ['сервис', 'сервиса', 'сервисов'] },
};

/** "3 nodes", "3 узла", "5 узлов", "21 узел": Russian takes one of three forms by the number's last digits. */
export function count(n: number, noun: Counted, language: Language = currentLanguage()): string {
  const [one, few, many] = nouns[language][noun];
  if (language === 'en') return `${n} ${n === 1 ? one : many}`;
  const tens = n % 100;
  const units = n % 10;
  const form = tens >= 11 && tens <= 14 ? many : units === 1 ? one : units >= 2 && units <= 4 ? few : many;
  return `${n} ${form}`;
}
const dictionaries: Record<Language, Record<MessageKey, string>> = { en, ru };

export function currentLanguage(): Language {
  const stored = localStorage.getItem('hoplab.lang');
  if (stored === 'en' || stored === 'ru') return stored;
  return navigator.language.startsWith('ru') ? 'ru' : 'en';
}

export function setLanguage(language: Language): void {
  localStorage.setItem('hoplab.lang', language);
}

export function t(key: MessageKey, language: Language = currentLanguage()): string {
  return dictionaries[language][key];
}

/** Fills every element carrying data-i18n="key" in the subtree. */
export function translate(root: ParentNode): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) element.textContent = t(element.dataset.i18n as MessageKey);
  document.documentElement.lang = currentLanguage();
}
