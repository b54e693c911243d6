/** Replaced at build time from ESIGN_TRUSTED_SERVERS (wxt.config.ts). */
declare const __ESIGN_TRUSTED_SERVERS__: string[];
