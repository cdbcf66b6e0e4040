// /sbin/lt-resume (busybox image) and /usr/local/sbin/lt-resume (debian image): the first command
// the host runs, through lt-agent, in a machine restored from a saved state. Such a machine wakes
// with the clock of the moment it was saved and with the random number generator every other
// restore of that state has, so two readers would read the same /dev/urandom bytes:
//
//   lt-resume <unix seconds> <nanoseconds> <hex of 32 to 512 random bytes>
//
// sets CLOCK_REALTIME to the host's time, adds the host's bytes to the kernel's input pool
// crediting their entropy, and makes the kernel rekey its CRNG from that pool at once. Prints
// nothing and exits 0, or prints one line saying what failed: exit 2 for bad arguments, 1 for a
// refused request. Cross-compiled (static for the busybox image, which has no shared C library)
// by scripts/images/guest-programs.mjs.
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

// At least the 32 bytes (256 bits) the kernel extracts for one ChaCha20 key; the host sends 64.
enum { SEED_MIN_BYTES = 32, SEED_MAX_BYTES = 512 };

static const char *program = "lt-resume";

static int usage(const char *problem) {
  fprintf(stderr,
          "%s: %s; usage: %s <unix seconds> <nanoseconds> <hex of %d to %d random bytes>\n",
          program, problem, program, SEED_MIN_BYTES, SEED_MAX_BYTES);
  return 2;
}

static int failed(const char *what) {
  fprintf(stderr, "%s: %s: %s\n", program, what, strerror(errno));
  return 1;
}

/** A decimal number of digits only (no sign, no spaces) up to `max`, or -1. */
static long long parse_decimal(const char *text, long long max) {
  long long value = 0;
  if (*text == '\0') return -1;
  for (; *text; text++) {
    if (*text < '0' || *text > '9') return -1;
    int digit = *text - '0';
    if (value > (max - digit) / 10) return -1;
    value = value * 10 + digit;
  }
  return value;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/** Decodes `hex` into `bytes`; the number of bytes, or -1 when it is not whole bytes of hex. */
static int parse_hex(const char *hex, unsigned char *bytes, size_t room) {
  size_t length = strlen(hex);
  if (length % 2 != 0 || length / 2 > room) return -1;
  for (size_t i = 0; i < length / 2; i++) {
    int high = hex_digit(hex[2 * i]), low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return -1;
    bytes[i] = (unsigned char)(high << 4 | low);
  }
  return (int)(length / 2);
}

int main(int argc, char **argv) {
  if (argc != 4) return usage("expected 3 arguments");
  // time_t is 64 bits on riscv64; the kernel refuses times past year 2262 itself (EINVAL).
  long long seconds = parse_decimal(argv[1], 0x7fffffffffffffffLL);
  if (seconds < 0) return usage("the seconds are not a decimal number");
  long long nanoseconds = parse_decimal(argv[2], 999999999);
  if (nanoseconds < 0) return usage("the nanoseconds are not a decimal number below 1000000000");

  // struct rand_pool_info ends in a flexible array of 32-bit words: room for the largest seed.
  static union {
    struct rand_pool_info info;
    __u32 words[2 + SEED_MAX_BYTES / 4];
  } pool;
  int length = parse_hex(argv[3], (unsigned char *)pool.info.buf, SEED_MAX_BYTES);
  if (length < SEED_MIN_BYTES) return usage("the seed is not hex of enough random bytes");

  int random = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (random < 0) return failed("opening /dev/urandom");
  // RNDADDENTROPY (random(4)) mixes buf into the input pool and credits entropy_count bits. Once
  // the CRNG is ready (the device tree's rng-seed made it so at boot), crediting no longer rekeys
  // it: in Linux 6.1 (drivers/char/random.c, _credit_init_bits, crng_make_state) the base CRNG
  // takes a new key from the pool only when its key is older than crng_reseed_interval() (60 s
  // after early boot), so until then every restore would go on reading the same stream.
  pool.info.entropy_count = length * 8;
  pool.info.buf_size = length;
  if (ioctl(random, RNDADDENTROPY, &pool.info) != 0) return failed("RNDADDENTROPY");
  // RNDRESEEDCRNG extracts a new base key from the input pool now and bumps its generation, so
  // each CPU's CRNG takes a new key at its next read (crng_reseed, crng_make_state).
  if (ioctl(random, RNDRESEEDCRNG) != 0) return failed("RNDRESEEDCRNG");
  close(random);
  memset(&pool, 0, sizeof pool);

  struct timespec now = {.tv_sec = (time_t)seconds, .tv_nsec = (long)nanoseconds};
  if (clock_settime(CLOCK_REALTIME, &now) != 0) return failed("setting CLOCK_REALTIME");
  return 0;
}
