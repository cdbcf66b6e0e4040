/* A CPU-bound guest workload for `npm run bench:cpu`: integer arithmetic, branches, memory
   traffic and a floating-point loop, each a few tens of millions of instructions. The result is
   folded into a checksum so nothing can be optimised away. */
#include <stdint.h>

#define WORDS (1 << 16) /* 256 KiB: larger than a TLB's reach of a few pages, smaller than RAM */
static uint32_t buffer[WORDS];
volatile uint64_t checksum;

static uint64_t xorshift(uint64_t x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

/* Integer arithmetic: multiply, divide, shifts. */
static uint64_t integer_work(int rounds) {
  uint64_t h = 0x9e3779b97f4a7c15u, acc = 0;
  for (int i = 0; i < rounds; i++) {
    h = xorshift(h);
    acc += (h * 0x2545f4914f6cdd1du) ^ (h >> 29);
    acc += h / ((h & 0xff) | 1);
  }
  return acc;
}

/* Branches: Collatz sequence lengths. */
static uint64_t branch_work(int limit) {
  uint64_t total = 0;
  for (uint64_t n = 1; n < (uint64_t)limit; n++) {
    uint64_t x = n;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x >> 1;
      total++;
    }
  }
  return total;
}

/* Memory traffic: fill, strided reads, and an in-place shell sort. */
static uint64_t memory_work(int passes) {
  uint64_t seed = 12345, sum = 0;
  for (int p = 0; p < passes; p++) {
    for (int i = 0; i < WORDS; i++) {
      seed = xorshift(seed);
      buffer[i] = (uint32_t)seed;
    }
    for (int stride = 1; stride < 64; stride *= 3)
      for (int i = 0; i < WORDS; i += stride) sum += buffer[i];
    for (int gap = WORDS / 2; gap > 0; gap /= 2)
      for (int i = gap; i < WORDS / 16; i++) {
        uint32_t v = buffer[i];
        int j = i;
        while (j >= gap && buffer[j - gap] > v) {
          buffer[j] = buffer[j - gap];
          j -= gap;
        }
        buffer[j] = v;
      }
    sum += buffer[WORDS / 32];
  }
  return sum;
}

/* Floating point: Mandelbrot iterations in double precision. */
static uint64_t float_work(int size) {
  uint64_t inside = 0;
  for (int py = 0; py < size; py++)
    for (int px = 0; px < size; px++) {
      double cx = -2.0 + 2.5 * px / size, cy = -1.25 + 2.5 * py / size;
      double x = 0, y = 0;
      int i = 0;
      while (i < 100 && x * x + y * y <= 4.0) {
        double t = x * x - y * y + cx;
        y = 2 * x * y + cy;
        x = t;
        i++;
      }
      inside += i;
    }
  return inside;
}

int main(void) {
  uint64_t c = 0;
  c += integer_work(4000000);
  c += branch_work(150000);
  c += memory_work(12);
  c += float_work(400);
  checksum = c;
  return 0;
}
