// The two fflate classes the PDF reader uses, from fflate's browser build (no worker_threads). Only
// lazy-fflate.cjs requires this, so the verify bundle evaluates it (and fflate) at first use, tree-shaken.
export { Inflate, Unzlib } from 'fflate/browser';
