/* coherence/param.h: the tunables of the coherence module, one per line with
 * its unit. Run-time values (--quantum, the node count, the placement) come
 * from the configuration; these are the defaults and the fixed sizes.
 */
#ifndef COH_PARAM_H
#define COH_PARAM_H

#define COH_CPU_HZ 200000000u	       /* Hz: emulated clock the cycle counts below assume */
#define COH_LOOKAHEAD_CYCLES 60u       /* cycles: least node-to-node one-way latency (300 ns) */
#define COH_QUANTUM_CYCLES 60u	       /* cycles: default quantum (= lookahead: exact mode) */
#define COH_MAX_NODES 1024	       /* nodes: largest machine the node map accepts */
#define COH_LINE_BYTES 128	       /* bytes: coherence unit, largest message payload */
#define COH_QUEUE_INIT_MSGS 64	       /* messages: first capacity of a node's inbound queue */
#define COH_BATCH_INIT_BYTES 8192      /* bytes: first capacity of a per-peer batch buffer */
#define COH_BATCH_MAX_BYTES (1u << 30) /* bytes: largest batch for one peer in one quantum */
#define COH_WAIT_SPINS 2000	       /* MPI_Test calls before a waiting rank starts sleeping */
#define COH_WAIT_YIELDS 2000	       /* MPI_Test calls with sched_yield, after the spins */
#define COH_WAIT_YIELDS_OVERSUBSCRIBED 200000 /* the same with more ranks than cores */
#define COH_WAIT_SLEEP_NS 20000		      /* ns: sleep between MPI_Test calls after the spins */
#define COH_MPI_TAG 0x4300		      /* MPI tag of batches; +1 on odd exchanges */

#endif
