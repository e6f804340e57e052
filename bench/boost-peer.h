/* The Boost.Interprocess side of kobjns-bench (boost-peer.cpp): what a C++ program on POSIX uses
 * for named shared memory and a named mutex, so that the benchmark can put kobjns beside it. Each
 * call returns 0, or -1 when Boost threw (the benchmark then stops). */
#ifndef KOBJNS_BENCH_BOOST_PEER_H
#define KOBJNS_BENCH_BOOST_PEER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* boost::interprocess::named_mutex NAME, made anew; lock and unlock it; close and remove it. */
int boost_mutex_open(const char *name);
int boost_mutex_lock(void);
int boost_mutex_unlock(void);
void boost_mutex_close(const char *name);

/* shared_memory_object: create NAME (it must be new), size it, map it read-write, write every
 * page, unmap, close, remove: the benchmark's cycle. */
int boost_section_cycle(const char *name, size_t size);
/* Create NAME of `size` bytes and keep it (Boost's objects live until removed). */
int boost_section_make(const char *name, size_t size);
/* Open NAME read-only and close it. */
int boost_section_open_close(const char *name);
void boost_section_remove(const char *name);

#ifdef __cplusplus
}
#endif

#endif
