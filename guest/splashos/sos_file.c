/* guest/splashos/sos_file.c: FILE objects of stdio.h: the console (stdout,
 * stderr, an empty stdin) and the virtio-blk disks as byte-addressed files
 * (see stdio.h for what a program sees).
 *
 * A disk FILE keeps one sector in its own buffer: a byte access reads the
 * sector into it (writing back the one it held if dirty) and changes it
 * there; sector-aligned runs of whole sectors go straight between the
 * caller's buffer and the disk. file_lock serialises the FILE table, every
 * disk FILE operation and the driver (sos_virtio.c), so any vCPU may use any
 * FILE. Console FILEs take no lock: the console layer (sos_console.c) has
 * its own.
 */
#include "sos_internal.h"

#include <stdio.h>
#include <string.h>

#define DIRECT_MAX 128u /* sectors in one direct request (64 KiB) */

enum { KIND_FREE, KIND_CONSOLE_IN, KIND_CONSOLE_OUT, KIND_DISK };

struct sos_file {
	int kind;
	int readable, writable;
	int eof, err;
	int disk;
	uint64_t size; /* bytes */
	uint64_t pos;
	int64_t sec; /* sector held in buf, -1: none */
	int dirty;
	uint8_t buf[SOS_SECTOR] __attribute__((aligned(16)));
};

static FILE console_files[3] = {
	{.kind = KIND_CONSOLE_IN, .readable = 1},
	{.kind = KIND_CONSOLE_OUT, .writable = 1},
	{.kind = KIND_CONSOLE_OUT, .writable = 1},
};
FILE *const stdin = &console_files[0];
FILE *const stdout = &console_files[1];
FILE *const stderr = &console_files[2];

static FILE files[FOPEN_MAX];
static smp_lock file_lock;

/* ---- sectors --------------------------------------------------------------- */

/* Writes back f's buffered sector if it changed; file_lock held. */
static int write_back(FILE *f)
{
	if (!f->dirty)
		return 0;
	f->dirty = 0;
	if (sos__blk_rw(f->disk, (uint64_t)f->sec, f->buf, 1, 1)) {
		f->err = 1;
		return -1;
	}
	return 0;
}

/* Makes f's buffer hold sector sec; file_lock held. */
static int load(FILE *f, uint64_t sec)
{
	if (f->sec == (int64_t)sec)
		return 0;
	if (write_back(f))
		return -1;
	f->sec = -1;
	if (sos__blk_rw(f->disk, sec, f->buf, 1, 0)) {
		f->err = 1;
		return -1;
	}
	f->sec = (int64_t)sec;
	return 0;
}

/* Moves whole sectors between p and the disk at f->pos (sector-aligned),
 * around f's buffer; returns the bytes moved (0 on error). */
static uint32_t direct(FILE *f, uint8_t *p, uint32_t len, int write)
{
	uint64_t sec = f->pos / SOS_SECTOR;
	uint32_t n = len / SOS_SECTOR;

	if (n > DIRECT_MAX)
		n = DIRECT_MAX;
	if (f->sec >= (int64_t)sec && f->sec < (int64_t)(sec + n)) {
		if (write_back(f))
			return 0;
		f->sec = -1; /* the disk has it now, or is about to */
	}
	if (sos__blk_rw(f->disk, sec, p, n, write)) {
		f->err = 1;
		return 0;
	}
	return n * SOS_SECTOR;
}

/* Copies len bytes between p and the disk at f->pos; returns the bytes
 * copied (fewer after a device error). file_lock held. */
static size_t disk_copy(FILE *f, uint8_t *p, size_t len, int write)
{
	size_t done = 0;

	while (done < len) {
		uint32_t off = (uint32_t)(f->pos % SOS_SECTOR), n;
		size_t left = len - done;
		if (off == 0 && left >= SOS_SECTOR) {
			n = direct(f, p + done, left > 0x100000 ? 0x100000 : (uint32_t)left, write);
			if (!n)
				break;
		} else {
			if (load(f, f->pos / SOS_SECTOR))
				break;
			n = SOS_SECTOR - off < left ? SOS_SECTOR - off : (uint32_t)left;
			if (write) {
				memcpy(f->buf + off, p + done, n);
				f->dirty = 1;
			} else {
				memcpy(p + done, f->buf + off, n);
			}
		}
		done += n;
		f->pos += n;
	}
	return done;
}

/* ---- open and close ---------------------------------------------------------- */

/* The disk index of "/dev/vdX", or -1. */
static int disk_of(const char *path)
{
	if (strncmp(path, "/dev/vd", 7) || path[7] < 'a' || path[7] >= 'a' + SOS_MAX_DISKS ||
	    path[8])
		return -1;
	return path[7] - 'a';
}

/* Sets f's access from an fopen mode; -1 for a mode SPLASHOS refuses. */
static int parse_mode(FILE *f, const char *mode)
{
	int plus = strchr(mode, '+') != NULL;

	if (mode[0] == 'r')
		f->readable = 1, f->writable = plus;
	else if (mode[0] == 'w')
		f->readable = plus, f->writable = 1;
	else
		return -1;
	for (const char *m = mode + 1; *m; m++)
		if (*m != '+' && *m != 'b')
			return -1;
	return 0;
}

FILE *fopen(const char *path, const char *mode)
{
	int d = disk_of(path);
	FILE *f = NULL;

	if (d < 0)
		return NULL;
	smp_lock_acquire(&file_lock);
	uint64_t sectors = d < sos__blk_probe() ? sos__blk_sectors(d) : 0;
	for (int i = 0; i < FOPEN_MAX && sectors && !f; i++)
		if (files[i].kind == KIND_FREE)
			f = &files[i];
	if (f) {
		memset(f, 0, sizeof(*f));
		if (parse_mode(f, mode) == 0) {
			f->kind = KIND_DISK;
			f->disk = d;
			f->size = sectors * SOS_SECTOR;
			f->sec = -1;
		} else {
			f = NULL;
		}
	}
	smp_lock_release(&file_lock);
	return f;
}

/* Writes back f and makes the disk keep it; file_lock held. */
static int sync_file(FILE *f)
{
	if (f->kind != KIND_DISK || !f->writable)
		return 0;
	if (write_back(f) || sos__blk_flush(f->disk)) {
		f->err = 1;
		return EOF;
	}
	return 0;
}

int fclose(FILE *f)
{
	int rc;

	if (f->kind != KIND_DISK)
		return fflush(f);
	smp_lock_acquire(&file_lock);
	rc = sync_file(f);
	f->kind = KIND_FREE;
	smp_lock_release(&file_lock);
	return rc;
}

void sos__files_flush_all(void)
{
	smp_lock_acquire(&file_lock);
	for (int i = 0; i < FOPEN_MAX; i++)
		sync_file(&files[i]);
	smp_lock_release(&file_lock);
}

int fflush(FILE *f)
{
	int rc = 0;

	if (!f || f->kind == KIND_CONSOLE_OUT)
		sos__console_flush();
	if (f && f->kind != KIND_DISK)
		return 0;
	smp_lock_acquire(&file_lock);
	if (f) {
		rc = sync_file(f);
	} else {
		for (int i = 0; i < FOPEN_MAX; i++)
			rc |= sync_file(&files[i]);
	}
	smp_lock_release(&file_lock);
	return rc;
}

/* ---- reading, writing, seeking ------------------------------------------------ */

/* Bytes of a request for n items of size that fit before the end of f. */
static size_t clip(FILE *f, size_t size, size_t n)
{
	uint64_t left = f->pos < f->size ? f->size - f->pos : 0;
	size_t room = left > (size_t)-1 ? (size_t)-1 : (size_t)left; /* a 32-bit division */

	if (size == 0)
		return 0;
	if (n > room / size)
		n = room / size;
	return n * size;
}

size_t fread(void *buf, size_t size, size_t n, FILE *f)
{
	size_t want, got;

	if (!f->readable) {
		f->err = 1;
		return 0;
	}
	if (f->kind != KIND_DISK) {
		f->eof = 1;
		return 0;
	}
	smp_lock_acquire(&file_lock);
	want = clip(f, size, n);
	if (want < size * n)
		f->eof = 1;
	got = disk_copy(f, buf, want, 0);
	smp_lock_release(&file_lock);
	return size ? got / size : 0;
}

size_t fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
	size_t want, put;

	if (!f->writable) {
		f->err = 1;
		return 0;
	}
	if (f->kind == KIND_CONSOLE_OUT) {
		sos__console_write(buf, size * n);
		return n;
	}
	smp_lock_acquire(&file_lock);
	want = clip(f, size, n);
	if (want < size * n)
		f->err = 1; /* no room past the end of the disk */
	put = disk_copy(f, (uint8_t *)buf, want, 1);
	smp_lock_release(&file_lock);
	return size ? put / size : 0;
}

int fgetc(FILE *f)
{
	unsigned char c;

	return fread(&c, 1, 1, f) == 1 ? c : EOF;
}

int getchar(void)
{
	return fgetc(stdin);
}

int fseek(FILE *f, long off, int whence)
{
	int64_t base = whence == SEEK_SET   ? 0
		       : whence == SEEK_CUR ? (int64_t)f->pos
		       : whence == SEEK_END ? (int64_t)f->size
					    : -1;

	if (f->kind != KIND_DISK || base < 0 || base + off < 0 || (uint64_t)(base + off) > f->size)
		return -1;
	smp_lock_acquire(&file_lock);
	f->pos = (uint64_t)(base + off);
	f->eof = 0;
	smp_lock_release(&file_lock);
	return 0;
}

long ftell(FILE *f)
{
	if (f->kind != KIND_DISK || f->pos > 0x7fffffffu)
		return -1;
	return (long)f->pos;
}

void rewind(FILE *f)
{
	fseek(f, 0, SEEK_SET);
	clearerr(f);
}

int feof(FILE *f)
{
	return f->eof;
}

int ferror(FILE *f)
{
	return f->err;
}

void clearerr(FILE *f)
{
	f->eof = f->err = 0;
}
