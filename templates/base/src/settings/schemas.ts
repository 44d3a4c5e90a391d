import * as v from 'valibot';

// the kinds of setting several features take; src/config.ts imports the ones its settings use

/** a share of something, from 0 to 1 */
export function share() {
  const message = 'takes a number from 0 to 1, such as 0.95';
  return v.pipe(v.string(), v.toNumber(message), v.minValue(0, message), v.maxValue(1, message));
}

/** a prefix of keys in Redis: one word of the characters Redis tools show as they are */
export function prefix() {
  return v.pipe(v.string(), v.regex(/^[\w.-]+$/, 'takes letters, digits, _ . and -'));
}

export function url() {
  return v.pipe(v.string(), v.url('takes a URL'));
}

// as most tools read them, in any case
const flags: Record<string, boolean> = {
  ...{ true: true, '1': true, yes: true, on: true },
  ...{ false: false, '0': false, no: false, off: false },
};

export function flag() {
  return v.pipe(
    v.string(),
    v.check((value) => Object.hasOwn(flags, value.toLowerCase()), 'takes true or false'),
    v.transform((value) => flags[value.toLowerCase()] === true),
  );
}
