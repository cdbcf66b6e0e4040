// Types of chromium.js, for the TypeScript tests.
export const chromiumPath: string;
export const chromiumArgs: string[];
