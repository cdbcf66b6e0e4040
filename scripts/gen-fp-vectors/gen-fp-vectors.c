// Test vectors for src/engine/cpu/softfloat.ts, produced by executing the real RISC-V F and D
// instructions (under qemu-riscv64) on edge-case and pseudo-random operands.
//
// To regenerate test/fixtures/softfloat/: scripts/gen-fp-vectors/run.sh
// (needs riscv64-linux-gnu-gcc and qemu-riscv64: apt-get install gcc-riscv64-linux-gnu qemu-user)
//
// Usage: gen-fp-vectors f32|f64|convert [seed [scale]] > vectors.txt
// (seed and scale give other or more random operands, for a deeper run than the committed one.)
//
// Output: a line "[name]" starts the vectors of one softfloat export; each vector line is
// <rm or -> <operands...> <result> <fflags>, all hex. Operands and results are raw encodings (8
// digits for binary32, 16 for binary64 and integers; flags and 0/1 results in as few as needed).
// Besides the exports, [f32_msub], [f32_nmsub], [f32_nmadd] and the f64 ones record FMSUB, FNMSUB
// and FNMADD, which the hart builds from mulAdd by flipping operand signs.

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t u32;
typedef uint64_t u64;

// --- Deterministic pseudo-random numbers (splitmix64) ---

static u64 rngState = 0x243f6a8885a308d3ull;

static u64 next64(void) {
  u64 z = (rngState += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static int below(int n) { return (int)(next64() % (u64)n); }

static int scale = 1; // multiplies every count of random operands

// --- Running one instruction ---
// Operands go in as raw bits through integer registers and fmv, so no compiler conversion can
// touch them; frm selects the rounding mode, fflags is cleared before and read right after.

#define CSR_IN "csrw frm, %[rm]\n\tcsrw fflags, zero\n\t"
#define CSR_OUT "\n\tcsrr %[f], fflags"

#define FP_BINARY(fn, insn, mvin, mvout)                                                      \
  static u64 fn(u64 a, u64 b, u64 c, int rm, u32 *flags) {                                    \
    u64 r, f;                                                                                 \
    (void)c;                                                                                  \
    __asm__ volatile(CSR_IN mvin " ft0, %[a]\n\t" mvin " ft1, %[b]\n\t" insn                  \
                     " ft2, ft0, ft1\n\t" mvout " %[r], ft2" CSR_OUT                          \
                     : [r] "=&r"(r), [f] "=&r"(f)                                             \
                     : [a] "r"(a), [b] "r"(b), [rm] "r"((u64)rm)                              \
                     : "ft0", "ft1", "ft2", "memory");                                        \
    *flags = (u32)f;                                                                          \
    return r;                                                                                 \
  }

#define FP_TERNARY(fn, insn, mvin, mvout)                                                     \
  static u64 fn(u64 a, u64 b, u64 c, int rm, u32 *flags) {                                    \
    u64 r, f;                                                                                 \
    __asm__ volatile(CSR_IN mvin " ft0, %[a]\n\t" mvin " ft1, %[b]\n\t" mvin " ft2, %[c]\n\t" \
                     insn " ft3, ft0, ft1, ft2\n\t" mvout " %[r], ft3" CSR_OUT                \
                     : [r] "=&r"(r), [f] "=&r"(f)                                             \
                     : [a] "r"(a), [b] "r"(b), [c] "r"(c), [rm] "r"((u64)rm)                  \
                     : "ft0", "ft1", "ft2", "ft3", "memory");                                 \
    *flags = (u32)f;                                                                          \
    return r;                                                                                 \
  }

// FP operands, integer result (comparisons).
#define FP_TO_INT_BINARY(fn, insn, mvin)                                                      \
  static u64 fn(u64 a, u64 b, u64 c, int rm, u32 *flags) {                                    \
    u64 r, f;                                                                                 \
    (void)c;                                                                                  \
    __asm__ volatile(CSR_IN mvin " ft0, %[a]\n\t" mvin " ft1, %[b]\n\t" insn                  \
                     " %[r], ft0, ft1" CSR_OUT                                                \
                     : [r] "=&r"(r), [f] "=&r"(f)                                             \
                     : [a] "r"(a), [b] "r"(b), [rm] "r"((u64)rm)                              \
                     : "ft0", "ft1", "memory");                                               \
    *flags = (u32)f;                                                                          \
    return r;                                                                                 \
  }

#define FP_UNARY(fn, insn, mvin, mvout)                                                       \
  static u64 fn(u64 a, u64 b, u64 c, int rm, u32 *flags) {                                    \
    u64 r, f;                                                                                 \
    (void)b;                                                                                  \
    (void)c;                                                                                  \
    __asm__ volatile(CSR_IN mvin " ft0, %[a]\n\t" insn " ft1, ft0\n\t" mvout                  \
                     " %[r], ft1" CSR_OUT                                                     \
                     : [r] "=&r"(r), [f] "=&r"(f)                                             \
                     : [a] "r"(a), [rm] "r"((u64)rm)                                          \
                     : "ft0", "ft1", "memory");                                               \
    *flags = (u32)f;                                                                          \
    return r;                                                                                 \
  }

// FP operand, integer result (FCVT to integer, FCLASS).
#define FP_TO_INT(fn, insn, mvin)                                                             \
  static u64 fn(u64 a, u64 b, u64 c, int rm, u32 *flags) {                                    \
    u64 r, f;                                                                                 \
    (void)b;                                                                                  \
    (void)c;                                                                                  \
    __asm__ volatile(CSR_IN mvin " ft0, %[a]\n\t" insn " %[r], ft0" CSR_OUT                   \
                     : [r] "=&r"(r), [f] "=&r"(f)                                             \
                     : [a] "r"(a), [rm] "r"((u64)rm)                                          \
                     : "ft0", "memory");                                                      \
    *flags = (u32)f;                                                                          \
    return r;                                                                                 \
  }

// Integer operand, FP result (FCVT from integer).
#define INT_TO_FP(fn, insn, mvout)                                                            \
  static u64 fn(u64 a, u64 b, u64 c, int rm, u32 *flags) {                                    \
    u64 r, f;                                                                                 \
    (void)b;                                                                                  \
    (void)c;                                                                                  \
    __asm__ volatile(CSR_IN insn " ft0, %[a]\n\t" mvout " %[r], ft0" CSR_OUT                  \
                     : [r] "=&r"(r), [f] "=&r"(f)                                             \
                     : [a] "r"(a), [rm] "r"((u64)rm)                                          \
                     : "ft0", "memory");                                                      \
    *flags = (u32)f;                                                                          \
    return r;                                                                                 \
  }

FP_BINARY(fadd_s, "fadd.s", "fmv.w.x", "fmv.x.w")
FP_BINARY(fsub_s, "fsub.s", "fmv.w.x", "fmv.x.w")
FP_BINARY(fmul_s, "fmul.s", "fmv.w.x", "fmv.x.w")
FP_BINARY(fdiv_s, "fdiv.s", "fmv.w.x", "fmv.x.w")
FP_BINARY(fmin_s, "fmin.s", "fmv.w.x", "fmv.x.w")
FP_BINARY(fmax_s, "fmax.s", "fmv.w.x", "fmv.x.w")
FP_UNARY(fsqrt_s, "fsqrt.s", "fmv.w.x", "fmv.x.w")
FP_TERNARY(fmadd_s, "fmadd.s", "fmv.w.x", "fmv.x.w")
FP_TERNARY(fmsub_s, "fmsub.s", "fmv.w.x", "fmv.x.w")
FP_TERNARY(fnmsub_s, "fnmsub.s", "fmv.w.x", "fmv.x.w")
FP_TERNARY(fnmadd_s, "fnmadd.s", "fmv.w.x", "fmv.x.w")
FP_TO_INT_BINARY(feq_s, "feq.s", "fmv.w.x")
FP_TO_INT_BINARY(flt_s, "flt.s", "fmv.w.x")
FP_TO_INT_BINARY(fle_s, "fle.s", "fmv.w.x")
FP_TO_INT(fclass_s, "fclass.s", "fmv.w.x")

FP_BINARY(fadd_d, "fadd.d", "fmv.d.x", "fmv.x.d")
FP_BINARY(fsub_d, "fsub.d", "fmv.d.x", "fmv.x.d")
FP_BINARY(fmul_d, "fmul.d", "fmv.d.x", "fmv.x.d")
FP_BINARY(fdiv_d, "fdiv.d", "fmv.d.x", "fmv.x.d")
FP_BINARY(fmin_d, "fmin.d", "fmv.d.x", "fmv.x.d")
FP_BINARY(fmax_d, "fmax.d", "fmv.d.x", "fmv.x.d")
FP_UNARY(fsqrt_d, "fsqrt.d", "fmv.d.x", "fmv.x.d")
FP_TERNARY(fmadd_d, "fmadd.d", "fmv.d.x", "fmv.x.d")
FP_TERNARY(fmsub_d, "fmsub.d", "fmv.d.x", "fmv.x.d")
FP_TERNARY(fnmsub_d, "fnmsub.d", "fmv.d.x", "fmv.x.d")
FP_TERNARY(fnmadd_d, "fnmadd.d", "fmv.d.x", "fmv.x.d")
FP_TO_INT_BINARY(feq_d, "feq.d", "fmv.d.x")
FP_TO_INT_BINARY(flt_d, "flt.d", "fmv.d.x")
FP_TO_INT_BINARY(fle_d, "fle.d", "fmv.d.x")
FP_TO_INT(fclass_d, "fclass.d", "fmv.d.x")

FP_UNARY(fcvt_d_s, "fcvt.d.s", "fmv.w.x", "fmv.x.d")
FP_UNARY(fcvt_s_d, "fcvt.s.d", "fmv.d.x", "fmv.x.w")
FP_TO_INT(fcvt_w_s, "fcvt.w.s", "fmv.w.x")
FP_TO_INT(fcvt_wu_s, "fcvt.wu.s", "fmv.w.x")
FP_TO_INT(fcvt_l_s, "fcvt.l.s", "fmv.w.x")
FP_TO_INT(fcvt_lu_s, "fcvt.lu.s", "fmv.w.x")
FP_TO_INT(fcvt_w_d, "fcvt.w.d", "fmv.d.x")
FP_TO_INT(fcvt_wu_d, "fcvt.wu.d", "fmv.d.x")
FP_TO_INT(fcvt_l_d, "fcvt.l.d", "fmv.d.x")
FP_TO_INT(fcvt_lu_d, "fcvt.lu.d", "fmv.d.x")
INT_TO_FP(fcvt_s_w, "fcvt.s.w", "fmv.x.w")
INT_TO_FP(fcvt_s_wu, "fcvt.s.wu", "fmv.x.w")
INT_TO_FP(fcvt_s_l, "fcvt.s.l", "fmv.x.w")
INT_TO_FP(fcvt_s_lu, "fcvt.s.lu", "fmv.x.w")
INT_TO_FP(fcvt_d_w, "fcvt.d.w", "fmv.x.d")
INT_TO_FP(fcvt_d_wu, "fcvt.d.wu", "fmv.x.d")
INT_TO_FP(fcvt_d_l, "fcvt.d.l", "fmv.x.d")
INT_TO_FP(fcvt_d_lu, "fcvt.d.lu", "fmv.x.d")

typedef u64 (*insn_fn)(u64 a, u64 b, u64 c, int rm, u32 *flags);

// --- Printing ---

// Hex digits printed: a binary32, a binary64 or 64-bit integer, a small integer (0/1, a class mask).
enum { W32 = 8, W64 = 16, WMIN = 1 };

typedef struct {
  const char *name; // the softfloat export (or f32_/f64_ msub, nmsub, nmadd)
  insn_fn run;
  int arity;
  int inWidth;
  int outWidth;
  int rounds; // whether rm matters; otherwise printed as '-' and run with RNE
} Op;

static void emit(const Op *op, int rm, u64 a, u64 b, u64 c) {
  u32 flags;
  u64 r = op->run(a, b, c, op->rounds ? rm : 0, &flags);
  if (op->outWidth == W32) r &= 0xffffffffu; // fmv.x.w sign-extends
  static const Op *section;
  if (op != section) printf("[%s]\n", op->name);
  section = op;
  if (op->rounds) printf("%d", rm);
  else printf("-");
  printf(" %0*llx", op->inWidth, (unsigned long long)a);
  if (op->arity >= 2) printf(" %0*llx", op->inWidth, (unsigned long long)b);
  if (op->arity >= 3) printf(" %0*llx", op->inWidth, (unsigned long long)c);
  printf(" %0*llx %02x\n", op->outWidth, (unsigned long long)r, flags);
}

// Each operand tuple once per rounding mode (once only if the op does not round).
static void emitAllModes(const Op *op, u64 a, u64 b, u64 c) {
  for (int rm = 0; rm <= (op->rounds ? 4 : 0); rm++) emit(op, rm, a, b, c);
}

// --- Formats and operands ---

typedef struct {
  int fracBits;
  int expBits;
  int width;
  const u64 *edges;
  int edgeCount;
  int cross;
} Format;

static u64 makeFloat(const Format *f, u64 sign, u64 exp, u64 frac) {
  return (sign << (f->fracBits + f->expBits)) | (exp << f->fracBits) |
         (frac & ((1ull << f->fracBits) - 1));
}

static int expOf(const Format *f, u64 x) {
  return (int)((x >> f->fracBits) & ((1u << f->expBits) - 1));
}

static u64 signOf(const Format *f, u64 x) { return (x >> (f->fracBits + f->expBits)) & 1; }

static u64 negate(const Format *f, u64 x) { return x ^ (1ull << (f->fracBits + f->expBits)); }

// a × b rounded to nearest, as raw bits (fmv.x.w sign-extends a binary32, so mask it).
static u64 multiply(const Format *f, insn_fn mul, u64 a, u64 b) {
  u32 flags;
  u64 p = mul(a, b, 0, 0, &flags);
  return f->width == W32 ? p & 0xffffffffu : p;
}

// Significands with structure: long runs of ones or zeros are what make rounding carry, tie and
// cancel, and uniform random bits rarely produce them.
static u64 randomFraction(const Format *f) {
  int n = f->fracBits;
  u64 mask = (1ull << n) - 1;
  switch (below(10)) {
    case 0: return 0;
    case 1: return mask;
    case 2: return mask >> below(n);                    // trailing ones
    case 3: return (mask << below(n)) & mask;           // leading ones
    case 4: return 1ull << below(n);                    // one bit
    case 5: return (mask >> below(n)) ^ (1ull << below(n)); // ones with a hole
    case 6: return (next64() & mask) | 1;
    default: return next64() & mask;
  }
}

// Exponents concentrated where things happen: around 1, at both ends of the range, subnormal.
static u64 randomExponent(const Format *f) {
  int emax = (1 << f->expBits) - 1;
  int bias = emax >> 1;
  switch (below(12)) {
    case 0: return 0;
    case 1: return 1 + below(f->fracBits + 2);
    case 2: return emax - 1 - below(f->fracBits + 2);
    case 3: return 1 + below(emax - 1);
    case 4: return below(40) == 0 ? (u64)emax : 1 + below(emax - 1);
    default: return bias - 10 + below(21);
  }
}

static u64 randomFloat(const Format *f) {
  return makeFloat(f, next64() & 1, randomExponent(f), randomFraction(f));
}

static u64 randomFinite(const Format *f) {
  u64 x;
  do x = randomFloat(f);
  while (expOf(f, x) == (1 << f->expBits) - 1);
  return x;
}

// x with its exponent moved by up to ±spread (clamped to the finite range).
static u64 nearExponent(const Format *f, u64 x, int spread) {
  int emax = (1 << f->expBits) - 1;
  int e = expOf(f, x) + below(2 * spread + 1) - spread;
  if (e < 0) e = 0;
  if (e > emax - 1) e = emax - 1;
  return makeFloat(f, next64() & 1, (u64)e, randomFraction(f));
}

// A finite y whose exponent makes ex + ey − bias land near `target` (for products and quotients
// near overflow or underflow); sign = −1 picks the quotient form ex − ey + bias.
static u64 exponentPartner(const Format *f, u64 x, int target, int sign) {
  int emax = (1 << f->expBits) - 1;
  int bias = emax >> 1;
  int e = sign > 0 ? target - expOf(f, x) + bias : expOf(f, x) + bias - target;
  e += below(5) - 2;
  if (e < 0) e = 0;
  if (e > emax - 1) e = emax - 1;
  return makeFloat(f, next64() & 1, (u64)e, randomFraction(f));
}

// The first `cross` edges are crossed with each other for two-operand ops; all of them serve
// single operands and get mixed with random partners.
static const u64 edges32[] = {
    0x00000000, 0x80000000,                         // zeros
    0x00000001, 0x007fffff, 0x807fffff,             // subnormals
    0x00800000, 0x00800001,                         // smallest normals
    0x7f7fffff, 0xff7fffff,                         // largest finite
    0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff, // around 1
    0x40400000, 0x3dcccccd, 0x33800000,             // 3, 0.1, 2^-24
    0x7f800000, 0xff800000,                         // infinities
    0x7fc00000, 0xffc12345,                         // quiet NaNs
    0x7f800001, 0xffa00000,                         // signalling NaNs
    // not crossed
    0x80000001, 0x00000003, 0x00400000, 0x00400001, 0x80800000, 0x00ffffff, 0x7f7ffffe,
    0x7f000000, 0x3fc00000, 0x40000000, 0xc0a00000, 0x3f000000, 0x4b800000, 0x4b7fffff,
    0x0c000000, 0x72800000, 0xffc00000, 0x7fc12345,
};

static const u64 edges64[] = {
    0x0000000000000000, 0x8000000000000000,                     // zeros
    0x0000000000000001, 0x000fffffffffffff, 0x800fffffffffffff, // subnormals
    0x0010000000000000, 0x0010000000000001,                     // smallest normals
    0x7fefffffffffffff, 0xffefffffffffffff,                     // largest finite
    0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001, // around 1
    0x3fefffffffffffff,                                         //
    0x4008000000000000, 0x3fb999999999999a, 0x3ca0000000000000, // 3, 0.1, 2^-53
    0x7ff0000000000000, 0xfff0000000000000,                     // infinities
    0x7ff8000000000000, 0xfff8000000012345,                     // quiet NaNs
    0x7ff0000000000001, 0xfff4000000000000,                     // signalling NaNs
    // not crossed
    0x8000000000000001, 0x0000000000000003, 0x0008000000000000, 0x0008000000000001,
    0x8010000000000000, 0x001fffffffffffff, 0x7feffffffffffffe, 0x7fe0000000000000,
    0x3ff8000000000000, 0x4000000000000000, 0xc014000000000000, 0x3fe0000000000000,
    0x4340000000000000, 0x433fffffffffffff, 0x0180000000000000, 0x7e60000000000000,
    0xfff8000000000000, 0x7ff8000000012345,
};

static const Format f32 = {23, 8, W32, edges32, sizeof edges32 / sizeof edges32[0], 22};
static const Format f64 = {52, 11, W64, edges64, sizeof edges64 / sizeof edges64[0], 22};

// --- Vector sets per operation ---

// The crossed edges paired under RNE, and every eighth pair under the other modes too.
static void edgePairs(const Format *f, const Op *op) {
  int k = 0;
  for (int i = 0; i < f->cross; i++)
    for (int j = 0; j < f->cross; j++, k++) {
      if (!op->rounds) {
        emit(op, 0, f->edges[i], f->edges[j], 0);
        continue;
      }
      emit(op, 0, f->edges[i], f->edges[j], 0);
      if (k % 8 == 0)
        for (int rm = 1; rm <= 4; rm++) emit(op, rm, f->edges[i], f->edges[j], 0);
    }
}

enum { ADD, MUL, DIV };

static void arithmetic(const Format *f, const Op *op, int kind, int count) {
  int emax = (1 << f->expBits) - 1;
  int bias = emax >> 1;
  edgePairs(f, op);
  for (int i = 0; i < count; i++) {
    u64 a = randomFloat(f), b;
    int shape = below(4);
    if (shape == 0) b = randomFloat(f);
    else if (shape == 1) b = f->edges[below(f->edgeCount)];
    else if (kind == ADD) b = nearExponent(f, a, shape == 2 ? 3 : f->fracBits + 4);
    else {
      // Aim the result's exponent at overflow, at 2^emin, into the subnormals, below them
      // (rounding to zero or the smallest subnormal), or around 1.
      int target;
      switch (below(5)) {
        case 0: target = emax - 1 - below(3); break;
        case 1: target = 1 - below(3); break;
        case 2: target = -below(f->fracBits + 2); break;
        case 3: target = -f->fracBits - below(10); break;
        default: target = bias; break;
      }
      b = exponentPartner(f, a, target, kind == DIV ? -1 : 1);
    }
    if (below(2)) {
      u64 t = a;
      a = b;
      b = t;
    }
    emitAllModes(op, a, b, 0);
  }
}

// Quotients that come out exact, so the sticky bit must be clear.
static void exactQuotients(const Format *f, const Op *op, insn_fn mul, int count) {
  for (int i = 0; i < count; i++) {
    u64 b = randomFinite(f);
    u64 q = makeFloat(f, next64() & 1, (u64)((1 << (f->expBits - 1)) - 1 + below(8)),
                      (u64)below(16) << (f->fracBits - 4));
    emitAllModes(op, multiply(f, mul, b, q), b, 0); // exact unless it left the range
  }
}

static void squareRoots(const Format *f, const Op *op, insn_fn mul, int count) {
  for (int i = 0; i < f->edgeCount; i++) emitAllModes(op, f->edges[i], 0, 0);
  for (int i = 0; i < count; i++) {
    u64 a = randomFloat(f);
    if (below(3) == 0) {
      // A perfect square (an exact root), or its neighbour one unit up.
      u64 x = makeFloat(f, 0, (u64)(1 + below((1 << f->expBits) - 2)),
                        next64() & ~((1ull << (f->fracBits / 2 + 1)) - 1));
      a = multiply(f, mul, x, x) + (u64)below(2);
    } else if (below(2)) {
      a &= ~(1ull << (f->fracBits + f->expBits)); // mostly positive
    }
    emitAllModes(op, a, 0, 0);
  }
}

static void fusedMulAdds(const Format *f, const Op *op, insn_fn mul, int count, int allModes) {
  int emax = (1 << f->expBits) - 1;
  for (int i = 0; i < count; i++) {
    u64 a, b, c;
    int shape = below(6);
    if (shape == 0) {
      a = f->edges[below(f->edgeCount)];
      b = f->edges[below(f->edgeCount)];
      c = f->edges[below(f->edgeCount)];
    } else {
      a = randomFloat(f);
      b = randomFloat(f);
      if (shape == 1) b = exponentPartner(f, a, below(2) ? emax - 2 : -below(f->fracBits), 1);
      u64 p = multiply(f, mul, a, b); // the rounded product, to aim the addend at
      if (shape == 2 && expOf(f, p) != emax) {
        c = negate(f, p); // a·b − round(a·b): the product's rounding error, exactly
        if (below(2)) c = (c + (u64)below(5) - 2) & (f->width == W32 ? 0xffffffffu : ~0ull);
      } else if (shape == 3 && expOf(f, p) != emax) {
        c = nearExponent(f, p, below(2) ? 2 : f->fracBits + 3);
      } else if (shape == 4) {
        c = f->edges[below(f->edgeCount)];
      } else {
        c = randomFloat(f);
      }
    }
    if (allModes) emitAllModes(op, a, b, c);
    else emit(op, below(5), a, b, c);
  }
}

static void comparisons(const Format *f, const Op *op, int count) {
  edgePairs(f, op);
  for (int i = 0; i < count; i++) {
    u64 a = randomFloat(f);
    int shape = below(4);
    u64 b = shape == 0 ? a : shape == 1 ? negate(f, a) : shape == 2 ? nearExponent(f, a, 1)
                                                                     : randomFloat(f);
    emit(op, 0, a, b, 0);
  }
}

static void classifications(const Format *f, const Op *op, int count) {
  for (int i = 0; i < f->edgeCount; i++) emit(op, 0, f->edges[i], 0, 0);
  for (int i = 0; i < count; i++) emit(op, 0, randomFloat(f), 0, 0);
}

static void formatGroup(const Format *f, const char *p, insn_fn add, insn_fn sub, insn_fn mul,
                        insn_fn div, insn_fn sqrt, insn_fn fma, insn_fn msub, insn_fn nmsub,
                        insn_fn nmadd, insn_fn eq, insn_fn lt, insn_fn le, insn_fn min,
                        insn_fn max, insn_fn cls) {
  char names[16][16];
  const char *suffix[] = {"add", "sub",   "mul",   "div", "sqrt", "mulAdd", "msub", "nmsub",
                          "nmadd", "eq", "lt", "le", "min", "max", "classify"};
  for (int i = 0; i < 15; i++) snprintf(names[i], sizeof names[i], "%s_%s", p, suffix[i]);
  int w = f->width;
  Op ops[] = {
      {names[0], add, 2, w, w, 1},   {names[1], sub, 2, w, w, 1},   {names[2], mul, 2, w, w, 1},
      {names[3], div, 2, w, w, 1},   {names[4], sqrt, 1, w, w, 1},  {names[5], fma, 3, w, w, 1},
      {names[6], msub, 3, w, w, 1},  {names[7], nmsub, 3, w, w, 1}, {names[8], nmadd, 3, w, w, 1},
      {names[9], eq, 2, w, WMIN, 0}, {names[10], lt, 2, w, WMIN, 0}, {names[11], le, 2, w, WMIN, 0},
      {names[12], min, 2, w, w, 0},  {names[13], max, 2, w, w, 0},  {names[14], cls, 1, w, WMIN, 0},
  };
  arithmetic(f, &ops[0], ADD, 160 * scale);
  arithmetic(f, &ops[1], ADD, 120 * scale);
  arithmetic(f, &ops[2], MUL, 160 * scale);
  arithmetic(f, &ops[3], DIV, 140 * scale);
  exactQuotients(f, &ops[3], mul, 30 * scale);
  squareRoots(f, &ops[4], mul, 150 * scale);
  fusedMulAdds(f, &ops[5], mul, 400 * scale, 1);
  for (int i = 6; i <= 8; i++) fusedMulAdds(f, &ops[i], mul, 150 * scale, 0);
  for (int i = 9; i <= 13; i++) comparisons(f, &ops[i], 100 * scale);
  classifications(f, &ops[14], 60 * scale);
}

// --- Conversions ---

// Values where float-to-integer conversion turns: halves, the bounds of every destination, and
// the first values past them. Built from (sign, value as a double) and narrowed when exact.
static const double convertPoints[] = {
    0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 3.5, 0.49999997, 1e-30, 1e-310,
    2147483647.0, 2147483647.5, 2147483648.0, 2147483648.5, 2147483649.0, 2147483646.5,
    4294967295.0, 4294967295.5, 4294967296.0, 4294967297.0, 4294967294.5,
    9223372036854775807.0, 9223372036854774784.0, 9223372036854777856.0,
    18446744073709551616.0, 18446744073709549568.0, 18446744073709555712.0,
    2147483520.0, 2147483904.0, 4294967040.0, 4294967808.0, // binary32 neighbours of the bounds
    9223371487098961920.0, 9223373136366403584.0, 18446742974197923840.0, 18446746272732807168.0,
    16777217.0, 9007199254740993.0, 1e30, 1e300,
};

static u64 doubleBits(double d) {
  u64 x;
  memcpy(&x, &d, 8);
  return x;
}

static u64 floatBits(float v) {
  u32 x;
  memcpy(&x, &v, 4);
  return x;
}

// A float whose unbiased exponent lies in [−2, 66], where integer conversions are decided.
static u64 randomConvertible(const Format *f) {
  int bias = (1 << (f->expBits - 1)) - 1;
  return makeFloat(f, next64() & 1, (u64)(bias - 2 + below(69)), randomFraction(f));
}

static void floatToInt(const Format *f, const Op *op, int count) {
  enum { N = sizeof convertPoints / sizeof convertPoints[0] };
  u64 done[2 * N];
  int doneCount = 0;
  for (int i = 0; i < N; i++)
    for (int s = 0; s < 2; s++) {
      double d = s ? -convertPoints[i] : convertPoints[i];
      u64 x = f->width == W32 ? floatBits((float)d) : doubleBits(d);
      int seen = 0; // narrowing to binary32 merges some points
      for (int j = 0; j < doneCount; j++) seen |= done[j] == x;
      if (seen) continue;
      done[doneCount++] = x;
      emitAllModes(op, x, 0, 0);
    }
  for (int i = 0; i < f->edgeCount; i++)
    if (i < f->cross) emitAllModes(op, f->edges[i], 0, 0);
    else emit(op, below(5), f->edges[i], 0, 0);
  for (int i = 0; i < count; i++) emitAllModes(op, randomConvertible(f), 0, 0);
}

// Integers with structured bit patterns and every length, plus junk in the upper word (the
// 32-bit conversions must read only the low word).
static u64 randomInteger(void) {
  int len = 1 + below(64);
  u64 mask = len == 64 ? ~0ull : (1ull << len) - 1;
  u64 x;
  switch (below(4)) {
    case 0: x = mask; break;
    case 1: x = (mask >> 1) + 1 + (u64)below(4); break; // just past a power of two
    case 2: x = mask ^ ((u64)1 << below(len)); break;
    default: x = next64() & mask; break;
  }
  if (below(4) == 0) x = 0 - x;
  return x;
}

static const u64 intPoints[] = {
    0, 1, 2, 3, 0xffffffffffffffffull, 0xfffffffffffffffeull,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xffffffff80000000ull, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull,
    0x1000001, 0x1000002, 0x1000003, 0x2000003, 0x7ffffff0, // binary32 ties around 2^24
    0x20000000000001ull, 0x20000000000003ull, 0x40000000000006ull, // binary64 ties around 2^53
    0x123456789abcdef0ull, 0xdeadbeef00000005ull,
};

static void intToFloat(const Op *op, int count) {
  for (unsigned i = 0; i < sizeof intPoints / sizeof intPoints[0]; i++)
    emitAllModes(op, intPoints[i], 0, 0);
  for (int i = 0; i < count; i++) emitAllModes(op, randomInteger(), 0, 0);
}

static void convertGroup(void) {
  Op widen = {"f32_to_f64", fcvt_d_s, 1, W32, W64, 0};
  Op narrow = {"f64_to_f32", fcvt_s_d, 1, W64, W32, 1};
  for (int i = 0; i < f32.edgeCount; i++) emit(&widen, 0, f32.edges[i], 0, 0);
  for (int i = 0; i < 100 * scale; i++) emit(&widen, 0, randomFloat(&f32), 0, 0);
  for (int i = 0; i < f64.edgeCount; i++) emitAllModes(&narrow, f64.edges[i], 0, 0);
  for (int i = 0; i < 150 * scale; i++) {
    // Mostly values inside or just outside binary32's range, where narrowing rounds.
    int bias = 1023;
    u64 x = below(4) == 0 ? randomFloat(&f64)
                          : makeFloat(&f64, next64() & 1, (u64)(bias - 155 + below(285)),
                                      randomFraction(&f64));
    emitAllModes(&narrow, x, 0, 0);
  }

  Op toInt[] = {
      {"f32_to_i32", fcvt_w_s, 1, W32, W64, 1},  {"f32_to_u32", fcvt_wu_s, 1, W32, W64, 1},
      {"f32_to_i64", fcvt_l_s, 1, W32, W64, 1},  {"f32_to_u64", fcvt_lu_s, 1, W32, W64, 1},
      {"f64_to_i32", fcvt_w_d, 1, W64, W64, 1},  {"f64_to_u32", fcvt_wu_d, 1, W64, W64, 1},
      {"f64_to_i64", fcvt_l_d, 1, W64, W64, 1},  {"f64_to_u64", fcvt_lu_d, 1, W64, W64, 1},
  };
  for (int i = 0; i < 8; i++) floatToInt(i < 4 ? &f32 : &f64, &toInt[i], 25 * scale);

  Op fromInt[] = {
      {"i32_to_f32", fcvt_s_w, 1, W64, W32, 1},  {"u32_to_f32", fcvt_s_wu, 1, W64, W32, 1},
      {"i64_to_f32", fcvt_s_l, 1, W64, W32, 1},  {"u64_to_f32", fcvt_s_lu, 1, W64, W32, 1},
      {"i32_to_f64", fcvt_d_w, 1, W64, W64, 1},  {"u32_to_f64", fcvt_d_wu, 1, W64, W64, 1},
      {"i64_to_f64", fcvt_d_l, 1, W64, W64, 1},  {"u64_to_f64", fcvt_d_lu, 1, W64, W64, 1},
  };
  for (int i = 0; i < 8; i++) intToFloat(&fromInt[i], 30 * scale);
}

int main(int argc, char **argv) {
  const char *group = argc > 1 ? argv[1] : "";
  if (argc > 2) rngState = strtoull(argv[2], 0, 0);
  if (argc > 3) scale = atoi(argv[3]);
  if (strcmp(group, "f32") == 0) {
    formatGroup(&f32, "f32", fadd_s, fsub_s, fmul_s, fdiv_s, fsqrt_s, fmadd_s, fmsub_s, fnmsub_s,
                fnmadd_s, feq_s, flt_s, fle_s, fmin_s, fmax_s, fclass_s);
  } else if (strcmp(group, "f64") == 0) {
    formatGroup(&f64, "f64", fadd_d, fsub_d, fmul_d, fdiv_d, fsqrt_d, fmadd_d, fmsub_d, fnmsub_d,
                fnmadd_d, feq_d, flt_d, fle_d, fmin_d, fmax_d, fclass_d);
  } else if (strcmp(group, "convert") == 0) {
    convertGroup();
  } else {
    fprintf(stderr, "usage: gen-fp-vectors f32|f64|convert [seed [scale]]\n");
    return 2;
  }
  return 0;
}
