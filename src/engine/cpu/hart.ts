// Placeholder: the RV64GC hart lands with issue 3.
export function version(): u32 {
  return 1;
}
