/* node/dev_power.c: the power-off register (see node/dev_power.h). */
#include "node/dev_power.h"

static uint32_t power_read(void *dev, uint32_t off, unsigned size)
{
	return 0;
}

static void power_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
	node_power *p = dev;
	if (off != 0 || size != 4 || p->off)
		return; /* only a 32-bit write to the register itself counts */
	p->off = true;
	p->value = val;
}

static void power_reset(void *dev)
{
	node_power *p = dev;
	p->off = false;
	p->value = 0;
}

const node_dev_ops node_power_ops = {
	.name = "poweroff",
	.read = power_read,
	.write = power_write,
	.reset = power_reset,
};
