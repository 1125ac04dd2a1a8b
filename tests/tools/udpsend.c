/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * udpsend DST PORT FLOWS COUNT [SIZE [GAP_US]]: send COUNT datagrams on each of
 * FLOWS flows (one socket each, source ports 20000 + flow) to DST:PORT
 * with sendmmsg. Each payload starts with its 32-bit big-endian sequence
 * number within its flow (0, 1, ...), in rounds of up to 64 per flow,
 * GAP_US microseconds apart (default 200). Prints "sent N" (datagrams the
 * kernel accepted). For the live tests, inside the test's namespaces.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64

int
main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long flows, count, size = 64, gap = 200, sent = 0, f, i;
	int *fd;

	if (argc < 5 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: udpsend DST PORT FLOWS COUNT [SIZE [GAP_US]]\n");
		return 2;
	}
	dst.sin_port = htons((uint16_t)atoi(argv[2]));
	flows = strtoul(argv[3], NULL, 10);
	count = strtoul(argv[4], NULL, 10);
	if (argc > 5)
		size = strtoul(argv[5], NULL, 10);
	if (argc > 6)
		gap = strtoul(argv[6], NULL, 10);
	if (flows == 0 || flows > 1000 || size < 4 || size > 1400)
		return 2;
	fd = calloc(flows, sizeof(*fd));
	if (fd == NULL)
		return 1;
	for (f = 0; f < flows; f++) {
		struct sockaddr_in src = { .sin_family = AF_INET,
			.sin_port = htons((uint16_t)(20000 + f)) };

		fd[f] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd[f] < 0 || bind(fd[f], (void *)&src, sizeof(src)) != 0) {
			perror("udpsend: socket");
			return 1;
		}
	}
	for (i = 0; i < count; i += BATCH) {
		for (f = 0; f < flows; f++) {
			static unsigned char buf[BATCH][1400];
			struct mmsghdr msg[BATCH];
			struct iovec iov[BATCH];
			unsigned long k, n = count - i < BATCH ? count - i : BATCH;
			int r;

			memset(msg, 0, sizeof(msg));
			for (k = 0; k < n; k++) {
				uint32_t seq = htonl((uint32_t)(i + k));

				memcpy(buf[k], &seq, 4);
				iov[k].iov_base = buf[k];
				iov[k].iov_len = size;
				msg[k].msg_hdr.msg_iov = &iov[k];
				msg[k].msg_hdr.msg_iovlen = 1;
				msg[k].msg_hdr.msg_name = &dst;
				msg[k].msg_hdr.msg_namelen = sizeof(dst);
			}
			r = sendmmsg(fd[f], msg, (unsigned int)n, 0);
			if (r < 0 && errno != ENOBUFS && errno != EAGAIN) {
				perror("udpsend: sendmmsg");
				return 1;
			}
			if (r > 0)
				sent += (unsigned long)r;
		}
		usleep((useconds_t)gap);    /* a bounded rate: 64 x FLOWS per gap */
	}
	for (f = 0; f < flows; f++)
		close(fd[f]);
	free(fd);
	printf("sent %lu\n", sent);
	fflush(stdout);
	return 0;
}
