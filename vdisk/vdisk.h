/* vdisk/vdisk.h: disk backends behind the virtual block devices.
 *
 * A backend serves byte-addressed reads and writes of whole sectors and a
 * flush that makes earlier writes durable (STYLE.md 5: the virtio-blk front
 * end calls a backend; a raw file, a copy-on-write overlay and an in-memory
 * test disk plug in alike). Calls complete before they return; the front end
 * decides when, in simulated time, the guest sees the completion, so host I/O
 * speed never changes results.
 */
#ifndef VDISK_H
#define VDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDISK_SECTOR 512

typedef struct vdisk vdisk;

typedef struct vdisk_ops {
	/* Each returns 0 or a negative errno. off and len are sector-aligned
	 * and within the disk (the front end checks). */
	int (*read)(vdisk *d, uint64_t off, void *buf, size_t len);
	int (*write)(vdisk *d, uint64_t off, const void *buf, size_t len);
	int (*flush)(vdisk *d);
	void (*close)(vdisk *d);
} vdisk_ops;

struct vdisk {
	const vdisk_ops *ops;
	uint64_t size; /* bytes, a multiple of VDISK_SECTOR */
	bool readonly;
	const char *name; /* for messages: the image path */
};

/* Opens a raw image file. Returns NULL with a message in err (naming the
 * file and the reason) when it is missing, not a regular file, empty, or not
 * writable while readonly is false. */
vdisk *vdisk_raw_open(const char *path, bool readonly, char *err, size_t errlen);
/* A zero-filled in-memory disk of size bytes (tests). */
vdisk *vdisk_mem_create(uint64_t size);
uint8_t *vdisk_mem_data(vdisk *d);

static inline void vdisk_close(vdisk *d)
{
	if (d)
		d->ops->close(d);
}

#endif
