import { civilFromDays } from './civil-date';

describe('civilFromDays', () => {
  it("agrees with the JavaScript calendar on every day from 1960 to 2110 (leap days and century years included)", () => {
    for (let days = -3653; days <= 51135; days++) {
      const date = new Date(days * 86_400_000);
      expect(civilFromDays(days)).toEqual({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
    }
  });
});
