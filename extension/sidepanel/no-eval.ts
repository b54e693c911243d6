/**
 * zod compiles object parsers with `new Function` when it may, and finds out by trying while each
 * schema is defined: under the extension's CSP and the web page's (`script-src 'self'`) the attempt
 * is itself a reported violation. Its interpreter is fast enough for a few API answers. Import this
 * module first in an entry, before any module that defines a schema.
 */
import { z } from 'zod';

z.config({ jitless: true });
