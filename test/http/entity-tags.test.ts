import { describe, expect, it } from 'vitest';
import { entityTag, parseVersionTags } from '../../src/http/entity-tags.js';

describe('entity tags', () => {
  it('formats a version as a strong tag', () => {
    expect(entityTag(1764230400000)).toBe('"1764230400000"');
  });

  it.each([
    [undefined, 'If-Match', undefined],
    ['*', 'If-Match', '*'],
    [' * ', 'If-None-Match', '*'],
    ['"17"', 'If-Match', [17]],
    ['"17", "18" ,"17"', 'If-Match', [17, 18]],
    ['W/"17"', 'If-Match', []],
    ['W/"17"', 'If-None-Match', [17]],
    ['"abc", "17"', 'If-Match', [17]],
    ['""', 'If-None-Match', []],
  ] as const)('%s in %s names %j', (header, name, versions) => {
    expect(parseVersionTags(header, name)).toEqual({ ok: true, versions });
  });

  it.each(['17', '"17', 'W/17', '"1" "2"', '*, "1"'])('refuses the malformed %s', (header) => {
    expect(parseVersionTags(header, 'If-Match')).toMatchObject({ ok: false, message: /If-Match must be/ });
  });

  it('refuses more versions than a conditional delete can name', () => {
    const header = Array.from({ length: 101 }, (_, i) => `"${i}"`).join(', ');
    expect(parseVersionTags(header, 'If-Match')).toMatchObject({ ok: false, message: /at most 100/ });
  });
});
