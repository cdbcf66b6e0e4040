// /usr/local/sbin/lt-lo-up of the debian image: brings the loopback interface up, so that servers
// on 127.0.0.1 work (the kernel gives lo 127.0.0.1/8 as it comes up). Debian's minbase has no ip
// or ifconfig, and perl or python would read megabytes of the lazily fetched disk at every boot;
// this is the one request they would make (netdevice(7): SIOCGIFFLAGS, then SIOCSIFFLAGS with
// IFF_UP). Cross-compiled by scripts/images/debian.mjs, run by lt-init.
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
    perror("lt-lo-up: lo");
    return 1;
  }
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
    perror("lt-lo-up: bringing lo up");
    return 1;
  }
  close(fd);
  return 0;
}
