/* coherence/model/flash.pml: SPIN model of the directory protocol of
 * coherence/PROTOCOL.md, for 3 nodes and 2 lines (line 0 homed at node 0,
 * line 1 at node 1; node 2 is a cache only). Every node is a CPU with a
 * cache and, for its lines, the home (directory + memory).
 *
 * Checked (coherence/model/check.sh): after every step, the single-writer /
 * multiple-reader invariant, the data-value invariant (every readable copy
 * and every clean memory holds the value of the last completed write, kept in
 * the ghost variable ghost[]), and at every load that it returns that value;
 * no invalid end state (deadlock: every process is a non-terminating loop
 * with no end label, so any state with nothing enabled is an error); no
 * channel ever fills (a full channel would be an unmodelled back-pressure
 * stall: asserted before every send). With -DOPS=n (drain mode) the CPUs
 * stop after n accesses and every run must end quiescent (see below).
 * -DL=1 checks line 0 alone.
 *
 * Network: one FIFO channel per ordered (source, destination) pair,
 * self-pairs included; no order between different pairs (PROTOCOL.md 2).
 *
 * Each step is one handler, atomic as in MAGIC (one handler runs to the end
 * before the next message of that node is taken). The comment on each
 * branch names the C handler of PROTOCOL.md that implements it.
 *
 * Mutants for check.sh --mutants (each must make SPIN fail):
 *   BUG_SKIP_INV   the home forgets to invalidate the highest sharer
 *   BUG_NO_ACKWAIT a writer completes without waiting for its acks
 *   BUG_NO_ISDI    a pending read ignores an invalidation (no IS_D_I)
 *   BUG_NO_BUSY    the home serves a request while busy instead of a NAK
 *   BUG_DROP_FWD   a forward that overtakes the data is dropped, not deferred
 *   BUG_PUTX_MEM   a stale write-back (during a forward) clobbers the directory
 *   BUG_NAK_PUTX   a NAKed PutX is resent after a forward took the line
 *                  (caught only in drain mode, where retries wait)
 */

#define N   3			/* nodes */
#ifndef L
#define L   2			/* lines (check.sh also runs -DL=1) */
#endif
#define K   3			/* data values: a counter mod K, +1 per write */
#define CAP 6			/* slots per (src, dst) channel */

#define HOME(ln)   (ln)		/* line ln is homed at node ln */
#define IX(nacks, ln)  ((nacks) * L + (ln))
#define CH(sn, d)  ((sn) * N + (d))
#define BIT(nacks)    (1 << (nacks))

/* Message types (C: enum coh_type, COH_<NAME>). */
mtype = { GET, GETX, UPGRADE, PUTX, SWB, XFER, UNBLOCK,	/* to the home */
	  FWD_GET, FWD_GETX, INV,				/* home to a cache */
	  DATA, UPG_ACK, INV_ACK, NAK, WB_ACK };		/* replies to a cache */

/* type, line, req (requester), val (data), acks (ack count), grant */
chan net[N * N] = [CAP] of { mtype, byte, byte, byte, byte, byte };

/* Grants carried by DATA. */
#define G_S 1
#define G_E 2
#define G_X 3

/* Cache states (C: enum coh_cstate). */
#define I     0
#define S     1
#define E     2
#define M     3
#define IS_D  4			/* Get sent, waiting for data */
#define IS_DI 5			/* IS_D and an Inv came: use the data once */
#define IM_AD 6			/* GetX sent (no valid copy), waiting data+acks */
#define SM_AD 7			/* Upgrade sent, S copy still valid */
#define IM_A  8			/* data/grant in, waiting for acks */
#define MI_A  9			/* PutX sent, still holds the data */
#define II_A  10		/* PutX sent and a forward served: no data */

/* Directory states (C: enum coh_dstate). */
#define D_U   0			/* Unowned: memory valid, no copies */
#define D_S   1			/* Shared(sharers): memory valid */
#define D_E   2			/* Exclusive(owner): owner has E or M */
#define D_BSF 3			/* busy: Get forwarded to owner, wait SWB */
#define D_BXF 4			/* busy: GetX forwarded to owner, wait XFER */
#define D_BXI 5			/* busy: Invs sent, wait UNBLOCK from breq */

/* Cache side, per (node, line). */
byte cst[N * L];		/* cache state */
byte cval[N * L];		/* cached data */
byte need[N * L];		/* acks expected; 255: not known yet */
byte got[N * L];		/* acks received */
bool unb[N * L];		/* send UNBLOCK at completion */
mtype dfwd[N * L];		/* deferred forward (0: none) */
byte dreq[N * L];		/* its requester */
bool cpuw[N];			/* the CPU waits for a miss (one at a time: SC) */

/* Home side, per line. */
byte dst[L];			/* directory state */
byte shr[L];			/* sharer set (bit per node), superset of S copies */
byte own[L];			/* owner in D_E, D_BSF, D_BXF */
byte breq[L];			/* requester the home is busy for */
byte mem[L];			/* memory */

byte ghost[L];			/* value of the last completed write */

#ifdef OPS
/* Drain mode (check.sh): the CPUs make OPS accesses in all, then stop; a NAKed
 * request is resent once the line is no longer busy (an abstraction of the
 * back-off: a resend into a busy line only gets another NAK). Then every run
 * ends, and must end quiescent: a transaction that never finishes (a lost
 * message, a forward dropped) is an error even when other lines could go on
 * for ever in the open mode. */
byte ops = OPS;
bool retry[N * L];		/* NAKed, resend when the home is free */
#define SPEND ops > 0 && !cpuw[me] -> ops--
#else
#define SPEND !cpuw[me]
#endif

/* Copies the CPU may read (VALID) or write (OWNS). MI_A and II_A are not:
 * the CPU gave the line up; MI_A keeps the data only to serve a forward that
 * crossed its PutX (checked where it serves one). IM_A is not yet. */
#define VALID(c)  ((c) == S || (c) == E || (c) == M || (c) == SM_AD)
#define OWNS(c)   ((c) == E || (c) == M)
#define STABLE(sn) ((sn) <= M)

/* Single writer / multiple readers for line ln and nodes a != b. */
#define SWMR2(ln, a, b) (!(OWNS(cst[IX(a, ln)]) && VALID(cst[IX(b, ln)])))
#define SWMR(ln) (SWMR2(ln, 0, 1) && SWMR2(ln, 0, 2) && SWMR2(ln, 1, 0) && \
		 SWMR2(ln, 1, 2) && SWMR2(ln, 2, 0) && SWMR2(ln, 2, 1))
/* Data value: readable copies and clean memory hold the last write. */
#define DV1(ln, nacks) (!VALID(cst[IX(nacks, ln)]) || cval[IX(nacks, ln)] == ghost[ln])
#define DV(ln) (DV1(ln, 0) && DV1(ln, 1) && DV1(ln, 2) && \
	       ((dst[ln] != D_U && dst[ln] != D_S) || mem[ln] == ghost[ln]))
#if L > 1
#define INVARIANT (SWMR(0) && SWMR(1) && DV(0) && DV(1))
#else
#define INVARIANT (SWMR(0) && DV(0))
#endif

inline send(d, mt, ln, r, v, a, g)
{
	assert(nfull(net[CH(me, d)]));
	net[CH(me, d)]!mt, ln, r, v, a, g
}

/* ---------------- requester side helpers ---------------- */

/* The store of node me to line ln completes: all acks are in. */
inline complete_store(ln)
{
	cval[IX(me, ln)] = (ghost[ln] + 1) % K;
	ghost[ln] = cval[IX(me, ln)];
	cst[IX(me, ln)] = M;
	cpuw[me] = 0;
	if
	:: unb[IX(me, ln)] -> send(HOME(ln), UNBLOCK, ln, me, 0, 0, 0)
	:: else
	fi;
	got[IX(me, ln)] = 0; need[IX(me, ln)] = 0; unb[IX(me, ln)] = 0;
	/* a forward that overtook our data: serve it now (coh__serve_fwd) */
	if
	:: dfwd[IX(me, ln)] == FWD_GET ->
		send(dreq[IX(me, ln)], DATA, ln, me, cval[IX(me, ln)], 0, G_S);
		send(HOME(ln), SWB, ln, dreq[IX(me, ln)], cval[IX(me, ln)], 0, 0);
		cst[IX(me, ln)] = S; dfwd[IX(me, ln)] = 0
	:: dfwd[IX(me, ln)] == FWD_GETX ->
		send(dreq[IX(me, ln)], DATA, ln, me, cval[IX(me, ln)], 0, G_X);
		send(HOME(ln), XFER, ln, dreq[IX(me, ln)], 0, 0, 0);
		cst[IX(me, ln)] = I; dfwd[IX(me, ln)] = 0
	:: else
	fi
}

inline check_done(ln)
{
	if
	:: need[IX(me, ln)] != 255 && got[IX(me, ln)] == need[IX(me, ln)] -> complete_store(ln)
	:: else -> cst[IX(me, ln)] = IM_A
	fi
}

/* ---------------- home side helpers ---------------- */

/* Invalidate every sharer but r; nacks := how many (acks go to r). */
inline send_invs(ln, r)
{
	nacks = 0;
	xi = 0;
	do
	:: xi < N ->
		if
#ifdef BUG_SKIP_INV
		:: (shr[ln] & BIT(xi)) && xi != r && xi == 2 -> skip
#endif
		:: (shr[ln] & BIT(xi)) && xi != r ->
			send(xi, INV, ln, r, 0, 0, 0); nacks++
		:: else
		fi;
		xi++
	:: else -> break
	od
}

/* coh_on_getx (and coh_on_upgrade from a node that lost its copy) */
inline home_getx(ln, r)
{
	if
	:: dst[ln] == D_U ->
		send(r, DATA, ln, r, mem[ln], 0, G_X);
		dst[ln] = D_E; own[ln] = r
	:: dst[ln] == D_S ->
		send_invs(ln, r);
		send(r, DATA, ln, r, mem[ln], nacks, G_X);
		shr[ln] = 0;
		if
		:: nacks > 0 -> dst[ln] = D_BXI; breq[ln] = r
		:: else -> dst[ln] = D_E; own[ln] = r
		fi
	:: dst[ln] == D_E ->
		assert(own[ln] != r);
		send(own[ln], FWD_GETX, ln, r, 0, 0, 0);
		dst[ln] = D_BXF; breq[ln] = r
	fi
}

/* End of every step: check the invariants, then clear dead values (the
 * scratch, data of lines without data, memory while an owner has the line,
 * directory fields of other states) so that they do not multiply the
 * states. Dead means no transition reads it before writing it. */
inline end_step()
{
	d_step {
	assert(INVARIANT);
	xi = 0;
	do
	:: xi < N * L ->
		if
		:: cst[xi] == I || cst[xi] == II_A || cst[xi] == IS_D ||
		   cst[xi] == IS_DI || cst[xi] == IM_AD -> cval[xi] = 0
		:: else
		fi;
		xi++
	:: else -> break
	od;
	xi = 0;
	do
	:: xi < L ->
		if :: dst[xi] == D_E || dst[xi] == D_BSF || dst[xi] == D_BXF -> mem[xi] = 0 :: else fi;
		if :: dst[xi] != D_S -> shr[xi] = 0 :: else fi;
		if :: dst[xi] != D_E && dst[xi] != D_BSF && dst[xi] != D_BXF -> own[xi] = 0 :: else fi;
		if :: dst[xi] < D_BSF -> breq[xi] = 0 :: else fi;
		xi++
	:: else -> break
	od;
	ln = 0; sn = 0; xi = 0; nacks = 0; mt = 0; ml = 0; mr = 0; mv = 0; ma = 0; mg = 0
	}
}

/* coh_on_nak's retry: the request of the line's current state again. */
inline resend(l)
{
	xi = cst[IX(me, l)];
	if
	:: xi == IS_D || xi == IS_DI ->
		cst[IX(me, l)] = IS_D; send(HOME(l), GET, l, me, 0, 0, 0)
	:: xi == IM_AD ->	/* not served: no acks can be on the way */
		assert(got[IX(me, l)] == 0);
		send(HOME(l), GETX, l, me, 0, 0, 0)
	:: xi == SM_AD ->
		assert(got[IX(me, l)] == 0);
		send(HOME(l), UPGRADE, l, me, 0, 0, 0)
	:: xi == MI_A -> send(HOME(l), PUTX, l, me, cval[IX(me, l)], 0, 0)
	:: xi == II_A ->	/* a forward came while the NAKed PutX waited to
				 * be resent: its SWB/XFER took the data home,
				 * no write-back is left to do (C: cancel the retry) */
#ifdef BUG_NAK_PUTX
		send(HOME(l), PUTX, l, me, cval[IX(me, l)], 0, 0)
#else
		cst[IX(me, l)] = I
#endif
	:: else -> assert(false)
	fi
}

proctype node(byte me)
{
	/* scratch of one step (cleared by end_step) */
	byte ln, sn, xi, nacks;
	mtype mt;
	byte ml, mr, mv, ma, mg;


#ifdef OPS
end_idle:
#endif
	do
	/* ---------------- CPU ---------------- */
	:: atomic { SPEND -> /* load */
		if :: ln = 0 :: L > 1 -> ln = 1 fi;
		sn = cst[IX(me, ln)];
		if
		:: sn == S || sn == E || sn == M ->		/* hit */
			assert(cval[IX(me, ln)] == ghost[ln])
		:: sn == I ->					/* miss */
			send(HOME(ln), GET, ln, me, 0, 0, 0);
			cst[IX(me, ln)] = IS_D; cpuw[me] = 1
		:: else -> skip					/* line busy: try later */
		fi;
		end_step() }
	:: atomic { SPEND -> /* store */
		if :: ln = 0 :: L > 1 -> ln = 1 fi;
		sn = cst[IX(me, ln)];
		if
		:: sn == M || sn == E ->				/* hit (E -> M silently) */
			cval[IX(me, ln)] = (ghost[ln] + 1) % K;
			ghost[ln] = cval[IX(me, ln)];
			cst[IX(me, ln)] = M
		:: sn == S ->
			got[IX(me, ln)] = 0; need[IX(me, ln)] = 255; unb[IX(me, ln)] = 0;
			send(HOME(ln), UPGRADE, ln, me, 0, 0, 0);
			cst[IX(me, ln)] = SM_AD; cpuw[me] = 1
		:: sn == I ->
			got[IX(me, ln)] = 0; need[IX(me, ln)] = 255; unb[IX(me, ln)] = 0;
			send(HOME(ln), GETX, ln, me, 0, 0, 0);
			cst[IX(me, ln)] = IM_AD; cpuw[me] = 1
		:: else -> skip
		fi;
		end_step() }
	:: atomic { SPEND -> /* replacement (between the CPU's accesses) */
		if :: ln = 0 :: L > 1 -> ln = 1 fi;
		sn = cst[IX(me, ln)];
		if
		:: sn == S -> cst[IX(me, ln)] = I			/* silent, no PutS */
		:: sn == E || sn == M ->
			send(HOME(ln), PUTX, ln, me, cval[IX(me, ln)], 0, 0);
			cst[IX(me, ln)] = MI_A
		:: else -> skip
		fi;
		end_step() }

#ifdef OPS
	:: atomic { (retry[IX(me, 0)] && dst[0] < D_BSF) -> retry[IX(me, 0)] = 0; resend(0); end_step() }
#if L > 1
	:: atomic { (retry[IX(me, 1)] && dst[1] < D_BSF) -> retry[IX(me, 1)] = 0; resend(1); end_step() }
#endif
#endif
	/* ---------------- messages: one handler per step ---------------- */
	:: atomic { (nempty(net[CH(0, me)]) || nempty(net[CH(1, me)]) || nempty(net[CH(2, me)])) ->
		if
		:: net[CH(0, me)]?mt, ml, mr, mv, ma, mg -> sn = 0
		:: net[CH(1, me)]?mt, ml, mr, mv, ma, mg -> sn = 1
		:: net[CH(2, me)]?mt, ml, mr, mv, ma, mg -> sn = 2
		fi;
		ln = ml;
		if
		/* ======== at the home (assert we are it) ======== */
		:: mt == GET -> /* coh_on_get */
			assert(HOME(ln) == me);
			if
#ifndef BUG_NO_BUSY
			:: dst[ln] >= D_BSF -> send(mr, NAK, ln, mr, 0, 0, 0)
#endif
			:: dst[ln] == D_U ->
				send(mr, DATA, ln, mr, mem[ln], 0, G_E);
				dst[ln] = D_E; own[ln] = mr
			:: dst[ln] == D_S ->
				send(mr, DATA, ln, mr, mem[ln], 0, G_S);
				shr[ln] = shr[ln] | BIT(mr)
			:: dst[ln] == D_E ->
				assert(own[ln] != mr);
				send(own[ln], FWD_GET, ln, mr, 0, 0, 0);
				dst[ln] = D_BSF; breq[ln] = mr
#ifdef BUG_NO_BUSY
			:: dst[ln] == D_BXI ->	/* served from memory as if Shared */
				send(mr, DATA, ln, mr, mem[ln], 0, G_S)
			:: dst[ln] == D_BSF || dst[ln] == D_BXF -> send(mr, NAK, ln, mr, 0, 0, 0)
#endif
			fi
		:: mt == GETX -> /* coh_on_getx */
			assert(HOME(ln) == me);
			if
			:: dst[ln] >= D_BSF -> send(mr, NAK, ln, mr, 0, 0, 0)
			:: else -> home_getx(ln, mr)
			fi
		:: mt == UPGRADE -> /* coh_on_upgrade */
			assert(HOME(ln) == me);
			if
			:: dst[ln] >= D_BSF -> send(mr, NAK, ln, mr, 0, 0, 0)
			:: dst[ln] == D_S && (shr[ln] & BIT(mr)) ->
				send_invs(ln, mr);
				send(mr, UPG_ACK, ln, mr, 0, nacks, 0);
				shr[ln] = 0;
				if
				:: nacks > 0 -> dst[ln] = D_BXI; breq[ln] = mr
				:: else -> dst[ln] = D_E; own[ln] = mr
				fi
			:: else -> home_getx(ln, mr)	/* lost its copy: a GetX */
			fi
		:: mt == PUTX -> /* coh_on_putx */
			assert(HOME(ln) == me);
			if
			:: dst[ln] == D_E && own[ln] == sn ->
				mem[ln] = mv; dst[ln] = D_U;
				send(sn, WB_ACK, ln, sn, 0, 0, 0)
			:: (dst[ln] == D_BSF || dst[ln] == D_BXF) && own[ln] == sn ->
				/* raced with our forward: the SWB/XFER that
				 * follows on this pair finishes it */
#ifdef BUG_PUTX_MEM
				mem[ln] = mv; dst[ln] = D_U;
#endif
				send(sn, WB_ACK, ln, sn, 0, 0, 0)
			:: dst[ln] == D_BXF && breq[ln] == sn ->
				/* the new owner's PutX overtook the old owner's
				 * XFER (another pair): not yet owner here, retry */
				send(sn, NAK, ln, sn, 0, 0, 0)
			:: else -> assert(false)	/* coh_panic: no such write-back */
			fi
		:: mt == SWB -> /* coh_on_swb: sharing write-back */
			assert(HOME(ln) == me && dst[ln] == D_BSF && own[ln] == sn && breq[ln] == mr);
			mem[ln] = mv; dst[ln] = D_S; shr[ln] = BIT(sn) | BIT(mr)
		:: mt == XFER -> /* coh_on_xfer: ownership transfer */
			assert(HOME(ln) == me && dst[ln] == D_BXF && own[ln] == sn && breq[ln] == mr);
			dst[ln] = D_E; own[ln] = mr
		:: mt == UNBLOCK -> /* coh_on_unblock */
			assert(HOME(ln) == me && dst[ln] == D_BXI && breq[ln] == sn);
			dst[ln] = D_E; own[ln] = sn

		/* ======== at a cache ======== */
		:: mt == FWD_GET || mt == FWD_GETX -> /* coh_on_fwd_get / coh_on_fwd_getx */
			xi = cst[IX(me, ln)];
			if
			:: xi == E || xi == M || xi == MI_A ->
				assert(cval[IX(me, ln)] == ghost[ln]);
				if
				:: mt == FWD_GET ->
					send(mr, DATA, ln, me, cval[IX(me, ln)], 0, G_S);
					send(HOME(ln), SWB, ln, mr, cval[IX(me, ln)], 0, 0);
					if :: xi == MI_A -> cst[IX(me, ln)] = II_A :: else -> cst[IX(me, ln)] = S fi
				:: else ->
					send(mr, DATA, ln, me, cval[IX(me, ln)], 0, G_X);
					send(HOME(ln), XFER, ln, mr, 0, 0, 0);
					if :: xi == MI_A -> cst[IX(me, ln)] = II_A :: else -> cst[IX(me, ln)] = I fi
				fi
			:: xi == IM_AD ->	/* overtook the data from the old owner */
				assert(dfwd[IX(me, ln)] == 0 && got[IX(me, ln)] == 0);
#ifndef BUG_DROP_FWD
				dfwd[IX(me, ln)] = mt; dreq[IX(me, ln)] = mr
#endif
			:: else -> assert(false)
			fi
		:: mt == INV -> /* coh_on_inv */
			xi = cst[IX(me, ln)];
			assert(xi != E && xi != M && xi != MI_A && xi != IM_A);
			send(mr, INV_ACK, ln, mr, 0, 0, 0);
			if
			:: xi == S -> cst[IX(me, ln)] = I
			:: xi == SM_AD -> cst[IX(me, ln)] = IM_AD
#ifndef BUG_NO_ISDI
			:: xi == IS_D -> cst[IX(me, ln)] = IS_DI
#endif
			:: else -> skip		/* I, IS_DI, IM_AD, II_A: copy already gone */
			fi
		:: mt == INV_ACK -> /* coh_on_inv_ack */
			xi = cst[IX(me, ln)];
			assert(xi == IM_AD || xi == SM_AD || xi == IM_A);
			got[IX(me, ln)]++;
			if
			:: xi == IM_A -> check_done(ln)
			:: else
			fi
		:: mt == DATA -> /* coh_on_data */
			xi = cst[IX(me, ln)];
			if
			:: xi == IS_D || (xi == IS_DI && mg == G_E) ->
				assert(mg == G_S || mg == G_E);
				assert(mv == ghost[ln]);		/* the load'sn value */
				cval[IX(me, ln)] = mv; cpuw[me] = 0;
				if :: mg == G_S -> cst[IX(me, ln)] = S :: else -> cst[IX(me, ln)] = E fi
			:: xi == IS_DI && mg == G_S ->	/* the load takes it, the copy dies */
				cst[IX(me, ln)] = I; cpuw[me] = 0
			:: xi == IM_AD || xi == SM_AD ->
				assert(mg == G_X);
				cval[IX(me, ln)] = mv; need[IX(me, ln)] = ma; unb[IX(me, ln)] = (ma > 0);
#ifdef BUG_NO_ACKWAIT
				need[IX(me, ln)] = 0; got[IX(me, ln)] = 0;
#endif
				check_done(ln)
			:: else -> assert(false)
			fi
		:: mt == UPG_ACK -> /* coh_on_upg_ack */
			assert(cst[IX(me, ln)] == SM_AD);
			need[IX(me, ln)] = ma; unb[IX(me, ln)] = (ma > 0);
#ifdef BUG_NO_ACKWAIT
			need[IX(me, ln)] = 0; got[IX(me, ln)] = 0;
#endif
			check_done(ln)
		:: mt == NAK -> /* coh_on_nak: retry (C: after a back-off) */
#ifdef OPS
			retry[IX(me, ln)] = 1
#else
			resend(ln)
#endif
		:: mt == WB_ACK -> /* coh_on_wb_ack */
			assert(cst[IX(me, ln)] == MI_A || cst[IX(me, ln)] == II_A);
			cst[IX(me, ln)] = I
		fi;
		end_step() }
	od
}

#ifdef OPS
#define STABLE_ALL (cst[0] <= M && cst[1] <= M && cst[2] <= M && \
		    (L == 1 || (cst[3] <= M && cst[4] <= M && cst[5] <= M)))
#define QUIESCENT (STABLE_ALL && !cpuw[0] && !cpuw[1] && !cpuw[2] && \
		   dst[0] < D_BSF && (L == 1 || dst[L - 1] < D_BSF))
/* When nothing can move any more, every transaction must have finished
 * (and every channel be empty: pan -q). */
active proctype drained()
{
	timeout -> assert(QUIESCENT)
}
#endif

init
{
	atomic {
		run node(0); run node(1); run node(2)
	}
}
