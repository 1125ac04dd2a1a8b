/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rsskey: a DPDK secondary process that reads back, from the device, the
 * RSS configuration a running fastpath programmed:
 *   rsskey EAL-OPTIONS (e.g. --file-prefix P --no-pci) -- PORT
 * prints "hash_key_size N", "rss_hf 0x...", "key HEX" (40 bytes asked for
 * when the device reports no key size) and "reta_size N" / "reta i,j,..."
 * when the device has a redirection table. It exits without
 * rte_eal_cleanup(): in DPDK 22.11 that would remove the devices it
 * attached from under the primary.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>

int
main(int argc, char **argv)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rss_conf conf;
	uint8_t key[256];
	uint16_t port;
	unsigned int i, len;
	int n;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "rsskey: EAL initialisation failed\n");
		return 1;
	}
	argc -= n;
	argv += n;
	port = argc > 1 ? (uint16_t)atoi(argv[1]) : 0;
	if (!rte_eth_dev_is_valid_port(port) || rte_eth_dev_info_get(port, &info) != 0) {
		fprintf(stderr, "rsskey: no port %u\n", port);
		return 1;
	}
	len = info.hash_key_size ? info.hash_key_size : 40;
	memset(key, 0, sizeof(key));
	memset(&conf, 0, sizeof(conf));
	conf.rss_key = key;
	conf.rss_key_len = (uint8_t)len;
	if (rte_eth_dev_rss_hash_conf_get(port, &conf) != 0) {
		fprintf(stderr, "rsskey: port %u: cannot read the RSS configuration\n", port);
		return 1;
	}
	printf("hash_key_size %u\nrss_hf 0x%" PRIx64 "\nkey ", info.hash_key_size,
		conf.rss_hf);
	for (i = 0; i < len; i++)
		printf("%02x", key[i]);
	printf("\nreta_size %u\n", info.reta_size);
	if (info.reta_size != 0 && info.reta_size <= 512) {
		struct rte_eth_rss_reta_entry64 reta[512 / RTE_ETH_RETA_GROUP_SIZE];

		memset(reta, 0, sizeof(reta));
		for (i = 0; i < info.reta_size / RTE_ETH_RETA_GROUP_SIZE; i++)
			reta[i].mask = UINT64_MAX;
		if (rte_eth_dev_rss_reta_query(port, reta, info.reta_size) == 0) {
			printf("reta ");
			for (i = 0; i < info.reta_size; i++)
				printf("%s%u", i ? "," : "",
					reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE]);
			printf("\n");
		}
	}
	fflush(stdout);
	_exit(0);
}
