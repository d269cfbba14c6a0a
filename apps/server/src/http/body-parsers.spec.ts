import { BodyParseError, parseJsonBody } from './body-parsers';

const parse = (text: string) => parseJsonBody(Buffer.from(text));
const failure = (text: string) => {
  try {
    parse(text);
  } catch (error) {
    return error as BodyParseError;
  }
  throw new Error(`${text} parsed`);
};

describe('parseJsonBody (body-parser strict JSON)', () => {
  it('reads objects and arrays, with or without a BOM, and an empty body as {}', () => {
    expect(parse('{"a":1}')).toEqual({ a: 1 });
    expect(parse(' [1,2]')).toEqual([1, 2]);
    expect(parse('\ufeff{"a":1}')).toEqual({ a: 1 });
    expect(parse('')).toEqual({});
  });

  it('refuses malformed JSON as a 400 entity.parse.failed with JSON.parse message', () => {
    const error = failure('{"name":');
    expect(error).toBeInstanceOf(BodyParseError);
    expect(error).toMatchObject({ status: 400, type: 'entity.parse.failed' });
    expect(error.message).toBe((() => { try { JSON.parse('{"name":'); } catch (e) { return (e as Error).message; } })());
  });

  it('refuses a top-level value other than an object or array, quoting its first character', () => {
    for (const text of ['"abc"', '  true', '123', 'null']) {
      const error = failure(text);
      expect(error.status).toBe(400);
      expect(error.message).toContain(`'${text.trim()[0]}'`);
      expect(error.message).not.toContain('#');
    }
  });
});
