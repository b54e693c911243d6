// fflate for the verify CLI's bundle, evaluated at its first use instead of at start-up. fflate builds its
// Huffman tables when its module is evaluated (a 32,768-step loop among others, ~4 ms of a cold start),
// and most signed PDFs are verified without inflating anything: a classic xref, hex /Contents. The
// launcher resolves `import … from 'fflate'` here; esbuild bundles this `require` as a module that runs
// when first called. The same classes, so the browser and the CLI decode alike.
'use strict';
let fflate;
const load = () => (fflate ??= require('./fflate-inflate.mjs'));
exports.Inflate = function Inflate(...args) {
  return new (load().Inflate)(...args);
};
exports.Unzlib = function Unzlib(...args) {
  return new (load().Unzlib)(...args);
};
