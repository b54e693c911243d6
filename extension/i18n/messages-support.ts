/** The support strings, Japanese first (merged into ./messages.ts). Keys start with `support.`. */
export const ja = {} as const;

export const en: Record<keyof typeof ja, string> = {};
