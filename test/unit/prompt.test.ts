import { describe, expect, it } from 'vitest';
import { parseYesNo } from '../../src/prompt.js';

describe('parseYesNo', () => {
  it.for(['y', 'Y', 'yes', 'YES', 'Yes', ' yes '])('reads %j as yes', (typed) => {
    expect(parseYesNo(typed)).toBe(true);
  });

  it.for(['n', 'N', 'no', 'NO', 'No'])('reads %j as no', (typed) => {
    expect(parseYesNo(typed)).toBe(false);
  });

  it.for(['', 'ye', 'yess', 'nope', 'maybe', '1', 'true'])('reads %j as no answer', (typed) => {
    expect(parseYesNo(typed)).toBeUndefined();
  });
});
