/* wip.h: the one header an Open AT application includes for the WIP plug-in (TCP/IP stack,
 * bearers, channels). It gathers the per-service headers; each stands on its own. */
#ifndef WIP_H
#define WIP_H

#include "wip_net.h"
#include "wip_bearer.h"
#include "wip_channel.h"
#include "wip_tcp.h"
#include "wip_udp.h"
#include "wip_ping.h"
#include "wip_eth.h"
#include "wip_ssl.h"
#include "wip_file.h"
#include "wip_smtp.h"
#include "wip_ftp.h"
#include "wip_pop3.h"
#include "wip_http.h"

#endif
