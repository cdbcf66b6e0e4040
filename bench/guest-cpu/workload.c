/* The Linux-guest CPU benchmark's workload (`npm run bench:guest-cpu`): four kernels of ordinary
   compiled C, each timed with CLOCK_MONOTONIC around its work, so that process start, page-ins
   and the shell stay outside the figure:
     crc32   table-driven CRC-32 over random bytes: loads, shifts, xors, a tight loop;
     sort    quicksort of random 32-bit keys: compares, branches that do not predict, stores;
     matmul  a product of double matrices: floating-point multiply-add through the FPU;
     chase   a walk around one long random cycle of list nodes: dependent loads over 16 MiB,
             a new page almost every step, so the TLB and its misses are what is measured.
   Each kernel's result is printed and folded into one checksum, so that every side of the
   benchmark can be checked to have computed the same thing. Output, one "name value" per line:
     crc32 <hex> <seconds> ... checksum <hex> / seconds <total>
   argv[1], a positive number (default 1), scales every kernel's work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* xorshift64 (Marsaglia 2003): a fixed seed, so every run draws the same numbers. */
static uint64_t random_state = 0x9e3779b97f4a7c15u;
static uint64_t next_random(void) {
  random_state ^= random_state << 13;
  random_state ^= random_state >> 7;
  random_state ^= random_state << 17;
  return random_state;
}

/* CRC-32 of IEEE 802.3 (reflected, polynomial 0xEDB88320), as zlib and Ethernet compute it. */
static uint64_t crc32_kernel(double scale) {
  enum { BYTES = 1 << 20 };
  static uint32_t table[256];
  static uint8_t data[BYTES];
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  for (int i = 0; i < BYTES; i++) data[i] = (uint8_t)next_random();
  uint32_t crc = 0;
  int passes = (int)(64 * scale) + 1;
  for (int p = 0; p < passes; p++) {
    uint32_t c = ~crc; /* each pass continues from the last: no pass can be skipped */
    for (int i = 0; i < BYTES; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >> 8);
    crc = ~c;
  }
  return crc;
}

static void insertion_sort(uint32_t *a, long n) {
  for (long i = 1; i < n; i++) {
    uint32_t v = a[i];
    long j = i;
    for (; j > 0 && a[j - 1] > v; j--) a[j] = a[j - 1];
    a[j] = v;
  }
}

/* Quicksort with a median-of-three pivot (Hoare partition), small ranges by insertion. */
static void quicksort(uint32_t *a, long n) {
  while (n > 16) {
    uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
    uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    long i = -1, j = n;
    for (;;) {
      do i++;
      while (a[i] < pivot);
      do j--;
      while (a[j] > pivot);
      if (i >= j) break;
      uint32_t t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    /* Recurse into the smaller part, loop on the larger: the stack stays O(log n). */
    if (j + 1 < n - j - 1) {
      quicksort(a, j + 1);
      a += j + 1;
      n -= j + 1;
    } else {
      quicksort(a + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  insertion_sort(a, n);
}

static uint64_t sort_kernel(double scale) {
  long n = (long)(2000000 * scale) + 16;
  uint32_t *keys = malloc(n * sizeof *keys);
  if (!keys) return 0;
  for (long i = 0; i < n; i++) keys[i] = (uint32_t)(next_random() >> 32);
  quicksort(keys, n);
  uint64_t sum = 0;
  for (long i = 0; i < n; i++) {
    if (i > 0 && keys[i - 1] > keys[i]) {
      printf("sort: not sorted at %ld\n", i);
      exit(1);
    }
    sum = sum * 31 + keys[i];
  }
  free(keys);
  return sum;
}

/* C = A·B for N×N doubles, loops in i-k-j order so the inner loop runs along rows. */
static uint64_t matmul_kernel(double scale) {
  enum { N = 160 };
  static double a[N][N], b[N][N], c[N][N];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (double)(next_random() % 2001) / 1000.0 - 1.0;
      b[i][j] = (double)(next_random() % 2001) / 1000.0 - 1.0;
    }
  int rounds = (int)(12 * scale) + 1;
  double total = 0;
  for (int r = 0; r < rounds; r++) {
    memset(c, 0, sizeof c);
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) {
        double aik = a[i][k];
        for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
      }
    for (int i = 0; i < N; i++) {
      total += c[i][(i * 7 + r) % N];
      a[i][r % N] = c[i][i] * 0.001; /* the next round depends on this one */
    }
  }
  uint64_t bits;
  memcpy(&bits, &total, sizeof bits); /* exact: every side must round alike (IEEE 754) */
  return bits;
}

struct node {
  struct node *next;
  uint64_t value;
};

/* One cycle through all nodes in a random order (Sattolo's shuffle), then a walk along it. */
static uint64_t chase_kernel(double scale) {
  enum { NODES = 1 << 20 }; /* 16 MiB of nodes */
  struct node *nodes = malloc(NODES * sizeof *nodes);
  uint32_t *order = malloc(NODES * sizeof *order);
  if (!nodes || !order) return 0;
  for (uint32_t i = 0; i < NODES; i++) order[i] = i;
  for (uint32_t i = NODES - 1; i > 0; i--) {
    uint32_t j = (uint32_t)(next_random() % i);
    uint32_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (uint32_t i = 0; i < NODES; i++) {
    nodes[order[i]].next = &nodes[order[(i + 1) % NODES]];
    nodes[order[i]].value = next_random();
  }
  long steps = (long)(8000000 * scale) + 1;
  uint64_t sum = 0;
  struct node *p = &nodes[order[0]];
  for (long s = 0; s < steps; s++) {
    sum += p->value ^ (uint64_t)s;
    p = p->next;
  }
  free(order);
  free(nodes);
  return sum;
}

int main(int argc, char **argv) {
  double scale = argc > 1 ? atof(argv[1]) : 1;
  if (!(scale > 0)) {
    fprintf(stderr, "usage: %s [SCALE]  (SCALE a positive number, default 1)\n", argv[0]);
    return 2;
  }
  static const struct {
    const char *name;
    uint64_t (*run)(double);
  } kernels[] = {
      {"crc32", crc32_kernel},
      {"sort", sort_kernel},
      {"matmul", matmul_kernel},
      {"chase", chase_kernel},
  };
  uint64_t checksum = 0;
  double total = 0;
  for (unsigned k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
    double start = now();
    uint64_t result = kernels[k].run(scale);
    double seconds = now() - start;
    total += seconds;
    checksum = (checksum ^ result) * 0x100000001b3u; /* FNV-1a's prime: order matters */
    printf("%s %016llx %.3f\n", kernels[k].name, (unsigned long long)result, seconds);
  }
  printf("checksum %016llx\nseconds %.3f\n", (unsigned long long)checksum, total);
  return 0;
}
