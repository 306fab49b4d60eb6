/* vdisk/raw.c: a raw disk image file as a backend (see vdisk/vdisk.h).
 * Writes go to the file with pwrite; flush is fdatasync, so a guest flush
 * makes its writes durable. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vdisk/vdisk.h"

typedef struct raw_disk {
	vdisk d;
	int fd;
	char *path;
} raw_disk;

static int raw_read(vdisk *d, uint64_t off, void *buf, size_t len)
{
	raw_disk *r = (raw_disk *)d;
	uint8_t *p = buf;
	while (len) {
		ssize_t n = pread(r->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) { /* the file shrank under us: read zeros */
			memset(p, 0, len);
			return 0;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int raw_write(vdisk *d, uint64_t off, const void *buf, size_t len)
{
	raw_disk *r = (raw_disk *)d;
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = pwrite(r->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int raw_flush(vdisk *d)
{
	raw_disk *r = (raw_disk *)d;
	return fdatasync(r->fd) ? -errno : 0;
}

static void raw_close(vdisk *d)
{
	raw_disk *r = (raw_disk *)d;
	close(r->fd);
	free(r->path);
	free(r);
}

static const vdisk_ops raw_ops = {
	.read = raw_read,
	.write = raw_write,
	.flush = raw_flush,
	.close = raw_close,
};

vdisk *vdisk_raw_open(const char *path, bool readonly, char *err, size_t errlen)
{
	int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (!readonly && (e == EACCES || e == EROFS || e == EPERM))
			snprintf(
				err, errlen,
				"%s: disk image is not writable (%s); make it writable or mark the "
				"disk read-only",
				path, strerror(e));
		else
			snprintf(err, errlen, "%s: cannot open disk image: %s", path, strerror(e));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: disk image is not a regular file", path);
		close(fd);
		return NULL;
	}
	if (st.st_size < VDISK_SECTOR) {
		snprintf(err, errlen, "%s: disk image is empty or smaller than one sector", path);
		close(fd);
		return NULL;
	}
	raw_disk *r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path))) {
		free(r);
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	r->fd = fd;
	r->d.ops = &raw_ops;
	r->d.size = (uint64_t)st.st_size & ~(uint64_t)(VDISK_SECTOR - 1);
	r->d.readonly = readonly;
	r->d.name = r->path;
	return &r->d;
}
