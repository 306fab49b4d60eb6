/* cli/config.c: the YAML machine description (see cli/config.h). The file
 * is loaded as a libyaml document; each section is a table of known keys
 * with a parser each, so an unknown key or a bad value is reported with its
 * position and the allowed choices. */
#include "cli/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "monitor/vmm.h"

typedef struct ctx {
	yaml_document_t *doc;
	const char *path;
	char *dir; /* the file's directory, for relative paths */
	char *err;
	size_t errlen;
	cli_config *c;
	cli_vm *vm; /* the VM being parsed (vms:) */
} ctx;

static int fail(ctx *x, const yaml_node_t *n, const char *field, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(x->err, x->errlen, "%s:%zu:%zu: %s: ", x->path,
			 n ? n->start_mark.line + 1 : 0, n ? n->start_mark.column + 1 : 0, field);
	va_start(ap, fmt);
	if (k >= 0 && (size_t)k < x->errlen)
		vsnprintf(x->err + k, x->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_scalar(ctx *x, const yaml_node_t *n, const char *field, const char **out)
{
	*out = scalar(n);
	if (!*out)
		return fail(x, n, field, "expected a single value, found a %s",
			    n->type == YAML_MAPPING_NODE ? "mapping" : "list");
	return 0;
}

static int get_uint(ctx *x, const yaml_node_t *n, const char *field, unsigned long long lo,
		    unsigned long long hi, unsigned long long *out)
{
	const char *s;
	if (get_scalar(x, n, field, &s))
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (!*s || *end || errno || s[0] == '-' || v < lo || v > hi)
		return fail(x, n, field, "'%s' is not a whole number from %llu to %llu", s, lo, hi);
	*out = v;
	return 0;
}

/* A size in bytes: a number with an optional K, M or G suffix (powers of
 * 1024). */
static int get_size(ctx *x, const yaml_node_t *n, const char *field, unsigned long long lo,
		    unsigned long long hi, unsigned long long *out)
{
	const char *s;
	if (get_scalar(x, n, field, &s))
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned long long mul = 1;
	if (*end == 'K' || *end == 'k')
		mul = 1ull << 10;
	else if (*end == 'M' || *end == 'm')
		mul = 1ull << 20;
	else if (*end == 'G' || *end == 'g')
		mul = 1ull << 30;
	if (mul > 1) {
		end++;
		if (*end == 'i' || *end == 'B')
			end++;
		if (*end == 'B')
			end++;
	}
	if (!isdigit((unsigned char)s[0]) || *end || errno || v > hi / mul || v * mul < lo ||
	    v * mul > hi)
		return fail(x, n, field,
			    "'%s' is not a size from %lluM to %lluM (write e.g. 64M or 1G)", s,
			    lo >> 20, hi >> 20);
	*out = v * mul;
	return 0;
}

static int get_bool(ctx *x, const yaml_node_t *n, const char *field, bool *out)
{
	const char *s;
	if (get_scalar(x, n, field, &s))
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) {
		*out = false;
		return 0;
	}
	return fail(x, n, field, "'%s' is not true or false", s);
}

static int get_choice(ctx *x, const yaml_node_t *n, const char *field, const char *const *choices,
		      int *out)
{
	const char *s;
	if (get_scalar(x, n, field, &s))
		return -1;
	char allowed[256] = "";
	for (int i = 0; choices[i]; i++) {
		if (!strcmp(s, choices[i])) {
			*out = i;
			return 0;
		}
		strncat(allowed, i ? ", " : "", sizeof(allowed) - strlen(allowed) - 1);
		strncat(allowed, choices[i], sizeof(allowed) - strlen(allowed) - 1);
	}
	return fail(x, n, field, "'%s' is not one of: %s", s, allowed);
}

/* A path, made relative to the config file's directory unless absolute. */
static int get_path(ctx *x, const yaml_node_t *n, const char *field, char **out)
{
	const char *s;
	if (get_scalar(x, n, field, &s))
		return -1;
	if (!*s)
		return fail(x, n, field, "empty path");
	size_t len = strlen(x->dir) + strlen(s) + 2;
	char *p = malloc(len);
	if (!p)
		return fail(x, n, field, "out of memory");
	if (s[0] == '/')
		snprintf(p, len, "%s", s);
	else
		snprintf(p, len, "%s/%s", x->dir, s);
	free(*out);
	*out = p;
	return 0;
}

static int get_string(ctx *x, const yaml_node_t *n, const char *field, char **out)
{
	const char *s;
	if (get_scalar(x, n, field, &s))
		return -1;
	free(*out);
	*out = strdup(s);
	return *out ? 0 : fail(x, n, field, "out of memory");
}

/* ---- sections ----------------------------------------------------------- */

typedef int (*key_fn)(ctx *x, yaml_node_t *v, const char *field);
typedef struct key_entry {
	const char *key;
	key_fn fn;
} key_entry;

static int walk_mapping(ctx *x, yaml_node_t *n, const char *section, const key_entry *keys)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail(x, n, section, "expected a mapping of keys to values");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(x->doc, p->value);
		const char *name = scalar(k);
		char field[128];
		snprintf(field, sizeof(field), "%s%s%s", section, *section ? "." : "",
			 name ? name : "?");
		const key_entry *e = keys;
		for (; e->key; e++)
			if (name && !strcmp(name, e->key))
				break;
		if (!e->key) {
			char allowed[512] = "";
			for (const key_entry *a = keys; a->key; a++) {
				strncat(allowed, a == keys ? "" : ", ",
					sizeof(allowed) - strlen(allowed) - 1);
				strncat(allowed, a->key, sizeof(allowed) - strlen(allowed) - 1);
			}
			return fail(x, k, field, "unknown key; allowed here: %s", allowed);
		}
		if (e->fn(x, v, field))
			return -1;
	}
	return 0;
}

static int k_nodes(ctx *x, yaml_node_t *v, const char *f)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 1, 64, &n))
		return -1;
	x->c->nodes = (int)n;
	return 0;
}

static int k_cpus(ctx *x, yaml_node_t *v, const char *f)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 1, 8, &n))
		return -1;
	x->c->machine.ncpus = (int)n;
	return 0;
}

static int k_memory(ctx *x, yaml_node_t *v, const char *f)
{
	unsigned long long n = 0;
	if (get_size(x, v, f, 4ull << 20, 496ull << 20, &n))
		return -1;
	if (n & (NODE_PAGE_SIZE - 1))
		return fail(x, v, f, "must be a multiple of 4K");
	x->c->machine.ram_bytes = (uint32_t)n;
	return 0;
}

static int k_clock(ctx *x, yaml_node_t *v, const char *f)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 1, 4000, &n))
		return -1;
	x->c->machine.cpu_hz = (uint32_t)(n * 1000000u);
	return 0;
}

static int lat(ctx *x, yaml_node_t *v, const char *f, unsigned *out)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 1, 1000000, &n))
		return -1;
	*out = (unsigned)n;
	return 0;
}
static int k_l2(ctx *x, yaml_node_t *v, const char *f)
{
	return lat(x, v, f, &x->c->l2_hit_ns);
}
static int k_local(ctx *x, yaml_node_t *v, const char *f)
{
	return lat(x, v, f, &x->c->local_miss_ns);
}
static int k_remote(ctx *x, yaml_node_t *v, const char *f)
{
	return lat(x, v, f, &x->c->remote_miss_ns);
}

static int k_dir(ctx *x, yaml_node_t *v, const char *f)
{
	return lat(x, v, f, &x->c->directory_ns);
}

static int k_nak(ctx *x, yaml_node_t *v, const char *f)
{
	return lat(x, v, f, &x->c->nak_backoff_ns);
}

static const key_entry latency_keys[] = {
	{"l2_hit_ns", k_l2},	 {"local_miss_ns", k_local}, {"remote_miss_ns", k_remote},
	{"directory_ns", k_dir}, {"nak_backoff_ns", k_nak},  {NULL, NULL},
};

static int cache_size(ctx *x, yaml_node_t *v, const char *f, unsigned *out)
{
	unsigned long long n = 0;
	if (get_size(x, v, f, 1ull << 10, 64ull << 20, &n))
		return -1;
	if (n & (n - 1))
		return fail(x, v, f, "must be a power of two");
	*out = (unsigned)n;
	return 0;
}

static int cache_ways(ctx *x, yaml_node_t *v, const char *f, unsigned *out)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 1, 16, &n))
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int k_l1_size(ctx *x, yaml_node_t *v, const char *f)
{
	return cache_size(x, v, f, &x->c->l1_size);
}

static int k_l1_ways(ctx *x, yaml_node_t *v, const char *f)
{
	return cache_ways(x, v, f, &x->c->l1_ways);
}

static int k_l2_size(ctx *x, yaml_node_t *v, const char *f)
{
	return cache_size(x, v, f, &x->c->l2_size);
}

static int k_l2_ways(ctx *x, yaml_node_t *v, const char *f)
{
	return cache_ways(x, v, f, &x->c->l2_ways);
}

static const key_entry cache_keys[] = {
	{"l1_size", k_l1_size}, {"l1_ways", k_l1_ways}, {"l2_size", k_l2_size},
	{"l2_ways", k_l2_ways}, {NULL, NULL},
};

static int k_caches(ctx *x, yaml_node_t *v, const char *f)
{
	return walk_mapping(x, v, f, cache_keys);
}

static int k_model(ctx *x, yaml_node_t *v, const char *f)
{
	static const char *const choices[] = {"detailed", "fast", NULL};
	int i;
	if (get_choice(x, v, f, choices, &i))
		return -1;
	x->c->fast = i;
	return 0;
}

/* blocks | round-robin | a list with one rank per node */
static int k_placement(ctx *x, yaml_node_t *v, const char *f)
{
	if (v->type == YAML_SEQUENCE_NODE) {
		int n = 0;
		for (yaml_node_item_t *i = v->data.sequence.items.start;
		     i < v->data.sequence.items.top; i++) {
			yaml_node_t *e = yaml_document_get_node(x->doc, *i);
			char field[64];
			snprintf(field, sizeof(field), "%s[%d]", f, n);
			unsigned long long r = 0;
			if (n == 64)
				return fail(x, e, field, "at most 64 nodes");
			if (get_uint(x, e, field, 0, 4095, &r))
				return -1;
			x->c->place_list[n++] = (int)r;
		}
		x->c->placement = COH_PLACE_LIST;
		x->c->place_list_len = n;
		return 0;
	}
	static const char *const choices[] = {"blocks", "round-robin", NULL};
	int i;
	if (get_choice(x, v, f, choices, &i))
		return -1;
	x->c->placement = i == 0 ? COH_PLACE_BLOCKS : COH_PLACE_ROUND_ROBIN;
	return 0;
}

static int k_quantum(ctx *x, yaml_node_t *v, const char *f)
{
	return get_uint(x, v, f, 1, 1ull << 40, &x->c->quantum);
}

static int k_hot(ctx *x, yaml_node_t *v, const char *f)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 0, 1u << 30, &n))
		return -1;
	x->c->hot_page_threshold = (unsigned)n;
	return 0;
}

static int k_latency(ctx *x, yaml_node_t *v, const char *f)
{
	return walk_mapping(x, v, f, latency_keys);
}

static const key_entry machine_keys[] = {
	{"nodes", k_nodes},
	{"cpus_per_node", k_cpus},
	{"memory_per_node", k_memory},
	{"clock_mhz", k_clock},
	{"memory_model", k_model},
	{"caches", k_caches},
	{"latency", k_latency},
	{"placement", k_placement},
	{"quantum", k_quantum},
	{"hot_page_threshold", k_hot},
	{NULL, NULL},
};

static int k_machine(ctx *x, yaml_node_t *v, const char *f)
{
	return walk_mapping(x, v, f, machine_keys);
}

static int k_kernel(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->c->kernel);
}
static int k_cmdline(ctx *x, yaml_node_t *v, const char *f)
{
	return get_string(x, v, f, &x->c->cmdline);
}

static int k_initrd(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->c->initrd);
}

static const key_entry boot_keys[] = {
	{"kernel", k_kernel},
	{"initrd", k_initrd},
	{"cmdline", k_cmdline},
	{NULL, NULL},
};

static int k_boot(ctx *x, yaml_node_t *v, const char *f)
{
	return walk_mapping(x, v, f, boot_keys);
}

static int k_image(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->c->disk_images[x->c->machine.ndisks]);
}
static int k_readonly(ctx *x, yaml_node_t *v, const char *f)
{
	return get_bool(x, v, f, &x->c->machine.disks[x->c->machine.ndisks].readonly);
}

static const key_entry disk_keys[] = {
	{"image", k_image},
	{"readonly", k_readonly},
	{NULL, NULL},
};

static int k_disks(ctx *x, yaml_node_t *v, const char *f)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(x, v, f, "expected a list of disks (- image: FILE)");
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
	     i++) {
		yaml_node_t *d = yaml_document_get_node(x->doc, *i);
		char field[64];
		int n = x->c->machine.ndisks;
		snprintf(field, sizeof(field), "%s[%d]", f, n);
		if (n == NODE_MAX_DISKS)
			return fail(x, d, field, "at most %d disks", NODE_MAX_DISKS);
		if (walk_mapping(x, d, field, disk_keys))
			return -1;
		if (!x->c->disk_images[n])
			return fail(x, d, field, "a disk needs an image: FILE");
		x->c->machine.disks[n].image = x->c->disk_images[n];
		x->c->machine.ndisks++;
	}
	return 0;
}

static int k_net_devices(ctx *x, yaml_node_t *v, const char *f)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 0, NODE_MAX_NETS, &n))
		return -1;
	x->c->machine.nnets = (int)n;
	return 0;
}

static int k_net_backend(ctx *x, yaml_node_t *v, const char *f)
{
	static const char *const choices[] = {"none", "loopback", NULL};
	int i;
	if (get_choice(x, v, f, choices, &i))
		return -1;
	x->c->machine.net_loopback = i == 1;
	return 0;
}

static const key_entry net_keys[] = {
	{"devices", k_net_devices},
	{"backend", k_net_backend},
	{NULL, NULL},
};

static int k_network(ctx *x, yaml_node_t *v, const char *f)
{
	if (walk_mapping(x, v, f, net_keys))
		return -1;
	if (x->c->machine.net_loopback && x->c->machine.nnets < 2)
		return fail(x, v, f, "backend loopback joins two devices: set devices: 2");
	return 0;
}

static int k_input(ctx *x, yaml_node_t *v, const char *f)
{
	static const char *const choices[] = {"stdin", "none", NULL};
	int i;
	if (get_choice(x, v, f, choices, &i))
		return -1;
	x->c->input = i == 0 ? CLI_INPUT_STDIN : CLI_INPUT_NONE;
	return 0;
}
static int k_script(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->c->script);
}
static int k_output(ctx *x, yaml_node_t *v, const char *f)
{
	const char *s = scalar(v);
	if (s && !strcmp(s, "stdout")) {
		free(x->c->output);
		x->c->output = NULL;
		return 0;
	}
	return get_path(x, v, f, &x->c->output);
}

static const key_entry console_keys[] = {
	{"input", k_input},
	{"script", k_script},
	{"output", k_output},
	{NULL, NULL},
};

static int k_console(ctx *x, yaml_node_t *v, const char *f)
{
	return walk_mapping(x, v, f, console_keys);
}

static int k_seed(ctx *x, yaml_node_t *v, const char *f)
{
	return get_uint(x, v, f, 0, UINT64_MAX, &x->c->seed);
}

/* ---- vms: the monitor's virtual machines --------------------------------- */

static int k_vm_name(ctx *x, yaml_node_t *v, const char *f)
{
	return get_string(x, v, f, &x->vm->name);
}

static int k_vm_vcpus(ctx *x, yaml_node_t *v, const char *f)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 1, 64, &n))
		return -1;
	x->vm->vcpus = (int)n;
	return 0;
}

static int k_vm_memory(ctx *x, yaml_node_t *v, const char *f)
{
	if (get_size(x, v, f, 4ull << 20, 496ull << 20, &x->vm->memory))
		return -1;
	if (x->vm->memory & (NODE_PAGE_SIZE - 1))
		return fail(x, v, f, "must be a multiple of 4K");
	return 0;
}

static int k_vm_nodes(ctx *x, yaml_node_t *v, const char *f)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(x, v, f, "expected a list of node numbers, e.g. [0, 1]");
	cli_vm *vm = x->vm;
	vm->nnodes = 0;
	vm->nodes_line = v->start_mark.line + 1;
	vm->nodes_col = v->start_mark.column + 1;
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
	     i++) {
		yaml_node_t *e = yaml_document_get_node(x->doc, *i);
		char field[96];
		snprintf(field, sizeof(field), "%s[%d]", f, vm->nnodes);
		unsigned long long n = 0;
		if (vm->nnodes == 64)
			return fail(x, e, field, "at most 64 nodes");
		if (get_uint(x, e, field, 0, 63, &n))
			return -1;
		vm->nodes[vm->nnodes++] = (int)n;
	}
	return 0;
}

static int k_vm_kernel(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->vm->kernel);
}

static int k_vm_cmdline(ctx *x, yaml_node_t *v, const char *f)
{
	return get_string(x, v, f, &x->vm->cmdline);
}

static int k_vm_initrd(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->vm->initrd);
}

static int k_vm_image(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->vm->disk_images[x->vm->ndisks]);
}

static int k_vm_readonly(ctx *x, yaml_node_t *v, const char *f)
{
	return get_bool(x, v, f, &x->vm->disk_readonly[x->vm->ndisks]);
}

static const key_entry vm_disk_keys[] = {
	{"image", k_vm_image},
	{"readonly", k_vm_readonly},
	{NULL, NULL},
};

static int k_vm_disks(ctx *x, yaml_node_t *v, const char *f)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(x, v, f, "expected a list of disks (- image: FILE)");
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
	     i++) {
		yaml_node_t *d = yaml_document_get_node(x->doc, *i);
		char field[96];
		int n = x->vm->ndisks;
		snprintf(field, sizeof(field), "%s[%d]", f, n);
		if (n == CLI_VM_MAX_DISKS)
			return fail(x, d, field, "at most %d disks", CLI_VM_MAX_DISKS);
		if (walk_mapping(x, d, field, vm_disk_keys))
			return -1;
		if (!x->vm->disk_images[n])
			return fail(x, d, field, "a disk needs an image: FILE");
		x->vm->ndisks++;
	}
	return 0;
}

static int k_vm_nets(ctx *x, yaml_node_t *v, const char *f)
{
	unsigned long long n = 0;
	if (get_uint(x, v, f, 0, NODE_MAX_NETS, &n))
		return -1;
	x->vm->nets = (int)n;
	return 0;
}

static int k_vm_console(ctx *x, yaml_node_t *v, const char *f)
{
	const char *s = scalar(v);
	if (s && !strcmp(s, "stdout")) {
		free(x->vm->console_file);
		x->vm->console_file = NULL;
		return 0;
	}
	return get_path(x, v, f, &x->vm->console_file);
}

static int k_vm_special(ctx *x, yaml_node_t *v, const char *f)
{
	bool b;
	if (get_bool(x, v, f, &b))
		return -1;
	x->vm->no_special = !b;
	return 0;
}

static int k_vm_script(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->vm->console_script);
}

static int k_vm_app(ctx *x, yaml_node_t *v, const char *f)
{
	return get_path(x, v, f, &x->vm->app);
}

static int k_vm_args(ctx *x, yaml_node_t *v, const char *f)
{
	return get_string(x, v, f, &x->vm->args);
}

/* first-touch | interleave (monitor/vmm.h) */
static int k_vm_placement(ctx *x, yaml_node_t *v, const char *f)
{
	static const char *const choices[] = {"first-touch", "interleave", NULL};
	int i;
	if (get_choice(x, v, f, choices, &i))
		return -1;
	x->vm->placement = i == 0 ? MON_PLACE_FIRST_TOUCH : MON_PLACE_INTERLEAVE;
	return 0;
}

static const key_entry vm_keys[] = {
	{"name", k_vm_name},
	{"vcpus", k_vm_vcpus},
	{"memory", k_vm_memory},
	{"nodes", k_vm_nodes},
	{"kernel", k_vm_kernel},
	{"cmdline", k_vm_cmdline},
	{"initrd", k_vm_initrd},
	{"disks", k_vm_disks},
	{"network_devices", k_vm_nets},
	{"console", k_vm_console},
	{"console_script", k_vm_script},
	{"special_page", k_vm_special},
	{"app", k_vm_app},
	{"args", k_vm_args},
	{"memory_placement", k_vm_placement},
	{NULL, NULL},
};

static int k_vms(ctx *x, yaml_node_t *v, const char *f)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(x, v, f, "expected a list of virtual machines (- name: ...)");
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
	     i++) {
		yaml_node_t *d = yaml_document_get_node(x->doc, *i);
		char field[64];
		int n = x->c->nvms;
		snprintf(field, sizeof(field), "%s[%d]", f, n);
		if (n == CLI_MAX_VMS)
			return fail(x, d, field, "at most %d virtual machines", CLI_MAX_VMS);
		x->vm = &x->c->vms[n];
		x->vm->vcpus = 1;
		x->vm->memory = 32ull << 20;
		x->c->nvms++;
		if (walk_mapping(x, d, field, vm_keys))
			return -1;
		const cli_vm *vm = x->vm;
		if (!vm->kernel == !vm->app)
			return fail(x, d, field,
				    "a virtual machine runs either a kernel: FILE or an app: FILE "
				    "(a SPLASHOS application)");
		if (vm->app && (vm->cmdline || vm->initrd))
			return fail(x, d, field,
				    "an app: VM has no cmdline or initrd (give its arguments "
				    "as args:)");
		if (vm->kernel && vm->args)
			return fail(x, d, field,
				    "args: are for an app: VM (a kernel's are its cmdline:)");
		for (int k = 0; k < n; k++)
			if (x->vm->name && x->c->vms[k].name &&
			    !strcmp(x->vm->name, x->c->vms[k].name))
				return fail(x, d, field, "the name '%s' is taken by %s[%d]",
					    x->vm->name, f, k);
	}
	return 0;
}

/* Checks that need the whole file: a VM's nodes exist in the machine. */
static int check_vms(ctx *x)
{
	for (int i = 0; i < x->c->nvms; i++) {
		const cli_vm *vm = &x->c->vms[i];
		for (int k = 0; k < vm->nnodes; k++)
			if (vm->nodes[k] >= x->c->nodes) {
				snprintf(x->err, x->errlen,
					 "%s:%zu:%zu: vms[%d].nodes[%d]: node %d does not exist "
					 "(machine.nodes is %d)",
					 x->path, vm->nodes_line, vm->nodes_col, i, k, vm->nodes[k],
					 x->c->nodes);
				return -1;
			}
	}
	return 0;
}

/* monitor.costs: the cycles of the monitor's code paths (monitor/cost.h). */
#define COST(name, field)                       \
	{                                       \
		name, offsetof(mon_cost, field) \
	}
static const struct {
	const char *name;
	size_t off;
} cost_fields[] = {
	COST("trap_entry", trap_entry),
	COST("trap_exit", trap_exit),
	COST("emulate_mfc0", emulate[MON_COST_MFC0]),
	COST("emulate_mtc0", emulate[MON_COST_MTC0]),
	COST("emulate_tlbr", emulate[MON_COST_TLBR]),
	COST("emulate_tlbwi", emulate[MON_COST_TLBWI]),
	COST("emulate_tlbwr", emulate[MON_COST_TLBWR]),
	COST("emulate_tlbp", emulate[MON_COST_TLBP]),
	COST("emulate_eret", emulate[MON_COST_ERET]),
	COST("emulate_diei", emulate[MON_COST_DIEI]),
	COST("emulate_wait", emulate[MON_COST_WAIT]),
	COST("emulate_cache", emulate[MON_COST_CACHE]),
	COST("emulate_rdhwr", emulate[MON_COST_RDHWR]),
	COST("l2tlb_refill", l2tlb_refill),
	COST("reflect", reflect),
	COST("hcall", hcall),
	COST("kseg_fill", kseg_fill),
	COST("vtlb_fill", vtlb_fill),
	COST("mmio", mmio),
	COST("page_zero", page_zero),
	COST("vcpu_switch", vcpu_switch),
};
#undef COST

static int k_costs(ctx *x, yaml_node_t *v, const char *f)
{
	if (v->type != YAML_MAPPING_NODE)
		return fail(x, v, f, "expected a mapping of monitor code paths to cycles");
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
		yaml_node_t *val = yaml_document_get_node(x->doc, p->value);
		const char *name = scalar(k);
		char field[128];
		snprintf(field, sizeof(field), "%s.%s", f, name ? name : "?");
		size_t i = 0, n = sizeof(cost_fields) / sizeof(cost_fields[0]);
		while (i < n && !(name && !strcmp(name, cost_fields[i].name)))
			i++;
		if (i == n) {
			char allowed[1024] = "";
			for (size_t a = 0; a < n; a++) {
				strncat(allowed, a ? ", " : "",
					sizeof(allowed) - strlen(allowed) - 1);
				strncat(allowed, cost_fields[a].name,
					sizeof(allowed) - strlen(allowed) - 1);
			}
			return fail(x, k, field, "unknown code path; allowed here: %s", allowed);
		}
		unsigned long long c;
		if (get_uint(x, val, field, 0, 1000000, &c))
			return -1;
		*(uint32_t *)((char *)&x->c->cost + cost_fields[i].off) = (uint32_t)c;
	}
	return 0;
}

static int k_timeslice(ctx *x, yaml_node_t *v, const char *f)
{
	return get_uint(x, v, f, 1000, 1ull << 40, &x->c->timeslice);
}

static const key_entry monitor_keys[] = {
	{"costs", k_costs},
	{"timeslice", k_timeslice},
	{NULL, NULL},
};

static int k_monitor(ctx *x, yaml_node_t *v, const char *f)
{
	return walk_mapping(x, v, f, monitor_keys);
}

static const key_entry top_keys[] = {
	{"machine", k_machine}, {"boot", k_boot},	{"disks", k_disks},
	{"network", k_network}, {"console", k_console}, {"vms", k_vms},
	{"monitor", k_monitor}, {"seed", k_seed},	{NULL, NULL},
};

void cli_config_default(cli_config *c)
{
	memset(c, 0, sizeof(*c));
	node_machine_config_default(&c->machine);
	c->cost = mon_cost_default;
	c->nodes = 1;
	c->fast = -1;
	c->l2_hit_ns = 50;
	c->local_miss_ns = 300;
	c->remote_miss_ns = 900;
	c->directory_ns = 50;
	c->nak_backoff_ns = 100;
	c->l1_size = 32u << 10;
	c->l1_ways = 2;
	c->l2_size = 1u << 20;
	c->l2_ways = 2;
	c->placement = COH_PLACE_BLOCKS;
	c->input = CLI_INPUT_STDIN;
	c->seed = 1;
}

void cli_config_free(cli_config *c)
{
	free(c->kernel);
	free(c->initrd);
	free(c->cmdline);
	free(c->script);
	free(c->output);
	for (int i = 0; i < NODE_MAX_DISKS; i++)
		free(c->disk_images[i]);
	for (int v = 0; v < c->nvms; v++) {
		cli_vm *vm = &c->vms[v];
		free(vm->name);
		free(vm->kernel);
		free(vm->cmdline);
		free(vm->initrd);
		free(vm->console_file);
		free(vm->console_script);
		free(vm->app);
		free(vm->args);
		for (int i = 0; i < CLI_VM_MAX_DISKS; i++)
			free(vm->disk_images[i]);
	}
	memset(c, 0, sizeof(*c));
}

int cli_config_load(cli_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open config: %s", path, strerror(errno));
		return -1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc = -1;
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: not valid YAML: %s", path,
			 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		fclose(f);
		return -1;
	}
	char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (slash)
		*slash = 0;
	else if (dir)
		strcpy(dir, ".");
	ctx x = {&doc, path, dir, err, errlen, c, NULL};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!dir)
		snprintf(err, errlen, "%s: out of memory", path);
	else if (!root)
		snprintf(err, errlen, "%s: empty config file", path);
	else
		rc = walk_mapping(&x, root, "", top_keys);
	if (rc == 0)
		rc = check_vms(&x);
	if (rc == 0)
		c->machine.cmdline = c->cmdline;
	free(dir);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}
