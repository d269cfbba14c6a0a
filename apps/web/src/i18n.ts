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
  liveOnly: 'These tables are read from the live lab, not as of the timeline cursor.',
  classroom: 'Classroom',
  students: 'Students',
  openClassroom: 'Give each student a fork',
  studentLink: 'student link',
  reset: 'Reset',
  following: 'Following the trace shown by',
  leading: 'Everyone in the lab now sees this trace',
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
  liveOnly: 'Таблицы показывают текущее состояние лаборатории, а не момент на шкале времени.',
  classroom: 'Класс',
  students: 'Студентов',
  openClassroom: 'Выдать каждому студенту копию',
  studentLink: 'ссылка студента',
  reset: 'Сбросить',
  following: 'Показывает трассировку:',
  leading: 'Все участники видят эту трассировку',
};

export type Language = 'en' | 'ru';
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
