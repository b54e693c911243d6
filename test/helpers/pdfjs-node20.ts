/**
 * Setup file of the extension tests (vitest.config.ts): what pdf.js 6 needs from the runtime and Node 20
 * lacks (Chrome has both; Node 22 too). `Promise.withResolvers` is called when a document loads;
 * `Iterator.prototype` is extended when pdf.js itself loads, so this must run before any test imports it.
 */
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
};

const g = globalThis as { Iterator?: unknown };
g.Iterator ??= { prototype: Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) };
