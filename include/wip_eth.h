/* wip_eth.h: the Ethernet MAC address type (WIP_BOPT_ETH_ADDR of the "ETHER" bearer). */
#ifndef WIP_ETH_H
#define WIP_ETH_H

#include "wm_types.h"

/* Six bytes, indexed [0..5] by applications. */
typedef u8 wip_ethAddr_t[6];

#endif
