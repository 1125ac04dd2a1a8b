/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcapcount FILE...: the number of frames libpcap reads from each file
 * ("FILE COUNT" per line), the way net_pcap reads them. Exit 1 when a file
 * cannot be opened.
 */
#include <pcap/pcap.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		struct pcap_pkthdr *h;
		const u_char *data;
		unsigned long n = 0;
		pcap_t *p = pcap_open_offline(argv[i], err);

		if (p == NULL) {
			fprintf(stderr, "pcapcount: %s: %s\n", argv[i], err);
			rc = 1;
			continue;
		}
		while (pcap_next_ex(p, &h, &data) == 1)
			n++;
		printf("%s %lu\n", argv[i], n);
		pcap_close(p);
	}
	return rc;
}
