/** The console strings, Japanese first (merged into ./messages.ts). Keys start with `console.`. */
export const ja = {} as const;

export const en: Record<keyof typeof ja, string> = {};
