import { count } from './i18n';

describe('count', () => {
  it('takes the Russian form the number asks for, and the English plural', () => {
    expect([1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map((n) => count(n, 'node', 'ru'))).toEqual([
      '1 узел', '2 узла', '4 узла', '5 узлов', '11 узлов', '12 узлов', '14 узлов', '21 узел', '22 узла', '25 узлов', '101 узел', '111 узлов',
    ]);
    expect(count(16, 'pod', 'ru')).toBe('16 подов');
    expect(count(2, 'service', 'ru')).toBe('2 сервиса');
    expect([0, 1, 3].map((n) => count(n, 'pod', 'en'))).toEqual(['0 pods', '1 pod', '3 pods']);
  });
});
