import { browser } from 'wxt/browser';

/** URL of a file in the extension that WXT's typed public paths do not know (copied in by a hook). */
export function extensionUrl(path: string): string {
  return (browser.runtime.getURL as (p: string) => string)(path);
}
