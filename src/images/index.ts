// The images that ship with the package, by name: the manifest of each. Bundlers that follow
// `new URL(..., import.meta.url)` (rollup with scripts/rollup/url-assets.js, Vite) copy them.
export const builtInImages: Readonly<Record<string, URL>> = {
  busybox: new URL('./busybox/dist/manifest.json', import.meta.url),
};
