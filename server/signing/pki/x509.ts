/**
 * @peculiar/x509 with what it needs: a Reflect metadata polyfill (its DI container, tsyringe, requires
 * one before the module loads) and Node's WebCrypto as provider. Import x509 only from here.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
