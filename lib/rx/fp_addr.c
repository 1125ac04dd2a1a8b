/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fp_addr.h"
#include "fp_util.h"

int
fp_ip_parse(const char *s, struct fp_ip *ip, int *prefix)
{
	char buf[64], *slash;
	uint64_t v;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, ip->b) == 1)
		ip->family = FP_AF_INET;
	else if (inet_pton(AF_INET6, buf, ip->b) == 1)
		ip->family = FP_AF_INET6;
	else
		return -EINVAL;
	if (prefix != NULL)
		*prefix = ip->family == FP_AF_INET ? 32 : 128;
	if (slash != NULL) {
		if (prefix == NULL || fp_parse_u64(slash + 1, 0,
				ip->family == FP_AF_INET ? 32 : 128, &v) != 0)
			return -EINVAL;
		*prefix = (int)v;
	}
	return 0;
}

int
fp_ip_format(const struct fp_ip *ip, char *buf, size_t len)
{
	if (inet_ntop(ip->family == FP_AF_INET ? AF_INET : AF_INET6, ip->b,
			buf, (socklen_t)len) == NULL)
		return -ENOSPC;
	return 0;
}

bool
fp_ip_is_multicast(const struct fp_ip *ip)
{
	if (ip->family == FP_AF_INET)
		return (ip->b[0] & 0xf0) == 0xe0;
	return ip->b[0] == 0xff;
}

int
fp_local_add(struct fp_local *l, const char *s, char *err, size_t errlen)
{
	struct fp_ip ip;
	int prefix;

	if (fp_ip_parse(s, &ip, &prefix) != 0)
		return fp_err(err, errlen,
			"--local-ip: invalid address '%s'; expected IPv4 or IPv6, optionally /prefix",
			s);
	if (fp_ip_is_multicast(&ip))
		return fp_err(err, errlen,
			"--local-ip: %s is a multicast address; listen on it instead (--listen ADDR:PORT=...)",
			s);
	if (ip.family == FP_AF_INET) {
		uint32_t a, mask;
		unsigned int i;

		memcpy(&a, ip.b, 4);
		if (a == 0 || a == UINT32_MAX)
			return fp_err(err, errlen,
				"--local-ip: %s cannot be a local address", s);
		for (i = 0; i < l->nb_v4; i++)
			if (l->v4[i] == a)
				return fp_err(err, errlen,
					"--local-ip: %s given twice", s);
		if (l->nb_v4 == FP_MAX_LOCAL)
			return fp_err(err, errlen,
				"--local-ip: more than %d IPv4 addresses", FP_MAX_LOCAL);
		mask = prefix == 0 ? 0 : htonl(~0u << (32 - prefix));
		if (prefix <= 30 && a == (a | ~mask))
			return fp_err(err, errlen,
				"--local-ip: %s is its subnet's broadcast address", s);
		/* an address is not also a subnet's broadcast address (the
		 * receive path takes a local address as unicast) */
		for (i = 0; i < l->nb_v4; i++)
			if (l->v4_bcast[i] == a || (prefix <= 30 &&
					l->v4[i] == (a | ~mask)))
				return fp_err(err, errlen,
					"--local-ip: %s is the broadcast address of another --local-ip's subnet, or the reverse",
					s);
		l->v4[l->nb_v4] = a;
		l->v4_bcast[l->nb_v4] = prefix <= 30 ? (a | ~mask) : 0;
		l->v4_plen[l->nb_v4] = (uint8_t)prefix;
		l->nb_v4++;
		l->host = true;
	} else {
		unsigned int i;
		static const uint8_t zero[16];

		if (memcmp(ip.b, zero, 16) == 0)
			return fp_err(err, errlen,
				"--local-ip: %s cannot be a local address", s);
		for (i = 0; i < l->nb_v6; i++)
			if (memcmp(l->v6[i], ip.b, 16) == 0)
				return fp_err(err, errlen,
					"--local-ip: %s given twice", s);
		if (l->nb_v6 == FP_MAX_LOCAL)
			return fp_err(err, errlen,
				"--local-ip: more than %d IPv6 addresses", FP_MAX_LOCAL);
		l->v6_plen[l->nb_v6] = (uint8_t)prefix;
		memcpy(l->v6[l->nb_v6++], ip.b, 16);
		l->host = true;
	}
	return 0;
}

int
fp_local_join(struct fp_local *l, const struct fp_ip *group)
{
	unsigned int i;

	for (i = 0; i < l->nb_groups; i++)
		if (memcmp(&l->groups[i], group, sizeof(*group)) == 0)
			return 0;
	if (l->nb_groups == FP_MAX_GROUPS)
		return -ENOSPC;
	l->groups[l->nb_groups++] = *group;
	return 0;
}

bool
fp_local_v6_onlink(const struct fp_local *l, const uint8_t *dst)
{
	unsigned int i, bits, k;

	for (i = 0; i < l->nb_v6; i++) {
		bits = l->v6_plen[i];
		for (k = 0; k < bits / 8; k++)
			if (l->v6[i][k] != dst[k])
				break;
		if (k < bits / 8)
			continue;
		if (bits % 8 == 0 ||
				((l->v6[i][k] ^ dst[k]) & (0xff00 >> (bits % 8))) == 0)
			return true;
	}
	return false;
}

bool
fp_local_v6_routed(const struct fp_local *l, const uint8_t *addr)
{
	static const uint8_t ll[8] = { 0xfe, 0x80 };

	return memcmp(addr, ll, 8) == 0 || fp_local_v6_onlink(l, addr);
}

const uint8_t fp_v6_sn_prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
				       0, 0, 0, 1, 0xff };

const uint8_t *
fp_local_v6_solicited(const struct fp_local *l, const uint8_t *dst)
{
	unsigned int i;

	if (memcmp(dst, fp_v6_sn_prefix, sizeof(fp_v6_sn_prefix)) != 0)
		return NULL;
	for (i = 0; i < l->nb_v6; i++)
		if (memcmp(l->v6[i] + 13, dst + 13, 3) == 0)
			return l->v6[i];
	return NULL;
}

bool
fp_local_mcast_accepted(const struct fp_local *l, const struct fp_ip *dst)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	bool member = dst->family == FP_AF_INET ? l->nb_v4 != 0 : l->nb_v6 != 0;
	unsigned int i;

	if (dst->family == FP_AF_INET6 && fp_local_v6_solicited(l, dst->b) != NULL)
		return true;
	for (i = 0; i < l->nb_groups; i++) {
		if (l->groups[i].family != dst->family)
			continue;
		if (memcmp(l->groups[i].b, dst->b,
				dst->family == FP_AF_INET ? 4 : 16) == 0)
			return true;
		member = true;      /* a group of the family: IGMP / MLD */
	}
	/* all-hosts / all-nodes: members are the hosts with an address or
	 * a group of the family (the general queries of the groups they
	 * announce come there) */
	if (dst->family == FP_AF_INET)
		return member && dst->b[0] == 224 && dst->b[1] == 0 &&
			dst->b[2] == 0 && dst->b[3] == 1;
	return member && memcmp(dst->b, all_nodes, 16) == 0;
}
