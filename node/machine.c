/* node/machine.c: the node, its devices and its run loop (see
 * node/machine.h). */
#include "node/machine.h"

#include <stdlib.h>
#include <string.h>

#include "node/elf.h"
#include "node/fdt.h"

static void cpu_irq(void *opaque, int line, bool level)
{
	node_machine *m = opaque;
	/* the boot CPU takes all device lines */
	node_cpu_set_irq(&m->cpus[0], line, level);
}

static int machine_dma_read(void *opaque, uint64_t addr, void *buf, uint32_t len)
{
	node_mem *mem = opaque;
	if (addr > UINT32_MAX)
		return -1;
	return node_mem_dma_read(mem, (uint32_t)addr, buf, len) ? -1 : 0;
}

static int machine_dma_write(void *opaque, uint64_t addr, const void *buf, uint32_t len)
{
	node_mem *mem = opaque;
	if (addr > UINT32_MAX)
		return -1;
	return node_mem_dma_write(mem, (uint32_t)addr, buf, len) ? -1 : 0;
}

/* The virtio slots of the device window, disks first, then network
 * devices, the rest empty (see machine.h). */
int node_virtio_slots_init(node_mem *mem, const node_machine_config *cfg, node_virtio *slots,
			   char (*labels)[32], node_virtio_blk *blk, node_virtio_net *net,
			   node_dma dma, void (*irq_fn)(void *, int, bool), void *irq_opaque,
			   char *err, size_t errlen)
{
	for (int s = 0; s < cfg->slots; s++) {
		uint32_t base = NODE_VIRTIO_BASE + (uint32_t)s * NODE_VIRTIO_STRIDE;
		node_irq irq = {irq_fn, irq_opaque, node_virtio_ip(s)};
		const node_virtio_dev *dev = NULL;
		void *state = NULL;
		snprintf(labels[s], sizeof(labels[s]), "virtio@%x", base);
		if (s < cfg->ndisks) {
			const node_disk_config *dc = &cfg->disks[s];
			blk[s].disk = vdisk_raw_open(dc->image, dc->readonly, err, errlen);
			if (!blk[s].disk)
				return -1;
			dev = &node_virtio_blk_dev;
			state = &blk[s];
		} else if (s < cfg->ndisks + cfg->nnets) {
			int n = s - cfg->ndisks;
			/* locally administered address 52:54:00:f1:00:nn */
			const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xf1, 0x00, (uint8_t)n};
			memcpy(net[n].mac, mac, 6);
			net[n].vio = &slots[s];
			dev = &node_virtio_net_dev;
			state = &net[n];
		}
		node_virtio_init(&slots[s], dev, state, dma, irq, labels[s]);
		if (dev == &node_virtio_net_dev)
			slots[s].prepare_max[0] = 1; /* see net_reset */
		node_mem_map_device(mem, base, NODE_VIRTIO_SLOT_SIZE, &node_virtio_ops, &slots[s]);
	}
	return 0;
}

void node_machine_config_default(node_machine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ram_bytes = 64u << 20;
	cfg->ncpus = 1;
	cfg->cpu_hz = 200000000u;
	cfg->console = stdout;
	cfg->slice = 10000;
	cfg->slots = 4;
}

int node_machine_init(node_machine *m, const node_machine_config *cfg, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	if (cfg->ndisks > NODE_MAX_DISKS || cfg->nnets > NODE_MAX_NETS ||
	    cfg->ndisks + cfg->nnets > NODE_MAX_SLOTS) {
		snprintf(err, errlen,
			 "too many devices: at most %d disks, %d network devices, %d in all",
			 NODE_MAX_DISKS, NODE_MAX_NETS, NODE_MAX_SLOTS);
		return -1;
	}
	if (m->cfg.slots < cfg->ndisks + cfg->nnets)
		m->cfg.slots = cfg->ndisks + cfg->nnets;
	if (m->cfg.slots > NODE_MAX_SLOTS)
		m->cfg.slots = NODE_MAX_SLOTS;
	if (node_mem_init(&m->mem, cfg->ram_bytes)) {
		snprintf(err, errlen, "out of host memory for %u MiB of RAM", cfg->ram_bytes >> 20);
		return -1;
	}
	m->ncpus = cfg->ncpus > 0 ? cfg->ncpus : 1;
	m->cpus = calloc((size_t)m->ncpus, sizeof(node_cpu));
	if (!m->cpus) {
		node_mem_destroy(&m->mem);
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	for (int i = 0; i < m->ncpus; i++)
		node_cpu_reset(&m->cpus[i], &m->mem, i);
	node_uart_init(&m->uart, cfg->console, (node_irq){cpu_irq, m, NODE_UART_IP});
	node_mem_map_device(&m->mem, NODE_UART_BASE, 0x100, &node_uart_ops, &m->uart);
	node_mem_map_device(&m->mem, NODE_POWER_BASE, 0x4, &node_power_ops, &m->power);

	node_dma dma = {machine_dma_read, machine_dma_write, NULL, &m->mem};
	if (node_virtio_slots_init(&m->mem, &m->cfg, m->slots, m->slot_label, m->blk, m->net, dma,
				   cpu_irq, m, err, errlen)) {
		node_machine_destroy(m);
		return -1;
	}
	if (cfg->net_loopback && cfg->nnets >= 2)
		node_virtio_net_connect(&m->net[0], &m->net[1]);
	return 0;
}

void node_machine_destroy(node_machine *m)
{
	for (int i = 0; i < NODE_MAX_DISKS; i++) {
		vdisk_close(m->blk[i].disk);
		m->blk[i].disk = NULL;
	}
	free(m->cpus);
	m->cpus = NULL;
	node_mem_destroy(&m->mem);
}

int node_machine_boot(node_machine *m, const char *kernel, char *err, size_t errlen)
{
	node_elf_info info;
	if (node_elf_load(&m->mem, kernel, &info, err, errlen))
		return -1;
	node_fdt_board b = {
		.ram_bytes = m->mem.ram_size,
		.ncpus = m->ncpus,
		.cpu_hz = m->cfg.cpu_hz,
		.bootargs = m->cfg.cmdline,
		.uart_base = NODE_UART_BASE,
		.uart_ip = NODE_UART_IP,
		.nvirtio = m->cfg.slots,
		.poweroff_base = NODE_POWER_BASE,
	};
	for (int s = 0; s < m->cfg.slots; s++) {
		b.virtio_base[s] = NODE_VIRTIO_BASE + (uint32_t)s * NODE_VIRTIO_STRIDE;
		b.virtio_ip[s] = node_virtio_ip(s);
	}
	/* the DTB goes after the image, 64 KiB aligned; the kernel reserves it
	 * (early_init_fdt_reserve_self) before it allocates memory */
	uint32_t dtb = (info.hi + 0xffffu) & ~0xffffu;
	uint8_t buf[16384];
	int size = node_fdt_build(&b, buf, sizeof(buf));
	if (size < 0 || !node_mem_is_ram(&m->mem, dtb, (uint32_t)size)) {
		snprintf(err, errlen,
			 "%s: no room for the device tree after the image (RAM %u MiB)", kernel,
			 m->mem.ram_size >> 20);
		return -1;
	}
	node_mem_dma_write(&m->mem, dtb, buf, (uint32_t)size);
	node_cpu *cpu = &m->cpus[0];
	cpu->pc = info.entry;
	cpu->r[4] = (uint32_t)-2;      /* a0: UHI */
	cpu->r[5] = 0x80000000u | dtb; /* a1: DTB (KSEG0) */
	cpu->r[6] = 0;
	cpu->r[7] = 0;
	return 0;
}

uint64_t node_machine_insns(const node_machine *m)
{
	uint64_t n = 0;
	for (int i = 0; i < m->ncpus; i++)
		n += m->cpus[i].insns;
	return n;
}

static bool wakeable(const node_cpu *cpu)
{
	/* `wait` ends when an unmasked interrupt is pending, whatever IE says */
	return (cpu->cause & cpu->status & NODE_ST_IM) != 0;
}

int node_machine_run(node_machine *m)
{
	uint64_t next_poll = 0;
	for (;;) {
		bool all_waiting = true;
		for (int i = 0; i < m->ncpus; i++) {
			node_cpu *cpu = &m->cpus[i];
			node_cpu_timer_tick(cpu);
			if (cpu->waiting) {
				if (!wakeable(cpu))
					continue;
				cpu->waiting = false;
			}
			all_waiting = false;
			node_cpu_check_interrupts(cpu);
			int64_t budget = m->cfg.slice;
			uint64_t to_timer = node_cpu_cycles_to_timer(cpu);
			if ((uint64_t)budget > to_timer)
				budget = (int64_t)to_timer;
			if (m->cfg.max_insns) {
				uint64_t done = node_machine_insns(m);
				if (done >= m->cfg.max_insns)
					return NODE_STOP_LIMIT;
				if ((uint64_t)budget > m->cfg.max_insns - done)
					budget = (int64_t)(m->cfg.max_insns - done);
			}
			node_cpu_run(cpu, budget);
			node_cpu_timer_tick(cpu);
			if (m->power.off)
				return NODE_STOP_POWEROFF;
		}
		uint64_t now = m->cpus[0].cycles;
		if (all_waiting) {
			/* nothing runs: the next event is the earliest timer that
			 * could wake a CPU, or host input */
			uint64_t t = UINT64_MAX;
			for (int i = 0; i < m->ncpus; i++) {
				const node_cpu *c = &m->cpus[i];
				if ((c->status & NODE_ST_IM7) && c->timer_deadline < t)
					t = c->timer_deadline;
			}
			if (m->poll) {
				m->poll(m, m->poll_opaque, t == UINT64_MAX ? UINT64_MAX : t - now);
				next_poll = now + (1u << 20);
			} else if (t == UINT64_MAX) {
				return NODE_STOP_IDLE;
			}
			if (m->stop_request)
				return NODE_STOP_HOST;
			bool woken = false;
			for (int i = 0; i < m->ncpus; i++)
				woken |= wakeable(&m->cpus[i]);
			if (woken)
				continue; /* host input arrived: run now */
			if (t == UINT64_MAX)
				continue; /* only host input can wake it */
			for (int i = 0; i < m->ncpus; i++)
				if (m->cpus[i].cycles < t)
					m->cpus[i].cycles = t;
			continue;
		}
		if (m->poll && now >= next_poll) {
			m->poll(m, m->poll_opaque, 0);
			next_poll = now + (1u << 20);
			if (m->stop_request)
				return NODE_STOP_HOST;
		}
	}
}
