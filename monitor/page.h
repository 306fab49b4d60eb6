/* monitor/page.h: page numbers and the MIPS32r2 EntryLo layout, shared by the
 * monitor's memory structures (pmap.c, l2tlb.c, memmap.c).
 *
 * Pages are 4 KiB (NODE_PAGE_SHIFT). A guest-physical page number is a gppn,
 * a machine page number an mppn (machine page mppn lives at machine address
 * mppn << 12). EntryLo, as node/tlb.c reads it: bit 0 G (global), bit 1 V
 * (valid), bit 2 D (dirty = writes allowed), bits 5:3 C (cache attribute,
 * 3 = cacheable noncoherent as the emulated CPU treats all cacheable pages
 * alike), bits 29:6 PFN (24 bits, so machine memory up to 64 GiB).
 */
#ifndef MON_PAGE_H
#define MON_PAGE_H

#include <stdint.h>

#include "node/mem.h"

#define MON_PAGE_SHIFT NODE_PAGE_SHIFT
#define MON_NO_PAGE UINT32_MAX /* "no page": an unmapped gppn, no master, ... */

#define MON_LO_G 0x1u
#define MON_LO_V 0x2u
#define MON_LO_D 0x4u
#define MON_LO_C_SHIFT 3
#define MON_LO_C_MASK (7u << MON_LO_C_SHIFT)
#define MON_LO_CACHED (3u << MON_LO_C_SHIFT)
#define MON_LO_PFN_SHIFT 6
#define MON_LO_PFN_MAX 0x00ffffffu /* the largest PFN EntryLo can hold */

/* The page frame number an EntryLo names. */
static inline uint32_t mon_lo_pfn(uint32_t lo)
{
	return (lo >> MON_LO_PFN_SHIFT) & MON_LO_PFN_MAX;
}

#endif
