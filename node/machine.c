/* node/machine.c: the node run loop (see node/machine.h). */
#include "node/machine.h"

#include <stdlib.h>
#include <string.h>

static void cpu_irq(void *opaque, int line, bool level)
{
	node_machine *m = opaque;
	/* one CPU on the bare single node takes all device lines */
	node_cpu_set_irq(&m->cpus[0], line, level);
}

void node_machine_config_default(node_machine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ram_bytes = 64u << 20;
	cfg->ncpus = 1;
	cfg->console = stdout;
	cfg->slice = 10000;
}

int node_machine_init(node_machine *m, const node_machine_config *cfg)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	if (node_mem_init(&m->mem, cfg->ram_bytes))
		return -1;
	m->ncpus = cfg->ncpus > 0 ? cfg->ncpus : 1;
	m->cpus = calloc((size_t)m->ncpus, sizeof(node_cpu));
	if (!m->cpus) {
		node_mem_destroy(&m->mem);
		return -1;
	}
	for (int i = 0; i < m->ncpus; i++)
		node_cpu_reset(&m->cpus[i], &m->mem, i);
	node_uart_init(&m->uart, cfg->console, (node_irq){cpu_irq, m, 2});
	node_mem_map_device(&m->mem, NODE_UART_BASE, 0x100, &node_uart_ops, &m->uart);
	node_mem_map_device(&m->mem, NODE_POWER_BASE, 0x4, &node_power_ops, &m->power);
	return 0;
}

void node_machine_destroy(node_machine *m)
{
	free(m->cpus);
	m->cpus = NULL;
	node_mem_destroy(&m->mem);
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
		if (all_waiting) {
			/* nothing runs: jump to the earliest timer deadline */
			uint64_t t = UINT64_MAX;
			for (int i = 0; i < m->ncpus; i++)
				if ((m->cpus[i].status & NODE_CAUSE_IP7) &&
				    m->cpus[i].timer_deadline < t)
					t = m->cpus[i].timer_deadline;
			if (t == UINT64_MAX) {
				if (!m->poll)
					return NODE_STOP_IDLE;
				m->poll(m, m->poll_opaque); /* only host input can wake it */
				continue;
			}
			for (int i = 0; i < m->ncpus; i++) {
				node_cpu *cpu = &m->cpus[i];
				if (cpu->cycles < t)
					cpu->cycles = t;
			}
		}
		uint64_t now = m->cpus[0].cycles;
		if (m->poll && now >= next_poll) {
			m->poll(m, m->poll_opaque);
			next_poll = now + (1u << 20);
		}
	}
}
