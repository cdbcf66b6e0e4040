// /sbin/lt-agent (both images): the host's command channel (the element's exec(), writeFile(),
// readFile()), apart from the interactive shell. Lines on /dev/hvc1, the board's second virtio
// console (src/engine/command-channel.ts):
//   hello    "lt-agent ready 2"      (protocol 2; the first agent said "lt-agent ready": exec only)
//   exec     "<id> <output limit, bytes> <command, base64>"
//   cancel   "<id> kill"            (the host sends it only while <id> runs)
//   put      "<id> put <size> <path, base64>", then exactly <size> raw bytes, then "<id> end"
//            (write them) or "<id> kill" (the host gave the write up)
//   get      "<id> get <path, base64>"
//   cwd      "<id> cwd"             (the working folder of the shell on the console, hvc0)
//   reply    "<id> <status> <length>" and that many bytes, as they are (the port is raw): an exec's
//            exit status and output (stdout and stderr); a get's 0 and the file's bytes; a cwd's 0
//            and the path; a put's 0 and nothing; a file request that failed, a FILE_* status and
//            a one-line message
// The host sends one request at a time and the next after the reply. Commands run with `sh -c`,
// in /root, with no input, as the leader of a session of their own; the reply comes when that sh
// exits (background jobs may go on, writing to an output nobody reads any more). The output goes
// to an anonymous file, not a pipe (a pipe costs the emulated kernel two task switches per 4 KiB),
// and at most limit + 1 bytes of it are sent (the host then reports it cut); a command whose
// output passes the limit gets SIGPIPE, as from a closed pipe (exit status 141). A cancel kills
// the command's process group (exit status 137).
//
// A put goes to a temporary file beside its target, which replaces the target (rename(2)) only
// once every byte is written and synced: a write that fails (no room) or is given up leaves the
// target as it was and no temporary file. Its bytes are read to the last even when the write has
// failed, so that the next request is read from its start.
//
// A program and not a shell script: the script forked a dozen processes per request (base64, rm,
// setsid, two watchers, stat, cat, dd), which cost 60 ms (busybox) to 140 ms (Debian) of emulated
// time on every exec(), a snapshot's resume included. Here a request costs one fork and the exec
// of sh. Cross-compiled by scripts/images/guest-programs.mjs.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
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
  // A kernel file (/proc, /sys) tells its size only by being read: at most this much is.
  MAX_KERNEL_FILE = 16 << 20,
};

// The status of a file request's reply: an errno value where there is one, so that the host's
// codes (src/engine/guest-files.ts) map one to one.
enum {
  FILE_OK = 0,
  FILE_FAILED = 1,        // anything else: the message says what
  FILE_NOT_FOUND = 2,     // ENOENT, ENOTDIR: the file, or a folder of its path, is not there
  FILE_NOT_ALLOWED = 13,  // EACCES, EPERM, EROFS
  FILE_IS_FOLDER = 21,    // EISDIR
  FILE_NOT_REGULAR = 22,  // a device, a FIFO or a socket
  FILE_NO_ROOM = 28,      // ENOSPC, EDQUOT, EFBIG
  FILE_CANCELLED = 125,   // ECANCELED: the host gave the write up
};

static int port = -1;

/** The port's input: bytes[start, length) are read and not taken yet. */
static struct {
  char *bytes;
  size_t start, length, room;
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

/**
 * Reads what the port has into `input`; 0 at its end (never, for a console) or on error. Lines
 * taken before are gone after it (what is left moves to the front).
 */
static int fill(void) {
  if (input.start) {
    memmove(input.bytes, input.bytes + input.start, input.length - input.start);
    input.length -= input.start;
    input.start = 0;
  }
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
 * The next whole line read, not taken, and its length without the newline; NULL until one has
 * come.
 */
static char *peek_line(size_t *length) {
  for (;;) {
    char *begin = input.bytes + input.start;
    char *end = memchr(begin, '\n', input.length - input.start);
    if (!end) {
      if (input.length - input.start > MAX_LINE) {
        input.start = input.length;
        input.skipping = 1;
      }
      return NULL;
    }
    if (!input.skipping) {
      *length = (size_t)(end - begin);
      return begin;
    }
    input.skipping = 0;
    input.start += (size_t)(end - begin) + 1;
  }
}

/**
 * The next whole line read, without its newline, or NULL until one has come. Valid until the
 * next fill().
 */
static char *take_line(void) {
  size_t length;
  char *line = peek_line(&length);
  if (!line) return NULL;
  line[length] = '\0';
  input.start += length + 1;
  return line;
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

/**
 * Replies "<id> <status> <size>" and the first `size` bytes of `fd`, exactly that many: a file
 * that shrinks meanwhile (a background job's truncate) or fails to read is padded with zeros,
 * since the length was promised.
 */
static void send_reply(const char *id, int status, int fd, unsigned long long size) {
  char header[96];
  snprintf(header, sizeof header, "%s %d %llu\n", id, status, size);
  write_all(header, strlen(header));
  static char block[BLOCK];
  for (unsigned long long sent = 0; sent < size;) {
    size_t want = size - sent < BLOCK ? (size_t)(size - sent) : BLOCK;
    ssize_t got = pread(fd, block, want, (off_t)sent);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      memset(block, 0, want);
      got = (ssize_t)want;
    }
    write_all(block, (size_t)got);
    sent += (unsigned long long)got;
  }
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
      if (ready > 0 && (watch[0].revents & POLLIN) && !fill()) listening = 0;
      // "<id> kill" cancels this command; a late cancel of an earlier one is read past. Any
      // other line is the host's next request (sent once it gave up waiting for this reply):
      // it stays for after, and so do the bytes of a put after it, so the port is left unread.
      size_t length;
      for (char *line; listening && (line = peek_line(&length));) {
        if (length < 5 || memcmp(line + length - 5, " kill", 5) != 0) {
          listening = 0;
          break;
        }
        if (length - 5 == strlen(id) && memcmp(line, id, length - 5) == 0 && !cancelled) {
          signal_command(child, SIGKILL);
          cancelled = 1;
        }
        take_line();
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
  // Exactly that many: a background job may still be writing.
  send_reply(id, status, output, size);
  close(output);
}

/** A reply of `length` bytes from memory. */
static void reply(const char *id, int status, const char *bytes, size_t length) {
  char header[96];
  snprintf(header, sizeof header, "%s %d %zu\n", id, status, length);
  write_all(header, strlen(header));
  write_all(bytes, length);
}

/** What a failed file request says: one line. */
static char message[2 * PATH_MAX + 128];

/** Sets `message`; returns `status`. */
__attribute__((format(printf, 2, 3))) static int failure(int status, const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  return status;
}

/** The FILE_* status for an errno. */
static int file_status(int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return FILE_NOT_FOUND;
    case EACCES:
    case EPERM:
    case EROFS:
      return FILE_NOT_ALLOWED;
    case EISDIR:
      return FILE_IS_FOLDER;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return FILE_NO_ROOM;
    default:
      return FILE_FAILED;
  }
}

/** The failure for `error` met on `path` (`doing` it). */
static int path_failure(int error, const char *doing, const char *path) {
  if (error == ENOTDIR)
    return failure(FILE_NOT_FOUND, "a part of the path %s is not a folder", path);
  return failure(file_status(error), "%s %s: %s", doing, path, strerror(error));
}

/**
 * Takes the next `size` bytes of the port (those read already first) and writes them to `fd`
 * until a write fails (`error` nonzero: none is tried). Returns `error`, or the failed write's.
 */
static int receive_bytes(int fd, unsigned long long size, int error) {
  static char block[BLOCK];
  while (size > 0) {
    const char *bytes = block;
    size_t got, held = input.length - input.start;
    if (held > 0) {
      got = held < size ? held : (size_t)size;
      bytes = input.bytes + input.start;
      input.start += got;
    } else {
      // At most what is left of the file: what follows it is the next line.
      ssize_t read_now = read(port, block, size < BLOCK ? (size_t)size : BLOCK);
      if (read_now < 0 && errno == EINTR) continue;
      if (read_now <= 0) exit(1);  // the port is gone
      got = (size_t)read_now;
    }
    size -= got;
    while (!error && got > 0) {
      ssize_t written = write(fd, bytes, got);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) error = written < 0 ? errno : ENOSPC;
      else {
        bytes += written;
        got -= (size_t)written;
      }
    }
  }
  return error;
}

/**
 * Answers a put: `size` bytes (read from the port whatever happens) into `path`, through a
 * temporary file beside it that replaces it only once all are written and synced. `path` is NULL
 * when the request's was unusable (`message` says why).
 */
static void put(const char *id, unsigned long long size, const char *path) {
  char target[PATH_MAX], temporary[PATH_MAX + 32];
  int status = path ? FILE_OK : FILE_FAILED, fd = -1;
  mode_t mode = 0644;
  char *folder_end = NULL;
  if (status == FILE_OK) {
    // A symbolic link is followed: the file it names is replaced, not the link.
    char *resolved = realpath(path, NULL);
    int length = snprintf(target, sizeof target, "%s", resolved ? resolved : path);
    free(resolved);
    folder_end = strrchr(target, '/');
    struct stat existing;
    if (length >= (int)sizeof target)
      status = failure(FILE_FAILED, "the path %s is too long", path);
    else if (target[0] != '/')
      status = failure(FILE_FAILED, "the path %s is not absolute", path);
    else if (folder_end[1] == '\0')
      status = failure(FILE_IS_FOLDER, "%s is a folder", path);
    else if (stat(target, &existing) == 0) {
      if (S_ISDIR(existing.st_mode))
        status = failure(FILE_IS_FOLDER, "%s is a folder", path);
      else if (!S_ISREG(existing.st_mode))
        status = failure(FILE_NOT_REGULAR, "%s is not a regular file", path);
      else
        mode = existing.st_mode & 07777;  // a script stays executable
    } else if (errno != ENOENT)
      status = path_failure(errno, "cannot write", path);
  }
  if (status == FILE_OK) {
    // ".<name>.lt-partial-XXXXXX" in the same folder (a rename does not cross file systems),
    // the name cut so that the whole stays within NAME_MAX.
    *folder_end = '\0';
    int length = snprintf(temporary, sizeof temporary, "%s/.%.200s.lt-partial-XXXXXX", target,
                          folder_end + 1);
    fd = length < (int)sizeof temporary ? mkostemp(temporary, O_CLOEXEC) : -1;
    if (fd < 0 && length >= (int)sizeof temporary)
      status = failure(FILE_FAILED, "the path %s is too long", path);
    else if (fd < 0) {
      const char *folder = target[0] ? target : "/";
      int error = errno;
      struct stat existing;
      // A folder that is there and still "not found" is a kernel one (/proc): it makes no files.
      if (error == ENOENT && stat(folder, &existing) == 0 && S_ISDIR(existing.st_mode))
        status = failure(FILE_NOT_ALLOWED, "the folder %s takes no new files", folder);
      else if (error == ENOENT)
        status = failure(FILE_NOT_FOUND, "the folder %s does not exist", folder);
      else
        status = path_failure(error, "cannot write in", folder);
    }
    *folder_end = '/';
  }
  int error = receive_bytes(fd, size, status != FILE_OK);
  if (status == FILE_OK && error)
    status = file_status(error) == FILE_NO_ROOM
                 ? failure(FILE_NO_ROOM, "no room on the disk for %s (%llu bytes)", path, size)
                 : path_failure(error, "cannot write", path);
  // The host's word on the bytes: "<id> end" to keep them, "<id> kill" when it gave the write up.
  char *line;
  while (!(line = take_line()))
    if (!fill()) exit(0);
  char keep[80];
  snprintf(keep, sizeof keep, "%s end", id);
  if (status == FILE_OK && strcmp(line, keep) != 0)
    status = failure(FILE_CANCELLED, "the write of %s was given up", path);
  if (status == FILE_OK && fsync(fd) != 0) status = path_failure(errno, "cannot write", path);
  if (status == FILE_OK && fchmod(fd, mode) != 0)
    status = path_failure(errno, "cannot write", path);
  if (fd >= 0 && close(fd) != 0 && status == FILE_OK)
    status = path_failure(errno, "cannot write", path);
  if (status == FILE_OK && rename(temporary, target) != 0)
    status = path_failure(errno, "cannot write", path);
  if (fd >= 0 && status != FILE_OK) unlink(temporary);
  if (status != FILE_OK) {
    reply(id, status, message, strlen(message));
    return;
  }
  // The rename itself is on the disk too once the folder is synced.
  *folder_end = '\0';
  int folder = open(target[0] ? target : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    fsync(folder);
    close(folder);
  }
  reply(id, FILE_OK, "", 0);
}

/**
 * A kernel file (/proc, /sys, or any that says it is empty) read whole into an anonymous file:
 * its size is known only once read. Returns that file, or -1 (`message` set, `*status` too).
 */
static int read_whole(int fd, const char *path, int *status) {
  int copy = output_file();
  if (copy < 0) {
    *status = failure(FILE_FAILED, "no room to read %s", path);
    return -1;
  }
  static char block[BLOCK];
  for (unsigned long long total = 0;;) {
    ssize_t got = read(fd, block, sizeof block);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) *status = path_failure(errno, "cannot read", path);
    if (got == 0 || *status != FILE_OK) break;
    total += (unsigned long long)got;
    if (total > MAX_KERNEL_FILE) {
      *status = failure(FILE_FAILED, "%s has no size and goes on past %d MiB", path,
                        MAX_KERNEL_FILE >> 20);
      break;
    }
    for (ssize_t at = 0; at < got && *status == FILE_OK;) {
      ssize_t written = write(copy, block + at, (size_t)(got - at));
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) *status = failure(FILE_FAILED, "no room to read %s", path);
      else at += written;
    }
  }
  if (*status == FILE_OK) return copy;
  close(copy);
  return -1;
}

/** Answers a get: the file's bytes, as many as its size when opened. */
static void get(const char *id, const char *path) {
  int status = FILE_OK;
  // Not blocking: opening a FIFO would wait for a writer.
  int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : -1;
  struct stat file;
  struct statfs fs;
  if (!path)
    status = FILE_FAILED;
  else if (fd < 0)
    status = errno == ENOENT ? failure(FILE_NOT_FOUND, "%s does not exist", path)
                             : path_failure(errno, "cannot read", path);
  else if (fstat(fd, &file) != 0)
    status = path_failure(errno, "cannot read", path);
  else if (S_ISDIR(file.st_mode))
    status = failure(FILE_IS_FOLDER, "%s is a folder", path);
  else if (!S_ISREG(file.st_mode))
    status = failure(FILE_NOT_REGULAR, "%s is not a regular file", path);
  else if (file.st_size == 0 || (fstatfs(fd, &fs) == 0 && (fs.f_type == PROC_SUPER_MAGIC ||
                                                           fs.f_type == SYSFS_MAGIC))) {
    int whole = read_whole(fd, path, &status);
    close(fd);
    fd = whole;
  }
  if (status != FILE_OK) {
    if (fd >= 0) close(fd);
    reply(id, status, message, strlen(message));
    return;
  }
  send_reply(id, FILE_OK, fd, (unsigned long long)size_of(fd));
  close(fd);
}

/**
 * Answers a cwd: the working folder of the console's interactive shell, the leader of the
 * foreground process group of hvc0 (what runs there now, or the shell itself); /root when there
 * is none (a console on ttyS0, or a shell not started yet).
 */
static void cwd(const char *id) {
  char folder[PATH_MAX] = "/root";
  size_t length = strlen(folder);
  struct stat console;
  DIR *proc = NULL;
  int tty = 0;
  if (stat("/dev/hvc0", &console) == 0) {
    // tty_nr in /proc/<pid>/stat is the kernel's encoding of the device (new_encode_dev).
    unsigned major_number = major(console.st_rdev), minor_number = minor(console.st_rdev);
    tty = (int)((minor_number & 0xff) | (major_number << 8) | ((minor_number & ~0xffu) << 12));
    proc = opendir("/proc");
  }
  for (struct dirent *entry; proc && (entry = readdir(proc));) {
    const char *pid = entry->d_name;
    if (strspn(pid, "0123456789") != strlen(pid)) continue;
    char file[32 + NAME_MAX], text[1024];
    snprintf(file, sizeof file, "/proc/%s/stat", pid);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    if (got <= 0) continue;
    text[got] = '\0';
    // "pid (comm) state ppid pgrp session tty_nr tpgid ...": comm may hold spaces and ')'.
    char *after = strrchr(text, ')'), state;
    int parent, group, session, tty_nr, foreground;
    if (!after || sscanf(after + 1, " %c %d %d %d %d %d", &state, &parent, &group, &session,
                         &tty_nr, &foreground) != 6)
      continue;
    if (tty_nr != tty || foreground != atoi(pid)) continue;
    char link[PATH_MAX];
    snprintf(file, sizeof file, "/proc/%s/cwd", pid);
    ssize_t link_length = readlink(file, link, sizeof link);
    if (link_length > 0 && (size_t)link_length < sizeof link) {
      memcpy(folder, link, (size_t)link_length);
      length = (size_t)link_length;
      break;
    }
  }
  if (proc) closedir(proc);
  reply(id, FILE_OK, folder, length);
}

/** A request's path (base64) decoded into `path`; 0, with `message` set, when it is not usable. */
static int request_path(char *text, char *path, size_t room) {
  if (!base64_decode(text)) return failure(FILE_FAILED, "the request's path is not base64"), 0;
  if (strlen(text) >= room) return failure(FILE_FAILED, "the path is too long"), 0;
  strcpy(path, text);
  return 1;
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
  write_all("lt-agent ready 2\n", 17);
  for (;;) {
    char *line = take_line();
    if (!line) {
      if (!fill()) return 0;
      continue;
    }
    // "<id> <limit> <command>" (the command possibly empty), or a file request. Anything else is
    // a cancel that came after its command ended.
    char id[64], *limit = strchr(line, ' ');
    if (!limit || (size_t)(limit - line) >= sizeof id) continue;
    memcpy(id, line, (size_t)(limit - line));
    id[limit - line] = '\0';
    // File requests. Their path is copied out of the line, whose buffer moves with the next
    // fill(); a put's bytes are read whatever else is wrong with it.
    static char path[PATH_MAX];
    if (strcmp(limit + 1, "cwd") == 0) {
      cwd(id);
      continue;
    }
    if (strncmp(limit + 1, "get ", 4) == 0) {
      get(id, request_path(limit + 5, path, sizeof path) ? path : NULL);
      continue;
    }
    if (strncmp(limit + 1, "put ", 4) == 0) {
      char *size = limit + 5, *encoded = strchr(size, ' ');
      if (!encoded || encoded == size || strspn(size, "0123456789") != (size_t)(encoded - size))
        continue;  // without its size, its bytes cannot be told from the next line
      *encoded++ = '\0';
      int usable = request_path(encoded, path, sizeof path);
      put(id, strtoull(size, NULL, 10), usable ? path : NULL);
      continue;
    }
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
