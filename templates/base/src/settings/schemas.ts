import * as v from 'valibot';

// the kinds of setting several features take; src/config.ts imports the ones its settings use

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
