/* guest/apps/raytrace.c: a parallel Whitted raytracer over a fixed scene of
 * spheres on a checkered ground plane, lit by two point lights, with hard
 * shadows, Phong highlights and mirror reflections, one ray per pixel; in the
 * manner of SPLASH-2's RAYTRACE (image split into tiles, a task queue per
 * thread, idle threads stealing).
 *
 * The image is cut into RT_TILE x RT_TILE tiles, numbered row by row. Thread
 * t's queue starts with the t-th of p equal runs of tile numbers; t takes
 * tiles from the front of its own queue and, when that is empty, steals from
 * the back of the others' (t+1, t+2, ... round), each queue under its own
 * lock. No tile makes new work, so a thread that finds every queue empty is
 * done. A pixel's colour depends only on its position, so the image does not
 * depend on p or on who rendered what.
 *
 * Checks: a sample of pixels (the corners and up to RT_SAMPLES others) is
 * rendered again serially and must be equal byte for byte. Checksum: FNV-1a
 * of the image's RGB bytes, row by row from the top. -o writes a binary PPM
 * (P6).
 *
 * Only +, -, *, / and sqrt touch the pixels, all IEEE double: the same
 * bytes on any thread count and on both flavours.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "par.h"
#include "app.h"

#define RT_NAME "raytrace"
#define RT_TILE 8	 /* pixels: side of a tile */
#define RT_DEPTH 4	 /* reflections followed after the eye ray */
#define RT_EPS 1e-4	 /* scene units: shadow and reflection rays start this far out */
#define RT_FAR 60.0	 /* scene units: the ground plane ends this far from a ray's origin */
#define RT_SAMPLES 1024	 /* pixels rendered again by the check */
#define RT_MAXSIDE 4096	 /* pixels: largest width or height */
#define RT_SHINE_STEPS 5 /* highlight = cos^(2^5) */

struct vec {
	double x, y, z;
};

static inline struct vec v_make(double x, double y, double z)
{
	return (struct vec){x, y, z};
}
static inline struct vec v_add(struct vec a, struct vec b)
{
	return v_make(a.x + b.x, a.y + b.y, a.z + b.z);
}
static inline struct vec v_sub(struct vec a, struct vec b)
{
	return v_make(a.x - b.x, a.y - b.y, a.z - b.z);
}
static inline struct vec v_scale(struct vec a, double s)
{
	return v_make(a.x * s, a.y * s, a.z * s);
}
static inline struct vec v_mul(struct vec a, struct vec b)
{
	return v_make(a.x * b.x, a.y * b.y, a.z * b.z);
}
static inline double v_dot(struct vec a, struct vec b)
{
	return a.x * b.x + a.y * b.y + a.z * b.z;
}
static inline struct vec v_unit(struct vec a)
{
	return v_scale(a, 1.0 / sqrt(v_dot(a, a)));
}

enum rt_kind { RT_SPHERE, RT_PLANE };

/* An object and its surface. A plane is y = 0, checkered between colour and
 * colour2 in unit squares. */
struct rt_obj {
	enum rt_kind kind;
	struct vec centre; /* sphere */
	double radius;	   /* sphere */
	struct vec colour, colour2;
	double ks;   /* specular weight */
	double refl; /* fraction of the colour from the reflected ray */
};

struct rt_light {
	struct vec pos, colour;
};

static const struct rt_obj rt_objs[] = {
	{RT_PLANE, {0, 0, 0}, 0, {0.85, 0.85, 0.80}, {0.15, 0.15, 0.20}, 0.2, 0.25},
	{RT_SPHERE, {0.0, 1.0, 0.0}, 1.0, {0.90, 0.90, 0.95}, {0, 0, 0}, 0.8, 0.60},
	{RT_SPHERE, {-2.1, 0.7, 0.8}, 0.7, {0.90, 0.20, 0.15}, {0, 0, 0}, 0.5, 0.15},
	{RT_SPHERE, {2.0, 0.6, -0.3}, 0.6, {0.20, 0.80, 0.30}, {0, 0, 0}, 0.5, 0.20},
	{RT_SPHERE, {-0.9, 0.35, -1.6}, 0.35, {0.20, 0.30, 0.90}, {0, 0, 0}, 0.6, 0.10},
	{RT_SPHERE, {1.0, 0.3, -1.9}, 0.3, {0.95, 0.80, 0.20}, {0, 0, 0}, 0.6, 0.30},
	{RT_SPHERE, {0.6, 2.4, 1.5}, 0.5, {0.70, 0.30, 0.80}, {0, 0, 0}, 0.5, 0.40},
	{RT_SPHERE, {-3.0, 1.5, 3.0}, 1.5, {0.90, 0.50, 0.20}, {0, 0, 0}, 0.3, 0.05},
	{RT_SPHERE, {3.2, 1.2, 2.8}, 1.2, {0.20, 0.75, 0.80}, {0, 0, 0}, 0.7, 0.50},
};
#define RT_NOBJS (sizeof(rt_objs) / sizeof(rt_objs[0]))

static const struct rt_light rt_lights[] = {
	{{-4.0, 6.0, -5.0}, {0.90, 0.85, 0.80}},
	{{5.0, 4.0, -3.0}, {0.35, 0.40, 0.50}},
};
#define RT_NLIGHTS (sizeof(rt_lights) / sizeof(rt_lights[0]))

#define RT_AMBIENT 0.08

/* The camera: eye ray through pixel (x, y) is forward + u*right + v*up. */
struct rt_camera {
	struct vec eye, forward, right, up;
	double tan_half; /* tan of half the vertical field of view */
};

/* A tile queue: tiles [head, tail) are still to render. Padded to a line of
 * its own. */
union rt_queue {
	struct {
		par_lock_t lock; /* guards head and tail */
		unsigned head, tail;
	} q;
	char pad[PAR_LINE];
};

struct rt {
	unsigned w, h, nthreads;
	unsigned tiles_x, ntiles;
	struct rt_camera cam;
	uint8_t *image;	       /* w * h * 3, RGB, top row first */
	union rt_queue *queue; /* nthreads */
	par_barrier_t *bar;    /* all nthreads */
	uint64_t cycles;       /* thread 0: the timed phase */
};

/* Nearest hit of the ray o + t*d (d a unit vector) with t > 0: returns the
 * object's index and sets *tout, or returns -1. */
static int rt_nearest(struct vec o, struct vec d, double *tout)
{
	int best = -1;
	double bt = 0;

	for (unsigned i = 0; i < RT_NOBJS; i++) {
		const struct rt_obj *ob = &rt_objs[i];
		double t;

		if (ob->kind == RT_PLANE) {
			if (fabs(d.y) < 1e-9)
				continue;
			t = -o.y / d.y;
			if (t <= 0 || t > RT_FAR)
				continue;
		} else {
			struct vec oc = v_sub(o, ob->centre);
			double b = v_dot(oc, d);
			double c = v_dot(oc, oc) - ob->radius * ob->radius;
			double disc = b * b - c;

			if (disc < 0)
				continue;
			double s = sqrt(disc);
			t = -b - s;
			if (t <= 0)
				t = -b + s;
			if (t <= 0)
				continue;
		}
		if (best < 0 || t < bt) {
			best = (int)i;
			bt = t;
		}
	}
	*tout = bt;
	return best;
}

/* Whether anything lies on the segment from p towards unit vector d, closer
 * than dist. */
static bool rt_blocked(struct vec p, struct vec d, double dist)
{
	double t;
	int hit = rt_nearest(p, d, &t);

	return hit >= 0 && t < dist;
}

/* Colour seen along the ray o + t*d (d a unit vector); depth reflections
 * have been followed to get here. */
static struct vec rt_trace(struct vec o, struct vec d, unsigned depth)
{
	double t;
	int i = rt_nearest(o, d, &t);

	if (i < 0) {
		double up = d.y > 0 ? d.y : 0;
		struct vec horizon = v_make(0.75, 0.85, 1.00), zenith = v_make(0.25, 0.45, 0.85);
		return v_add(horizon, v_scale(v_sub(zenith, horizon), up));
	}

	const struct rt_obj *ob = &rt_objs[i];
	struct vec p = v_add(o, v_scale(d, t));
	struct vec n, base;
	if (ob->kind == RT_PLANE) {
		/* |p.x|, |p.z| < RT_FAR + |o| < 1000: the offset makes them positive */
		int cx = (int)(p.x + 1000.0), cz = (int)(p.z + 1000.0);
		n = v_make(0, 1, 0);
		base = ((cx + cz) & 1) ? ob->colour2 : ob->colour;
	} else {
		n = v_scale(v_sub(p, ob->centre), 1.0 / ob->radius);
		base = ob->colour;
	}
	if (v_dot(n, d) > 0)
		n = v_scale(n, -1.0); /* seen from inside or below */
	struct vec start = v_add(p, v_scale(n, RT_EPS));

	struct vec c = v_scale(base, RT_AMBIENT);
	for (unsigned l = 0; l < RT_NLIGHTS; l++) {
		struct vec tol = v_sub(rt_lights[l].pos, p);
		double dist = sqrt(v_dot(tol, tol));
		struct vec ldir = v_scale(tol, 1.0 / dist);
		double lambert = v_dot(n, ldir);

		if (lambert <= 0 || rt_blocked(start, ldir, dist))
			continue;
		c = v_add(c, v_scale(v_mul(base, rt_lights[l].colour), lambert));
		/* Phong: the light's mirror direction against the way back to the eye */
		struct vec mirror = v_sub(v_scale(n, 2.0 * lambert), ldir);
		double spec = -v_dot(mirror, d);
		if (spec > 1e-3) {
			for (unsigned k = 0; k < RT_SHINE_STEPS; k++)
				spec *= spec;
			c = v_add(c, v_scale(rt_lights[l].colour, ob->ks * spec));
		}
	}

	if (ob->refl > 0 && depth < RT_DEPTH) {
		struct vec r = v_sub(d, v_scale(n, 2.0 * v_dot(d, n)));
		struct vec rc = rt_trace(start, r, depth + 1);
		c = v_add(v_scale(c, 1.0 - ob->refl), v_scale(rc, ob->refl));
	}
	return c;
}

static uint8_t rt_byte(double c)
{
	if (!(c > 0))
		return 0;
	if (c >= 1)
		return 255;
	return (uint8_t)(c * 255.0 + 0.5);
}

/* Renders pixel (x, y) into rgb[0..2]. */
static void rt_pixel(const struct rt *rt, unsigned x, unsigned y, uint8_t *rgb)
{
	const struct rt_camera *cam = &rt->cam;
	double aspect = (double)rt->w / rt->h;
	double u = (2.0 * (x + 0.5) / rt->w - 1.0) * aspect * cam->tan_half;
	double v = (1.0 - 2.0 * (y + 0.5) / rt->h) * cam->tan_half;
	struct vec d =
		v_unit(v_add(cam->forward, v_add(v_scale(cam->right, u), v_scale(cam->up, v))));
	struct vec c = rt_trace(cam->eye, d, 0);

	rgb[0] = rt_byte(c.x);
	rgb[1] = rt_byte(c.y);
	rgb[2] = rt_byte(c.z);
}

static void rt_tile(const struct rt *rt, unsigned tile)
{
	unsigned x0 = tile % rt->tiles_x * RT_TILE, y0 = tile / rt->tiles_x * RT_TILE;
	unsigned x1 = x0 + RT_TILE < rt->w ? x0 + RT_TILE : rt->w;
	unsigned y1 = y0 + RT_TILE < rt->h ? y0 + RT_TILE : rt->h;

	for (unsigned y = y0; y < y1; y++) {
		for (unsigned x = x0; x < x1; x++)
			rt_pixel(rt, x, y, &rt->image[((size_t)y * rt->w + x) * 3]);
	}
}

/* The next tile for thread t: from the front of its own queue, else from the
 * back of another's. Returns false when every queue is empty. */
static bool rt_next_tile(struct rt *rt, unsigned t, unsigned *tile)
{
	for (unsigned k = 0; k < rt->nthreads; k++) {
		unsigned v = (t + k) % rt->nthreads;
		union rt_queue *q = &rt->queue[v];
		bool got = false;

		par_lock(&q->q.lock);
		if (q->q.head < q->q.tail) {
			got = true;
			*tile = v == t ? q->q.head++ : --q->q.tail;
		}
		par_unlock(&q->q.lock);
		if (got)
			return true;
	}
	return false;
}

static void rt_thread(unsigned t, void *arg)
{
	struct rt *rt = arg;
	uint64_t start = 0;
	unsigned tile;

	par_barrier_wait(rt->bar);
	if (t == 0)
		start = par_cycles();
	while (rt_next_tile(rt, t, &tile))
		rt_tile(rt, tile);
	par_barrier_wait(rt->bar);
	if (t == 0)
		rt->cycles = par_cycles() - start;
}

static void rt_camera_init(struct rt_camera *cam)
{
	struct vec target = v_make(0.0, 0.9, 0.0), sky = v_make(0, 1, 0);

	cam->eye = v_make(0.0, 1.6, -6.0);
	cam->forward = v_unit(v_sub(target, cam->eye));
	/* right = sky x forward, up = forward x right */
	struct vec f = cam->forward;
	cam->right = v_unit(v_make(sky.y * f.z - sky.z * f.y, sky.z * f.x - sky.x * f.z,
				   sky.x * f.y - sky.y * f.x));
	struct vec r = cam->right;
	cam->up = v_make(f.y * r.z - f.z * r.y, f.z * r.x - f.x * r.z, f.x * r.y - f.y * r.x);
	cam->tan_half = 0.45;
}

/* Renders the sample pixels again serially and compares. Returns the index of
 * the first pixel that differs, or -1. */
static long rt_check(const struct rt *rt)
{
	size_t npix = (size_t)rt->w * rt->h;
	size_t corners[4] = {0, rt->w - 1, npix - rt->w, npix - 1};

	for (unsigned k = 0; k < 4 + RT_SAMPLES && k < 4 + npix; k++) {
		size_t i = k < 4 ? corners[k] : app_hash32(k) % npix;
		uint8_t rgb[3];

		rt_pixel(rt, (unsigned)(i % rt->w), (unsigned)(i / rt->w), rgb);
		if (memcmp(rgb, &rt->image[i * 3], 3) != 0)
			return (long)i;
	}
	return -1;
}

static int rt_usage(void)
{
	printf("usage: raytrace [-p THREADS] [-w WIDTH] [-h HEIGHT] [-o OUTFILE]\n"
	       "  -p  threads, 1..%u (default: 1 on Linux, the VM's CPUs on SPLASHOS)\n"
	       "  -w  image width in pixels, 1..%u (default 128)\n"
	       "  -h  image height in pixels, 1..%u (default 128)\n"
	       "  -o  write the image to OUTFILE as a binary PPM\n",
	       par_max_threads(), RT_MAXSIDE, RT_MAXSIDE);
	return 2;
}

int main(int argc, char **argv)
{
	struct rt rt = {0};
	unsigned p = par_default_threads(), w = 128, h = 128;
	const char *out = NULL;
	const struct app_opt opts[] = {
		{'p', &p, NULL},
		{'w', &w, NULL},
		{'h', &h, NULL},
		{'o', NULL, &out},
	};

	if (!app_parse_args(RT_NAME, argc, argv, opts, sizeof(opts) / sizeof(opts[0])))
		return rt_usage();
	const char *bad = NULL;
	if (p < 1 || p > par_max_threads())
		bad = "-p: thread count out of range";
	else if (w < 1 || w > RT_MAXSIDE || h < 1 || h > RT_MAXSIDE)
		bad = "-w, -h: image side out of range";
	if (bad) {
		printf("raytrace: %s\n", bad);
		return rt_usage();
	}

	rt.w = w;
	rt.h = h;
	rt.nthreads = p;
	rt.tiles_x = (w + RT_TILE - 1) / RT_TILE;
	rt.ntiles = rt.tiles_x * ((h + RT_TILE - 1) / RT_TILE);
	rt_camera_init(&rt.cam);
	rt.image = par_malloc((size_t)w * h * 3);
	rt.queue = par_malloc(p * sizeof(*rt.queue));
	rt.bar = par_malloc(sizeof(*rt.bar));
	if (!rt.image || !rt.queue || !rt.bar) {
		printf("raytrace: FAILED: out of memory for a %ux%u image\n", w, h);
		return 1;
	}
	memset(rt.image, 0, (size_t)w * h * 3);
	for (unsigned t = 0; t < p; t++) {
		par_lock_init(&rt.queue[t].q.lock);
		app_split(rt.ntiles, t, p, &rt.queue[t].q.head, &rt.queue[t].q.tail);
	}
	par_barrier_init(rt.bar, p);

	printf("raytrace: %ux%u pixels, %u tiles of %ux%u, %u objects, %u threads\n", w, h,
	       rt.ntiles, RT_TILE, RT_TILE, (unsigned)RT_NOBJS, p);
	par_run(p, rt_thread, &rt);

	long differs = rt_check(&rt);
	if (differs >= 0) {
		printf("raytrace: FAILED: pixel (%u, %u) differs when rendered again\n",
		       (unsigned)(differs % w), (unsigned)(differs / w));
		return 1;
	}
	printf("raytrace: result ok\n");
	printf("raytrace: checksum 0x%08x\n",
	       (unsigned)app_fnv1a(APP_FNV_INIT, rt.image, (size_t)w * h * 3));
	app_print_cycles(RT_NAME, rt.cycles);

	if (out) {
		char hdr[48] = "P6\n", num[21];
		strcat(hdr, app_u64_str(num, w));
		strcat(hdr, " ");
		strcat(hdr, app_u64_str(num, h));
		strcat(hdr, "\n255\n");
		if (!app_write_file(RT_NAME, out, hdr, strlen(hdr), rt.image, (size_t)w * h * 3))
			return 1;
	}
	return 0;
}
