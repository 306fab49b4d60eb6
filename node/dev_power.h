/* node/dev_power.h: the power-off register at physical 0x1f200000.
 * A 32-bit write of V halts the machine; discoflash exits with V & 0xff. */
#ifndef NODE_DEV_POWER_H
#define NODE_DEV_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include "node/mem.h"

typedef struct node_power {
	bool off;
	uint32_t value;
} node_power;

extern const node_dev_ops node_power_ops;

#endif
