// /sbin/lt-agent (both images): the host's command channel (the element's exec()), apart from the
// interactive shell. Lines on /dev/hvc1, the board's second virtio console
// (src/engine/command-channel.ts):
//   hello    "lt-agent ready"
//   request  "<id> <output limit, bytes> <command, base64>"
//   cancel   "<id> kill"            (the host sends it only while <id> runs)
//   reply    "<id> <exit status> <output length>" and that many bytes of output (stdout and
//            stderr), as they are (the port is raw)
// The host sends one request at a time and the next after the reply. Commands run with `sh -c`,
// in /root, with no input, as the leader of a session of their own; the reply comes when that sh
// exits (background jobs may go on, writing to an output nobody reads any more). The output goes
// to an anonymous file, not a pipe (a pipe costs the emulated kernel two task switches per 4 KiB),
// and at most limit + 1 bytes of it are sent (the host then reports it cut); a command whose
// output passes the limit gets SIGPIPE, as from a closed pipe (exit status 141). A cancel kills
// the command's process group (exit status 137).
//
// A program and not a shell script: the script forked a dozen processes per request (base64, rm,
// setsid, two watchers, stat, cat, dd), which cost 60 ms (busybox) to 140 ms (Debian) of emulated
// time on every exec(), a snapshot's resume included. Here a request costs one fork and the exec
// of sh. Cross-compiled by scripts/images/guest-programs.mjs.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

enum {
  // The host's requests are at most 3 MiB (MAX_REQUEST_BYTES); a longer line is dropped whole.
  MAX_LINE = 4 << 20,
  // Output moves to the port in blocks this large.
  BLOCK = 64 << 10,
  // While a command runs, its output's size is checked against the limit this often.
  GUARD_MS = 200,
};

static int port = -1;

/** The port's input, split into lines. */
static struct {
  char *bytes;
  size_t length, room;
  // A line past MAX_LINE is being skipped up to its end.
  int skipping;
} input;

static void write_all(const char *bytes, size_t length) {
  while (length > 0) {
    ssize_t written = write(port, bytes, length);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) exit(1);  // the port is gone: nobody is left to answer
    bytes += written;
    length -= (size_t)written;
  }
}

/** Reads what the port has into `input`; 0 at its end (never, for a console) or on error. */
static int fill(void) {
  if (input.room - input.length < BLOCK) {
    input.room = input.room ? input.room * 2 : 2 * BLOCK;
    input.bytes = realloc(input.bytes, input.room);
    if (!input.bytes) exit(1);
  }
  ssize_t got;
  do got = read(port, input.bytes + input.length, input.room - input.length);
  while (got < 0 && errno == EINTR);
  if (got <= 0) return 0;
  input.length += (size_t)got;
  return 1;
}

/**
 * The next whole line from what has been read, without its newline, or NULL until one has come.
 * Valid until the next call.
 */
static char *take_line(void) {
  static size_t consumed;
  if (consumed) {
    memmove(input.bytes, input.bytes + consumed, input.length - consumed);
    input.length -= consumed;
    consumed = 0;
  }
  for (;;) {
    char *end = memchr(input.bytes, '\n', input.length);
    if (!end) {
      if (input.length > MAX_LINE) {
        input.length = 0;
        input.skipping = 1;
      }
      return NULL;
    }
    *end = '\0';
    consumed = (size_t)(end - input.bytes) + 1;
    if (!input.skipping) return input.bytes;
    input.skipping = 0;
    memmove(input.bytes, input.bytes + consumed, input.length - consumed);
    input.length -= consumed;
    consumed = 0;
  }
}

static int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/** Decodes base64 (RFC 4648 §4, padded or not) in place; 0 when it is not base64. */
static int base64_decode(char *text) {
  unsigned char *out = (unsigned char *)text;
  unsigned bits = 0, count = 0;
  for (const unsigned char *in = (const unsigned char *)text; *in && *in != '='; in++) {
    int value = base64_value(*in);
    if (value < 0) return 0;
    bits = bits << 6 | (unsigned)value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      *out++ = (unsigned char)(bits >> count);
    }
  }
  *out = '\0';
  return 1;
}

/** An anonymous file for a command's output: a memfd, else an unlinked file in /tmp. */
static int output_file(void) {
  int fd = memfd_create("lt-agent-output", MFD_CLOEXEC);
  if (fd >= 0) return fd;
  char path[] = "/tmp/.lt-agent-XXXXXX";
  fd = mkostemp(path, O_CLOEXEC);
  if (fd >= 0) unlink(path);
  return fd;
}

static off_t size_of(int fd) {
  struct stat status;
  return fstat(fd, &status) == 0 ? status.st_size : 0;
}

/**
 * Signals the command's process group; or the command alone if it has not made its group yet
 * (setsid, just after the fork).
 */
static void signal_command(pid_t child, int signal) {
  if (kill(-child, signal) != 0) kill(child, signal);
}

/** Runs `command` and answers request `id`. */
static void run(const char *id, unsigned long long limit, const char *command) {
  char header[96];
  int output = output_file();
  if (output < 0) {
    static const char message[] = "lt-agent: no room for the command's output\n";
    snprintf(header, sizeof header, "%s 1 %zu\n", id, sizeof message - 1);
    write_all(header, strlen(header));
    write_all(message, sizeof message - 1);
    return;
  }
  pid_t child = fork();
  if (child == 0) {
    setsid();
    signal(SIGPIPE, SIG_DFL);
    int nothing = open("/dev/null", O_RDONLY | O_CLOEXEC);
    dup2(nothing, 0);
    dup2(output, 1);
    dup2(output, 2);
    if (chdir("/root") != 0) {
      perror("lt-agent: /root");
      _exit(1);
    }
    execl("/bin/sh", "sh", "-c", command, (char *)NULL);
    perror("lt-agent: /bin/sh");
    _exit(127);
  }
  int status = 0, cancelled = 0, cut = 0;
  if (child < 0) {
    dprintf(output, "lt-agent: fork: %s\n", strerror(errno));
    status = 1;
  } else {
    // Readable when the child has exited (pidfd_open(2), Linux 5.3); without it, the guard's
    // period bounds how late an exit is seen.
    int exited = (int)syscall(SYS_pidfd_open, child, 0), listening = 1;
    for (;;) {
      struct pollfd watch[2] = {{.fd = listening ? port : -1, .events = POLLIN},
                                {.fd = exited, .events = POLLIN}};
      int ready = poll(watch, 2, exited >= 0 ? GUARD_MS : 10);
      // A port that hung up would wake every poll at once.
      if (ready > 0 && (watch[0].revents & (POLLHUP | POLLERR | POLLNVAL))) listening = 0;
      if (ready > 0 && (watch[0].revents & POLLIN) && fill() && take_line() && !cancelled) {
        // While a command runs, any line from the host is its cancel.
        signal_command(child, SIGKILL);
        cancelled = 1;
      }
      if (!cut && (unsigned long long)size_of(output) > limit) {
        signal_command(child, SIGPIPE);
        cut = 1;
      }
      int code;
      if (waitpid(child, &code, WNOHANG) == child) {
        status = WIFEXITED(code) ? WEXITSTATUS(code) : 128 + WTERMSIG(code);
        break;
      }
    }
    if (exited >= 0) close(exited);
  }
  unsigned long long size = (unsigned long long)size_of(output);
  if (size > limit) size = limit + 1;
  snprintf(header, sizeof header, "%s %d %llu\n", id, status, size);
  write_all(header, strlen(header));
  // Exactly that many: a background job may still be writing.
  static char block[BLOCK];
  for (unsigned long long sent = 0; sent < size;) {
    size_t want = size - sent < BLOCK ? (size_t)(size - sent) : BLOCK;
    ssize_t got = pread(output, block, want, (off_t)sent);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      // The file shrank under a background job's truncate: pad, since the length was promised.
      memset(block, 0, want);
      got = (ssize_t)want;
    }
    write_all(block, (size_t)got);
    sent += (unsigned long long)got;
  }
  close(output);
}

int main(void) {
  port = open("/dev/hvc1", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (port < 0) return 0;  // a board without the command channel
  int nothing = open("/dev/null", O_RDWR);
  if (nothing >= 0) {
    dup2(nothing, 0);
    dup2(nothing, 1);
    dup2(nothing, 2);
    if (nothing > 2) close(nothing);
  }
  // Raw, set on the open port (hvc resets a port's settings when its last user closes it): no
  // echo (it would land in the middle of replies), no line editing, no 4 KiB line limit, no
  // output processing (bytes go out as they are).
  struct termios settings;
  if (tcgetattr(port, &settings) == 0) {
    cfmakeraw(&settings);
    tcsetattr(port, TCSANOW, &settings);
  }
  // A reply to a host that went away must not kill the agent.
  signal(SIGPIPE, SIG_IGN);
  // The kernel drops what arrives on a console nobody has open: the host waits for this line.
  write_all("lt-agent ready\n", 15);
  for (;;) {
    char *line = take_line();
    if (!line) {
      if (!fill()) return 0;
      continue;
    }
    // "<id> <limit> <command>", the command possibly empty. Anything else is the rest of a
    // cancel that came after its command ended.
    char id[64], *limit = strchr(line, ' ');
    if (!limit || (size_t)(limit - line) >= sizeof id) continue;
    memcpy(id, line, (size_t)(limit - line));
    id[limit - line] = '\0';
    char *command = strchr(++limit, ' ');
    if (!command || command == limit || strspn(limit, "0123456789") != (size_t)(command - limit))
      continue;
    *command++ = '\0';
    if (!base64_decode(command)) continue;
    // The line's buffer may move while the command runs (a cancel is read into it): the command
    // has been copied into the child by then, and the id is copied above.
    run(id, strtoull(limit, NULL, 10), command);
  }
}
