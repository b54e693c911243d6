/** The web strings, Japanese first (merged into ./messages.ts). Keys start with `web.`. */
export const ja = {} as const;

export const en: Record<keyof typeof ja, string> = {};
